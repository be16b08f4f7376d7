"""The contacts API: call events from the telephony system, handset locations (AML), and
social media and email messages from their gateways. Callers use a service account's bearer
token (role contact_gateway). Every telephony payload and AML message is kept as received,
including the ones refused, so they can be inspected."""

import json
from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Router, Schema

from demandhub.accounts.auth import holding
from demandhub.demand.training import exercise_of

from . import queries
from .actions import receive_aml, receive_call_event, receive_message
from .handling_api import router as handling_router
from .models import AmlMessage, Contact, TelephonyEvent

# Bearer token first: Ninja's session auth checks CSRF before looking for a session, so with
# it first every token-authenticated POST from a gateway would be refused "CSRF check Failed".
router = Router(tags=["contacts"])
# Handling work (take next, locate, outcome) lives in its own module.
router.add_router("", handling_router)

MAX_AML_BODY = 4000


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


@router.post(
    "/telephony/events",
    summary="Receive a call event (offered, answered, transferred, abandoned, ended)",
    description=(
        "JSON body: `call_id`, `event`, `line` (999 or 101), `occurred_at` (ISO 8601 with "
        "offset); optional `cli`, `address` (999 only, when the network supplies it), "
        "`agent` (username of who answered). Idempotent on (line, call_id, event, "
        "occurred_at); events may arrive in any order. Malformed payloads are kept and "
        "answered 422 with the reasons."
    ),
    response={200: dict, 422: dict},
)
def telephony_event(request: HttpRequest) -> HttpResponse:
    _require(request, "contacts.receive_telephony")
    stored = receive_call_event(request.body, by=request.user)  # type: ignore[arg-type]
    if stored.status == TelephonyEvent.Status.REJECTED:
        return JsonResponse(
            {
                "detail": "The call event is not valid; it was kept for inspection.",
                "errors": stored.error.split("; "),
                "event": stored.pk,
            },
            status=422,
        )
    return JsonResponse({"event": stored.pk, "status": stored.status, "contact": stored.contact_id})


def _aml_out(message: AmlMessage) -> dict[str, object]:
    return {
        "message": message.pk,
        "status": message.status,
        "contact": message.contact_id,
        "error": message.error,
        "warnings": message.warnings,
    }


@router.post(
    "/aml/sms",
    summary="Receive an AML SMS (the text format)",
    description='JSON body: `sender` (the number the SMS came from) and `text` (`A"ML=1;lt=...`). '
    "Unreadable messages are kept and answered 422 with the reason; a wrong `ml` is a warning.",
    response={200: dict, 422: dict},
)
def aml_sms(request: HttpRequest) -> HttpResponse:
    _require(request, "contacts.receive_aml")
    raw = request.body[:MAX_AML_BODY].decode("utf-8", errors="replace")
    try:
        payload = json.loads(raw)
        text, sender = payload["text"], payload.get("sender", "")
        if not isinstance(text, str) or not isinstance(sender, str):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        message = receive_aml(raw, by=request.user, transport="sms", sender="")  # type: ignore[arg-type]
        return JsonResponse(
            {
                **_aml_out(message),
                "detail": 'Send JSON: {"sender": "+44...", "text": "A\\"ML=1;..."}',
            },
            status=422,
        )
    message = receive_aml(text, by=request.user, transport="sms", sender=sender)  # type: ignore[arg-type]
    if message.status == AmlMessage.Status.DISCARDED:
        return JsonResponse({**_aml_out(message), "detail": message.error}, status=422)
    return JsonResponse(_aml_out(message))


@router.post(
    "/aml/https",
    summary="Receive an AML HTTPS POST (form-encoded, ETSI TS 103 625)",
    description="The handset's form-encoded body as sent. Always answered 200, even for a "
    "message that is discarded (as the standard expects); the answer says what became of it. "
    "When DEMANDHUB_AML_HMAC_KEY is set the `hmac` field must match.",
    response={200: dict},
)
def aml_https(request: HttpRequest) -> HttpResponse:
    _require(request, "contacts.receive_aml")
    raw = request.body[:MAX_AML_BODY].decode("utf-8", errors="replace")
    message = receive_aml(raw, by=request.user, transport="https")  # type: ignore[arg-type]
    return JsonResponse(_aml_out(message))


class MessageIn(Schema):
    channel: Literal["social_media", "email", "emergency_sms"]
    external_id: str = Field(min_length=1, max_length=128, description="the gateway's message id")
    sender: str = Field(
        "", max_length=254, description="email address, account handle or (SMS) phone number"
    )
    sender_name: str = Field("", max_length=200)
    subject: str = Field("", max_length=200)
    body: str = Field(min_length=1, max_length=20000)
    received_at: datetime | None = None


class MessageOut(Schema):
    contact: int
    created: bool
    status: str


@router.post(
    "/messages",
    response=MessageOut,
    summary="Receive a social media post, email or emergency SMS",
    description="Lands in the work queue as a contact of that channel; idempotent on "
    "(channel, external_id).",
    auth=holding("contacts.receive_message"),  # the role before the body (403, not 422)
)
def message(request: HttpRequest, body: MessageIn) -> MessageOut:
    _require(request, "contacts.receive_message")
    try:
        contact, created = receive_message(by=request.user, **body.dict())  # type: ignore[arg-type]
    except IntegrityError:  # the same message posted twice at once: the first one won
        contact = Contact.objects.get(channel=body.channel, external_id=body.external_id)
        created = False
    return MessageOut(contact=contact.pk, created=created, status=contact.status)


class QueueRow(Schema):
    channel: str
    label: str
    waiting: int
    oldest_offered_at: datetime | None
    in_progress: int
    answered_today: int
    abandoned_today: int


@router.get("/queues", response=list[QueueRow], summary="The queue board, one row per channel")
def queues(request: HttpRequest) -> list[QueueRow]:
    _require(request, "contacts.view_contact")
    return [
        QueueRow(
            channel=q.channel,
            label=q.label,
            waiting=len(q.waiting),
            oldest_offered_at=q.oldest,
            in_progress=q.in_progress,
            answered_today=q.answered_today,
            abandoned_today=q.abandoned_today,
        )
        for q in queries.queue_board(exercise=exercise_of(request.user))  # type: ignore[arg-type]
    ]
