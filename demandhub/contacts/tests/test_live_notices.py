"""Contacts changes are announced on the "contacts" live group after commit, without content."""

import json

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from demandhub.config.asgi import application
from demandhub.contacts.models import Contact


@pytest.mark.django_db(transaction=True)
async def test_a_console_hears_that_a_call_arrived_without_its_content(supervisor_session_cookie):
    from channels.db import database_sync_to_async
    from django.test import Client

    from demandhub.accounts.actions import issue_token
    from demandhub.accounts.tests.factories import UserFactory

    communicator = WebsocketCommunicator(
        application,
        "/ws/live/contacts/",
        headers=[(b"origin", b"http://127.0.0.1"), (b"cookie", supervisor_session_cookie)],
    )
    connected, _ = await communicator.connect()
    assert connected

    def post_call() -> int:
        gateway = UserFactory(username="gw", roles=["contact_gateway"])
        _, secret = issue_token(gateway, by=None, name="t")
        response = Client().post(
            "/api/contacts/telephony/events",
            json.dumps(
                {
                    "call_id": "L1",
                    "event": "offered",
                    "line": "999",
                    "occurred_at": "2026-11-23T14:00:00Z",
                    "cli": "07700900123",
                }
            ),
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}"},
        )
        return int(response.json()["contact"])

    pk = await database_sync_to_async(post_call)()
    notice = await communicator.receive_json_from(timeout=2)

    # Received, then updated by the event: one transaction, one message, both notices in order.
    assert notice == {
        "type": "changes",
        "changes": [
            {"kind": "contact.received", "pk": str(pk)},
            {"kind": "contact.call_updated", "pk": str(pk)},
        ],
    }
    assert await database_sync_to_async(Contact.objects.filter(pk=pk).exists)()
    assert get_channel_layer() is not None
    await communicator.disconnect()
