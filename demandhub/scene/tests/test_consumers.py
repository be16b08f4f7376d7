"""The scene websockets: who may join, what is relayed to whom, and what is refused."""

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse

from demandhub.audit.models import Action, Event
from demandhub.config.asgi import application
from demandhub.core.consumers import FORBIDDEN, NOT_SIGNED_IN, UNKNOWN_GROUP
from demandhub.scene import actions
from demandhub.scene.consumers import GONE
from demandhub.scene.models import SceneLocation
from demandhub.scene.protocol import MAX_FRAME

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://127.0.0.1")
SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n"
CANDIDATE = {
    "candidate": "candidate:1 1 UDP 1 127.0.0.1 5000 typ host",
    "sdpMid": "0",
    "sdpMLineIndex": 0,
}


def _cookie(client: Client) -> bytes:
    return f"sessionid={client.cookies['sessionid'].value}".encode()


def _staff_cookie(user) -> bytes:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return _cookie(client)


def _consented(link_token: str) -> bytes:
    client = Client()
    url = reverse("scene:caller", args=[link_token])
    client.get(url)
    client.post(url, {"consent": "yes"})
    return _cookie(client)


def caller_socket(token: str, cookie: bytes | None = None) -> WebsocketCommunicator:
    headers = [ORIGIN] + ([(b"cookie", cookie)] if cookie else [])
    return WebsocketCommunicator(application, f"/ws/scene/{token}/", headers=headers)


def staff_socket(incident_pk: int, cookie: bytes | None) -> WebsocketCommunicator:
    headers = [ORIGIN] + ([(b"cookie", cookie)] if cookie else [])
    return WebsocketCommunicator(application, f"/ws/scene/incident/{incident_pk}/", headers=headers)


@pytest.fixture
def live_link(call_handler, incident):  # type: ignore[no-untyped-def]
    link, token = actions.create_link(incident, by=call_handler)
    return link, token, _consented(token)


async def _next(socket: WebsocketCommunicator, kind: str) -> dict:  # type: ignore[type-arg]
    """The next message of `kind`, skipping others (state notices arrive in between)."""
    for _ in range(10):
        message = await socket.receive_json_from(timeout=3)
        if message["type"] == kind:
            return message  # type: ignore[no-any-return]
    raise AssertionError(f"no {kind} message")


async def _connected_pair(live_link, call_handler):  # type: ignore[no-untyped-def]
    link, token, cookie = live_link
    staff = staff_socket(link.incident_id, await sync_to_async(_staff_cookie)(call_handler))
    assert (await staff.connect())[0]
    welcome = await staff.receive_json_from()
    caller = caller_socket(token, cookie)
    assert (await caller.connect())[0]
    assert (await caller.receive_json_from())["type"] == "welcome"
    assert (await _next(staff, "caller"))["state"] == "connected"
    return link, staff, caller, welcome["peer"]


async def test_a_forged_link_is_closed_as_unauthenticated():
    socket = caller_socket("not-a-real-token")

    connected, code = await socket.connect()

    assert (connected, code) == (False, NOT_SIGNED_IN)


async def test_a_link_not_consented_in_this_browser_is_refused(live_link):
    _, token, _ = live_link
    other_device = await sync_to_async(lambda: _cookie(_visited(token)))()

    assert await caller_socket(token).connect() == (False, FORBIDDEN)
    assert await caller_socket(token, other_device).connect() == (False, FORBIDDEN)


def _visited(token: str) -> Client:
    client = Client()
    client.get(reverse("scene:caller", args=[token]))  # refused page, but a session exists
    client.session.save()
    return client


async def test_an_expired_link_is_closed_as_gone(live_link, clock, settings):
    _, token, cookie = live_link
    clock.advance(minutes=settings.SCENE_LINK_MINUTES)

    assert await caller_socket(token, cookie).connect() == (False, GONE)


async def test_the_consenting_browser_may_reconnect_while_the_link_works(live_link):
    _, token, cookie = live_link

    for _ in range(2):
        socket = caller_socket(token, cookie)
        assert (await socket.connect())[0]
        assert (await socket.receive_json_from())["type"] == "welcome"
        await socket.disconnect()

    assert (
        await sync_to_async(Event.objects.filter(action=Action.SCENE_CALLER_CONNECTED).count)() == 2
    )


async def test_staff_sockets_refuse_the_anonymous_the_role_less_and_unknown_incidents(
    live_link, outsider, call_handler
):
    link, _, _ = live_link
    outsider_cookie = await sync_to_async(_staff_cookie)(outsider)
    handler_cookie = await sync_to_async(_staff_cookie)(call_handler)

    assert await staff_socket(link.incident_id, None).connect() == (False, NOT_SIGNED_IN)
    assert await staff_socket(link.incident_id, outsider_cookie).connect() == (False, FORBIDDEN)
    assert await staff_socket(10**9, handler_cookie).connect() == (False, UNKNOWN_GROUP)


