"""Signing someone out everywhere closes their open websockets at once, and nobody else's."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from demandhub.accounts import actions
from demandhub.config.asgi import application
from demandhub.core import consumers, realtime
from demandhub.core.consumers import NOT_SIGNED_IN

ORIGIN = (b"origin", b"http://127.0.0.1")


def _session_cookie(user) -> bytes:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def _open(path: str, cookie: bytes) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, path, headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await communicator.connect()
    assert connected
    return communicator


@pytest.mark.django_db(transaction=True)
async def test_revoking_sessions_closes_that_users_live_sockets_with_4401(
    supervisor, supervisor_session_cookie, analyst
):
    analyst_session_cookie = await database_sync_to_async(_session_cookie)(analyst)
    theirs = [await _open("/ws/live/audit/", supervisor_session_cookie) for _ in range(2)]
    someone_elses = await _open("/ws/live/audit/", analyst_session_cookie)

    await database_sync_to_async(actions.revoke_sessions)(
        supervisor, by=None, reason="terminal left signed in"
    )

    for communicator in theirs:
        # The revocation's own audit notice (sent first, on commit), then the close.
        notice = await communicator.receive_json_from(timeout=2)
        assert notice["kind"] == "event.recorded"
        closed = await communicator.receive_output(timeout=2)
        assert closed == {"type": "websocket.close", "code": NOT_SIGNED_IN}
    # The audit entry of the revocation reaches the other socket, which stays open.
    notice = await someone_elses.receive_json_from(timeout=2)
    assert notice["kind"] == "event.recorded"
    await someone_elses.send_json_to({"type": "ping"})
    assert await someone_elses.receive_json_from(timeout=2) == {"type": "pong"}
    await someone_elses.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_notices_waiting_to_be_coalesced_are_dropped_when_the_sessions_end(
    supervisor, supervisor_session_cookie, monkeypatch
):
    # A long window, so the second notice is surely still waiting when the revocation comes.
    monkeypatch.setattr(consumers, "COALESCE_SECONDS", 60)
    communicator = await _open("/ws/live/incidents/", supervisor_session_cookie)

    await database_sync_to_async(realtime.send_now)("incidents", "incident.changed", 1)
    assert await communicator.receive_json_from(timeout=2) == {
        "type": "changed",
        "kind": "incident.changed",
        "pk": "1",
    }
    await database_sync_to_async(realtime.send_now)("incidents", "incident.changed", 2)
    await database_sync_to_async(actions.revoke_sessions)(
        supervisor, by=None, reason="terminal left signed in"
    )

    # Nothing more reaches the page: the close comes at once, without the waiting notice.
    assert await communicator.receive_output(timeout=2) == {
        "type": "websocket.close",
        "code": NOT_SIGNED_IN,
    }
    assert await communicator.receive_nothing(timeout=0.2)
