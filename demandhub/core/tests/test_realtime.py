"""Live notices: sent once the transaction commits, only to sockets allowed to hear them."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db import transaction

from demandhub import audit
from demandhub.audit.models import Action
from demandhub.config.asgi import application
from demandhub.core import realtime


def test_a_notice_is_sent_only_when_the_transaction_commits(django_capture_on_commit_callbacks):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)("resources", channel)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        realtime.announce("resources", "resource.changed", 7)

    assert len(callbacks) == 1
    message = async_to_sync(layer.receive)(channel)
    assert message == {"type": "changed", "kind": "resource.changed", "pk": "7"}


def test_a_rolled_back_change_announces_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                realtime.announce("resources", "resource.changed", 7)
                raise RuntimeError("roll back")
        except RuntimeError:
            pass

    assert callbacks == []


def test_announcing_to_an_unknown_group_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown live group"):
        realtime.announce("no-such-group", "x", 1)


@pytest.mark.django_db(transaction=True)
async def test_a_supervisor_socket_hears_each_new_audit_entry(supervisor_session_cookie):
    communicator = WebsocketCommunicator(
        application,
        "/ws/live/audit/",
        headers=[(b"origin", b"http://127.0.0.1"), (b"cookie", supervisor_session_cookie)],
    )
    connected, _ = await communicator.connect()
    assert connected

    event = await database_sync_to_async(audit.record)(
        Action.TOKEN_ISSUED, actor=None, subject_type="accounts.apitoken", subject_id="1"
    )

    message = await communicator.receive_json_from(timeout=2)
    assert message == {"type": "changed", "kind": "event.recorded", "pk": str(event.pk)}
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=2) == {"type": "pong"}
    await communicator.disconnect()
