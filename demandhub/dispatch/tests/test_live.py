"""Consoles hear about a unit's change over the websocket, without its content."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from demandhub.config.asgi import application
from demandhub.dispatch.actions import book_on, change_status
from demandhub.dispatch.models import Resource

from .factories import ResourceFactory


def cookie_for(user) -> bytes:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


@pytest.mark.django_db(transaction=True)
async def test_the_board_and_the_crews_terminal_hear_a_status_change(
    dispatcher, response_officer, settings
):
    # This process's layer only: other workers' notices share Redis groups when REDIS_URL is set.
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    unit = await database_sync_to_async(ResourceFactory)(status=Resource.Status.OFF_DUTY)
    await database_sync_to_async(book_on)(unit, by=response_officer)
    sockets = []
    for user in (dispatcher, response_officer):
        cookie = await database_sync_to_async(cookie_for)(user)
        socket = WebsocketCommunicator(
            application,
            "/ws/live/resources/",
            headers=[(b"origin", b"http://127.0.0.1"), (b"cookie", cookie)],
        )
        connected, _ = await socket.connect()
        assert connected
        sockets.append(socket)

    await database_sync_to_async(change_status)(
        unit, Resource.Status.REFRESHMENT, by=response_officer
    )

    for socket in sockets:
        message = await socket.receive_json_from(timeout=2)
        assert message == {"type": "changed", "kind": "resource.status", "pk": str(unit.pk)}
        await socket.disconnect()
