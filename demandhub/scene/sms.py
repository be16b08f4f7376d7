"""The SMS gateway interface: a small pluggable backend that sends one text message.

SCENE_SMS_BACKEND picks it: "outbox" (the default) sends nothing and leaves the message in the
outbox table for people to see; "http" posts JSON to SCENE_SMS_URL; any other value is the
dotted path of a class with the same `send` method.
"""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

HTTP_TIMEOUT_S = 10


@dataclass(frozen=True)
class Delivery:
    status: str  # outbox | sent | failed (SmsMessage.Status)
    reference: str = ""
    error: str = ""


class SmsBackend(Protocol):
    name: str

    def send(self, *, to: str, body: str) -> Delivery: ...


class OutboxBackend:
    """Sends nothing: the message stays in the outbox table (development, demos, training)."""

    name = "outbox"

    def send(self, *, to: str, body: str) -> Delivery:
        return Delivery("outbox")


class HttpBackend:
    """POSTs {"to", "body", "sender"} as JSON to SCENE_SMS_URL, with a bearer token if set.

    Any 2xx answer counts as accepted; a JSON answer's "id" or "reference" is kept.
    """

    name = "http"

    def send(self, *, to: str, body: str) -> Delivery:
        url = settings.SCENE_SMS_URL
        if not url.startswith(("http://", "https://")):
            raise ImproperlyConfigured("SCENE_SMS_URL must be an http(s) URL for the http backend")
        payload = json.dumps({"to": to, "body": body, "sender": settings.SCENE_SMS_SENDER})
        request = urllib.request.Request(  # noqa: S310  (scheme checked above)
            url,
            data=payload.encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        if settings.SCENE_SMS_TOKEN:
            request.add_header("Authorization", f"Bearer {settings.SCENE_SMS_TOKEN}")
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as answer:  # noqa: S310
                raw = answer.read(10_000)
        except urllib.error.HTTPError as e:
            return Delivery("failed", error=f"the gateway answered {e.code}")
        except (OSError, ValueError) as e:
            return Delivery("failed", error=f"the gateway could not be reached: {e}")
        try:
            answer_json = json.loads(raw) if raw else {}
        except ValueError:
            answer_json = {}
        reference = ""
        if isinstance(answer_json, dict):
            reference = str(answer_json.get("id") or answer_json.get("reference") or "")[:100]
        return Delivery("sent", reference=reference)


def backend() -> SmsBackend:
    name = settings.SCENE_SMS_BACKEND
    if name == "outbox":
        return OutboxBackend()
    if name == "http":
        return HttpBackend()
    backend_class = import_string(name)
    return backend_class()  # type: ignore[no-any-return]
