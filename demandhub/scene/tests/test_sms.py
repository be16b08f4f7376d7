"""Texting the link: the outbox backend records, the HTTP backend posts to the gateway."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import reverse

from demandhub.audit.models import Action, Event
from demandhub.scene import actions
from demandhub.scene.errors import LinkNotUsable, SmsNotSent
from demandhub.scene.models import SmsMessage


class FakeGateway:
    """A local SMS gateway: records what it is sent and answers with `status`."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], dict[str, object]]] = []
        self.status = 202
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.received.append((dict(self.headers), json.loads(body)))
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"id": "msg-123"}')

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/messages"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def gateway(settings) -> Iterator[FakeGateway]:  # type: ignore[no-untyped-def]
    fake = FakeGateway()
    settings.SCENE_SMS_BACKEND = "http"
    settings.SCENE_SMS_URL = fake.url
    settings.SCENE_SMS_TOKEN = "gateway-secret"
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


URL = "http://127.0.0.1/scene/{token}/"


def test_the_outbox_backend_records_the_message_with_the_token_masked(call_handler, incident):
    link, token = actions.create_link(incident, by=call_handler)

    message = actions.send_link_by_sms(
        link, by=call_handler, to="+447700900123", url=URL.format(token=token), token=token
    )

    assert (message.status, message.backend, message.to) == ("outbox", "outbox", "+447700900123")
    assert token not in message.body
    assert token[:6] in message.body
    event = Event.objects.get(action=Action.SCENE_LINK_SENT)
    assert (event.actor, event.data["status"]) == (call_handler, "outbox")
    assert token not in json.dumps(event.data)


def test_the_http_backend_posts_the_link_to_the_gateway(call_handler, incident, gateway):
    link, token = actions.create_link(incident, by=call_handler)

    message = actions.send_link_by_sms(
        link, by=call_handler, to="+447700900123", url=URL.format(token=token), token=token
    )

    headers, body = gateway.received[0]
    assert headers["Authorization"] == "Bearer gateway-secret"
    assert body["to"] == "+447700900123"
    assert URL.format(token=token) in body["body"]
    assert (message.status, message.gateway_reference) == ("sent", "msg-123")


def test_a_gateway_refusal_is_recorded_and_reported(call_handler, incident, gateway):
    gateway.status = 503
    link, token = actions.create_link(incident, by=call_handler)

    with pytest.raises(SmsNotSent):
        actions.send_link_by_sms(
            link, by=call_handler, to="+447700900123", url=URL.format(token=token), token=token
        )

    message = SmsMessage.objects.get()
    assert message.status == "failed"
    assert "503" in message.error
    assert Event.objects.get(action=Action.SCENE_LINK_SENT).data["status"] == "failed"


def test_an_unreachable_gateway_is_a_failure_not_a_crash(call_handler, incident, settings):
    settings.SCENE_SMS_BACKEND = "http"
    settings.SCENE_SMS_URL = "http://127.0.0.1:9/nothing-listens-here"
    link, token = actions.create_link(incident, by=call_handler)

    with pytest.raises(SmsNotSent):
        actions.send_link_by_sms(link, by=call_handler, to="+447700900123", url="u", token=token)


def test_a_link_already_in_use_is_not_sent(call_handler, incident):
    link, token = actions.create_link(incident, by=call_handler)
    actions.give_consent(link, device_key="device-a")
    link.refresh_from_db()

    with pytest.raises(LinkNotUsable):
        actions.send_link_by_sms(link, by=call_handler, to="+447700900123", url="u", token=token)


def test_the_panel_sends_the_link_shown_and_normalises_the_number(client, call_handler, incident):
    client.force_login(call_handler)
    link, token = actions.create_link(incident, by=call_handler)
    url = reverse("scene:sms", args=[incident.pk, link.pk])

    response = client.post(url, {"to": "07700 900123", "token": token})

    assert response.status_code == 200
    assert SmsMessage.objects.get().to == "+447700900123"
    assert client.post(url, {"to": "07700 900123", "token": "x" * 43}).status_code == 403
    assert client.post(url, {"to": "call me", "token": token}).status_code == 422
