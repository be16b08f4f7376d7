"""/healthz checks the database and the channel layer and names whichever failed (503)."""

import logging

from django.db import OperationalError, connection

from demandhub.core import realtime
from tests.e2e.server import free_port


def test_healthy_is_200_with_each_part_named(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "channel_layer": "ok"}


def test_a_database_that_does_not_answer_is_503_naming_it(client, monkeypatch, caplog):
    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("connection refused")

    with monkeypatch.context() as patched, caplog.at_level(logging.ERROR):
        patched.setattr(connection, "cursor", refuse)
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "unavailable",
        "channel_layer": "ok",
    }
    assert "connection refused" in caplog.text  # the reason goes to the log, not the prober


def _unreachable_redis(settings) -> None:  # type: ignore[no-untyped-def]
    address = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{"address": address, "socket_connect_timeout": 1}]},
        }
    }


def test_a_channel_layer_that_is_down_is_503_naming_it(client, settings):
    _unreachable_redis(settings)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "channel_layer": "unavailable",
    }


def test_a_notice_that_cannot_be_published_is_logged_and_the_caller_carries_on(settings, caplog):
    _unreachable_redis(settings)

    with caplog.at_level(logging.ERROR):
        realtime.send_now("resources", "resource.changed", 7)  # does not raise

    assert "live notice resource.changed 7 on 'resources' not sent" in caplog.text


def test_a_change_is_saved_and_answered_while_the_channel_layer_is_down(
    client, dispatcher, settings, django_capture_on_commit_callbacks
):
    from demandhub.dispatch.models import Resource
    from demandhub.dispatch.tests.factories import ResourceFactory

    unit = ResourceFactory(status=Resource.Status.AVAILABLE)
    client.force_login(dispatcher)
    _unreachable_redis(settings)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/dispatch/resources/{unit.pk}/status",
            {"status": "unavailable", "reason": "tyre"},
            content_type="application/json",
        )

    assert response.status_code == 200
    unit.refresh_from_db()
    assert unit.status == Resource.Status.UNAVAILABLE


def test_probes_reuse_one_channel_on_the_processs_one_loop(client, settings):
    """No per-request event loop, channel or (with Redis) connection: every probe of the
    process sends through the same loop to the same channel."""
    from channels.layers import get_channel_layer

    from demandhub.core.tests.test_realtime import COUNTING

    settings.CHANNEL_LAYERS = COUNTING
    answers = [client.get("/healthz").status_code for _ in range(12)]

    layer = get_channel_layer()
    assert answers == [200] * 12
    assert layer.channels_made == 1
    assert len(layer.sent_on) == 12
    assert set(layer.sent_on) == {realtime.LOOP.get()}


def test_a_chat_message_is_kept_while_the_channel_layer_is_down(
    db, settings, caplog, django_capture_on_commit_callbacks
):
    from demandhub.contacts.actions import post_chat_message, start_chat
    from demandhub.contacts.models import ChatMessage

    contact, _ = start_chat(name="Sam", first_message="Hello")
    _unreachable_redis(settings)

    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        post_chat_message(contact, body="Are you there?", by=None)  # does not raise

    assert ChatMessage.objects.filter(contact=contact, body="Are you there?").count() == 1
    assert f"chat.message on chat.{contact.pk}" in caplog.text
    assert "not sent: channel layer unavailable" in caplog.text
