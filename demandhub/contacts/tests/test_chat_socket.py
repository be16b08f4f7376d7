"""Web chat over websockets: both sides see each other's messages, stored first; a client
that reconnects catches up by id; nobody reaches a chat that is not theirs."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from demandhub.accounts.tests.factories import UserFactory
from demandhub.config.asgi import application
from demandhub.contacts.actions import record_outcome, start_chat, take_contact
from demandhub.contacts.models import ChatMessage
from demandhub.core.consumers import FORBIDDEN, NOT_SIGNED_IN

ORIGIN = (b"origin", b"http://127.0.0.1")
pytestmark = pytest.mark.django_db(transaction=True)


def _cookie(user) -> bytes:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


@database_sync_to_async
def _chat_taken_by(role: str):  # type: ignore[no-untyped-def]
    from demandhub.accounts.actions import sync_roles

    sync_roles(by=None)
    operator = UserFactory(roles=[role], first_name="Pat")
    contact, token = start_chat(name="Jo", first_message="Hello?")
    take_contact(contact, by=operator)
    return contact, token, operator, _cookie(operator)


async def _connect(path: str, cookie: bytes | None = None) -> WebsocketCommunicator:
    headers = [ORIGIN] + ([(b"cookie", cookie)] if cookie else [])
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect()
    assert connected, code
    return communicator


async def _sync(communicator: WebsocketCommunicator, after: int = 0) -> dict:  # type: ignore[type-arg]
    await communicator.send_json_to({"type": "sync", "after": after})
    return await communicator.receive_json_from()


async def test_both_sides_see_each_others_messages_live():
    contact, token, _, cookie = await _chat_taken_by("switchboard_operator")
    public = await _connect(f"/ws/chat/public/{token}/")
    operator = await _connect(f"/ws/chat/{contact.pk}/", cookie)
    history = await _sync(public)
    assert [m["body"] for m in history["messages"]] == ["Hello?", "Pat has joined the chat."]

    await public.send_json_to({"type": "send", "body": "My neighbour is shouting threats"})
    seen_by_operator = await operator.receive_json_from()
    seen_by_public = await public.receive_json_from()
    await operator.send_json_to({"type": "send", "body": "Are you safe right now?"})
    reply_seen_by_public = await public.receive_json_from()

    assert seen_by_operator["message"]["body"] == "My neighbour is shouting threats"
    assert seen_by_operator["message"]["sender"] == "public"
    assert seen_by_public == seen_by_operator
    assert reply_seen_by_public["message"]["body"] == "Are you safe right now?"
    assert reply_seen_by_public["message"]["author"] == "Pat"
    stored = await database_sync_to_async(list)(contact.chat_messages.values_list("sender", "body"))
    assert stored[-2:] == [
        ("public", "My neighbour is shouting threats"),
        ("operator", "Are you safe right now?"),
    ]
    await public.disconnect()
    await operator.disconnect()


async def test_a_chat_survives_a_dropped_connection_without_losing_messages():
    contact, token, _, cookie = await _chat_taken_by("call_handler")
    public = await _connect(f"/ws/chat/public/{token}/")
    last_id = (await _sync(public))["messages"][-1]["id"]
    await public.disconnect()  # the phone goes into a tunnel

    operator = await _connect(f"/ws/chat/{contact.pk}/", cookie)
    for text in ("Can you hear me?", "Tell me where you are."):
        await operator.send_json_to({"type": "send", "body": text})
        await operator.receive_json_from()
    public = await _connect(f"/ws/chat/public/{token}/")
    caught_up = await _sync(public, after=last_id)

    assert [m["body"] for m in caught_up["messages"]] == [
        "Can you hear me?",
        "Tell me where you are.",
    ]
    assert caught_up["ended"] is False
    await public.disconnect()
    await operator.disconnect()


async def test_closing_the_chat_as_a_crime_report_tells_the_public_and_stops_messages():
    contact, token, operator_user, _ = await _chat_taken_by("call_handler")
    public = await _connect(f"/ws/chat/public/{token}/")
    await _sync(public)

    await database_sync_to_async(record_outcome)(
        contact, by=operator_user, outcome="crime_recorded", summary="Threats by neighbour"
    )
    closing = await public.receive_json_from()
    ended = await public.receive_json_from()
    await public.send_json_to({"type": "send", "body": "Hello?"})
    refused = await public.receive_json_from()

    assert "The operator has ended this chat" in closing["message"]["body"]
    assert ended == {"type": "chat.ended"}
    assert refused == {"type": "error", "detail": "this chat has ended"}
    crime = await database_sync_to_async(contact.crime_records.get)()
    assert "Jo: Hello?" in crime.transcript
    await public.disconnect()


async def test_bad_messages_are_refused_with_a_reason_and_not_stored():
    _contact, token, _, _ = await _chat_taken_by("call_handler")
    public = await _connect(f"/ws/chat/public/{token}/")
    before = await database_sync_to_async(ChatMessage.objects.count)()

    replies = []
    for payload in (
        {"type": "send", "body": "   "},
        {"type": "send", "body": "x" * 2001},
        {"type": "send", "body": 42},
        {"type": "shout"},
        {"type": "sync", "after": "zero"},
    ):
        await public.send_json_to(payload)
        replies.append(await public.receive_json_from())

    assert all(r["type"] == "error" for r in replies)
    assert replies[0]["detail"] == "Type a message before sending."
    assert await database_sync_to_async(ChatMessage.objects.count)() == before
    await public.disconnect()


async def test_a_wrong_token_is_refused():
    await _chat_taken_by("call_handler")
    communicator = WebsocketCommunicator(application, "/ws/chat/public/guessed/", headers=[ORIGIN])

    connected, code = await communicator.connect()

    assert (connected, code) == (False, NOT_SIGNED_IN)


async def test_another_operator_cannot_join_a_chat_that_is_not_theirs():
    contact, _, _, _ = await _chat_taken_by("call_handler")
    other = await database_sync_to_async(UserFactory)(roles=["call_handler"])
    outsider = await database_sync_to_async(UserFactory)()

    codes = []
    for user in (other, outsider):
        cookie = await database_sync_to_async(_cookie)(user)
        communicator = WebsocketCommunicator(
            application, f"/ws/chat/{contact.pk}/", headers=[ORIGIN, (b"cookie", cookie)]
        )
        codes.append(await communicator.connect())

    assert codes == [(False, 4404), (False, FORBIDDEN)]


async def test_guessing_chat_links_over_the_socket_is_rate_limited(settings):
    _, token, _, _ = await _chat_taken_by("call_handler")
    settings.CONTACTS_RATE_LIMITS = {"track": (2, 600)}

    results = []
    for path in ("guess-1", "guess-2", token):
        communicator = WebsocketCommunicator(
            application, f"/ws/chat/public/{path}/", headers=[ORIGIN]
        )
        results.append(await communicator.connect())

    assert results == [(False, NOT_SIGNED_IN), (False, NOT_SIGNED_IN), (False, NOT_SIGNED_IN)]


async def test_a_message_resent_with_its_key_after_a_reconnect_is_posted_once():
    contact, token, _, _ = await _chat_taken_by("call_handler")
    public = await _connect(f"/ws/chat/public/{token}/")
    await _sync(public)
    send = {"type": "send", "body": "Are you still there?", "key": "m-1"}
    await public.send_json_to(send)
    received = [await public.receive_json_from(), await public.receive_json_from()]
    by_type = {m["type"]: m for m in received}  # the acknowledgement may come first
    broadcast, first_ack = by_type["chat.message"], by_type["chat.sent"]
    await public.disconnect()  # the acknowledgement never reached the phone: it resends

    again = await _connect(f"/ws/chat/public/{token}/")
    await again.send_json_to(send)
    second_ack = await again.receive_json_from()
    await again.send_json_to({**send, "body": "something else"})
    reused = await again.receive_json_from()

    assert (
        first_ack
        == second_ack
        == {
            "type": "chat.sent",
            "key": "m-1",
            "message": broadcast["message"]["id"],
        }
    )
    assert reused == {"type": "error", "detail": "key: already used for a different message"}
    count = await database_sync_to_async(
        contact.chat_messages.filter(body="Are you still there?").count
    )()
    assert count == 1
    await again.disconnect()