async def test_signalling_is_relayed_between_the_caller_and_the_watching_peer(
    live_link, dispatcher
):
    link, staff, caller, peer = await _connected_pair(live_link, dispatcher)

    await staff.send_json_to({"type": "watch", "link": link.pk})
    assert await caller.receive_json_from() == {"type": "watch", "peer": peer}

    await caller.send_json_to({"type": "offer", "to": peer, "sdp": SDP})
    assert await _next(staff, "offer") == {"type": "offer", "sdp": SDP, "link": link.pk}

    await staff.send_json_to({"type": "answer", "link": link.pk, "sdp": SDP})
    assert await caller.receive_json_from() == {"type": "answer", "sdp": SDP, "from": peer}

    await caller.send_json_to({"type": "candidate", "to": peer, "candidate": CANDIDATE})
    assert (await _next(staff, "candidate"))["candidate"] == CANDIDATE
    await staff.send_json_to({"type": "candidate", "link": link.pk, "candidate": CANDIDATE})
    assert (await caller.receive_json_from())["candidate"] == CANDIDATE

    await staff.disconnect()
    assert await caller.receive_json_from() == {"type": "leave", "peer": peer}
    await caller.disconnect()
    watched = Event.objects.filter(action=Action.SCENE_STREAM_WATCHED, actor=dispatcher)
    assert await sync_to_async(watched.count)() == 1


async def test_an_offer_reaches_only_the_peer_it_is_addressed_to(
    live_link, call_handler, dispatcher
):
    link, first, caller, first_peer = await _connected_pair(live_link, call_handler)
    second = staff_socket(link.incident_id, await sync_to_async(_staff_cookie)(dispatcher))
    assert (await second.connect())[0]
    await second.receive_json_from()

    await caller.send_json_to({"type": "offer", "to": first_peer, "sdp": SDP})

    assert (await _next(first, "offer"))["sdp"] == SDP
    assert await second.receive_nothing(timeout=0.3)
    for socket in (first, second, caller):
        await socket.disconnect()


async def test_staff_cannot_signal_a_link_they_do_not_watch_or_of_another_incident(
    live_link, call_handler
):
    link, staff, caller, _ = await _connected_pair(live_link, call_handler)

    await staff.send_json_to({"type": "answer", "link": link.pk, "sdp": SDP})
    assert (await staff.receive_json_from())["detail"] == "watch the link first"
    await staff.send_json_to({"type": "watch", "link": link.pk + 1000})
    assert (await staff.receive_json_from())["type"] == "error"
    assert await caller.receive_nothing(timeout=0.3)
    await staff.disconnect()
    await caller.disconnect()


@pytest.mark.parametrize(
    "frame",
    [
        "not json",
        "[1, 2]",
        json.dumps({"type": "shout"}),
        json.dumps({"type": "offer", "to": "0123456789abcdef"}),
        json.dumps({"type": "offer", "to": "somebody", "sdp": SDP}),
        json.dumps({"type": "offer", "to": "0123456789abcdef", "sdp": SDP, "extra": 1}),
        json.dumps({"type": "location", "latitude": 91, "longitude": 0, "accuracy": 5}),
        json.dumps({"type": "location", "latitude": True, "longitude": 0, "accuracy": 5}),
        json.dumps({"type": "status", "camera": "yes", "location": "sharing"}),
        json.dumps({"type": "candidate", "to": "0123456789abcdef", "candidate": "x"}),
        "x" * (MAX_FRAME + 1),
    ],
)
async def test_malformed_caller_messages_get_an_error_frame_and_go_no_further(
    live_link, call_handler, frame
):
    _, staff, caller, _ = await _connected_pair(live_link, call_handler)

    await caller.send_to(text_data=frame)

    assert (await caller.receive_json_from())["type"] == "error"
    assert await staff.receive_nothing(timeout=0.2)
    await staff.disconnect()
    await caller.disconnect()


async def test_binary_frames_are_refused(live_link):
    _, token, cookie = live_link
    socket = caller_socket(token, cookie)
    await socket.connect()
    await socket.receive_json_from()

    await socket.send_to(bytes_data=b"\x00\x01")

    assert (await socket.receive_json_from())["detail"] == "send JSON text frames"
    await socket.disconnect()


async def test_the_callers_position_is_kept_set_on_the_incident_and_shown_to_staff(
    live_link, call_handler
):
    link, staff, caller, _ = await _connected_pair(live_link, call_handler)

    await caller.send_json_to(
        {"type": "location", "latitude": 52.2053, "longitude": 0.1218, "accuracy": 12.5}
    )

    shown = await _next(staff, "location")
    assert (shown["latitude"], shown["accuracy"], shown["applied"]) == (52.2053, 12.5, True)
    incident = await sync_to_async(
        lambda: link.incident.__class__.objects.get(pk=link.incident_id)
    )()
    assert incident.location["source"] == "scene"
    assert incident.location["accuracy_m"] == 12.5
    assert await sync_to_async(SceneLocation.objects.count)() == 1
    await staff.disconnect()
    await caller.disconnect()


async def test_revoking_disconnects_the_caller_at_once(live_link, call_handler):
    link, staff, caller, _ = await _connected_pair(live_link, call_handler)

    await sync_to_async(actions.revoke_link)(link, by=call_handler)

    assert await caller.receive_json_from() == {"type": "revoked"}
    assert (await caller.receive_output())["type"] == "websocket.close"
    assert (await _next(staff, "caller"))["state"] == "revoked"
    await staff.disconnect()


async def test_a_link_that_expires_mid_stream_stops(live_link, clock, settings):
    _, token, cookie = live_link
    socket = caller_socket(token, cookie)
    await socket.connect()
    await socket.receive_json_from()

    clock.advance(minutes=settings.SCENE_LINK_MINUTES)
    await socket.send_json_to({"type": "status", "camera": True, "location": "sharing"})

    assert await socket.receive_json_from() == {"type": "expired"}
    closing = await socket.receive_output()
    assert (closing["type"], closing["code"]) == ("websocket.close", GONE)
