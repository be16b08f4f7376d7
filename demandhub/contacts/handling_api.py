"""The contacts API for handling work: take the next contact, set its location, record its
outcome. The same actions as the call handler's console, for clients that drive it with a
member of staff's bearer token (the demo's simulated staff, training tools)."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from demandhub.accounts.auth import holding

from .actions import record_outcome, set_location, take_next_contact
from .models import Contact
from .permissions import access_contact, can_work, channels_for

router = Router(tags=["contacts"])
# Handling work is for contact handlers: refused (403) before the body is read or the contact
# looked up, for anyone else (an analyst may read contacts but never works them).
HANDLERS = holding(any_of=("contacts.handle_contact", "contacts.handle_emergency_contact"))


class ContactOut(Schema):
    id: int
    reference: str
    channel: str
    status: str
    external_id: str
    caller_number: str
    offered_at: datetime
    answered_at: datetime | None
    latitude: float | None
    longitude: float | None
    location_text: str
    outcome: str
    incident: int | None
    incident_reference: str


class TakeNextIn(Schema):
    channels: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="the channels to take from; default: every channel the caller may handle",
    )


class LocationIn(Schema):
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    text: str = Field("", max_length=300)


class OutcomeIn(Schema):
    outcome: Contact.Outcome
    summary: str = Field("", max_length=5000)
    reason: str = Field("", max_length=2000)
    agency: str = Field("", max_length=200)
    incident_reference: str = Field("", max_length=24)
    offence: str = Field("", max_length=40)
    classification: str = Field(
        "", max_length=60, description="incident_raised: opening classification code"
    )


def contact_out(contact: Contact) -> ContactOut:
    return ContactOut(
        id=contact.pk,
        reference=contact.reference,
        channel=contact.channel,
        status=contact.status,
        external_id=contact.external_id,
        caller_number=contact.caller_number,
        offered_at=contact.offered_at,
        answered_at=contact.answered_at,
        latitude=contact.latitude,
        longitude=contact.longitude,
        location_text=contact.location_text,
        outcome=contact.outcome,
        incident=contact.incident_id,
        incident_reference=contact.incident.reference if contact.incident_id else "",  # type: ignore[union-attr]
    )


def _held(request: HttpRequest, pk: int) -> Contact:
    contact = access_contact(request.user, pk)  # type: ignore[arg-type]
    if not can_work(request.user, contact):  # type: ignore[arg-type]
        raise PermissionDenied
    return contact


@router.post(
    "/take-next",
    response={200: ContactOut, 204: None, 422: dict},
    summary="Answer the most urgent, longest-waiting contact on the caller's channels",
    description="204 when nothing waits. Contacts someone else holds are never taken.",
    auth=HANDLERS,
)
def take_next(request: HttpRequest, body: TakeNextIn) -> HttpResponse:
    allowed = channels_for(request.user)  # type: ignore[arg-type]
    if not allowed:
        raise PermissionDenied
    wanted = set(body.channels) or set(allowed)
    if refused := wanted - allowed:
        detail = f"You may not take contacts on: {', '.join(sorted(refused))}."
        return JsonResponse({"detail": detail}, status=422)
    contact = take_next_contact(by=request.user, channels=sorted(wanted))  # type: ignore[arg-type]
    if contact is None:
        return HttpResponse(status=204)
    return JsonResponse(contact_out(contact).model_dump(mode="json"))


@router.post(
    "/{int:pk}/location",
    response=ContactOut,
    summary="Set the location established with the caller (the handler who holds it)",
    auth=HANDLERS,
)
def locate(request: HttpRequest, pk: int, body: LocationIn) -> ContactOut:
    contact = _held(request, pk)
    if (body.latitude is None) != (body.longitude is None):
        raise HttpError(422, "Give both latitude and longitude, or neither.")
    contact = set_location(
        contact,
        by=request.user,  # type: ignore[arg-type]
        latitude=body.latitude,
        longitude=body.longitude,
        text=body.text,
    )
    return contact_out(access_contact(request.user, contact.pk))  # type: ignore[arg-type]


@router.post(
    "/{int:pk}/outcome",
    response=ContactOut,
    summary="Finish a contact the caller holds: raise an incident, record a crime, give advice...",
    auth=HANDLERS,
    url_name="contact_outcome",  # "outcome" is the crime API's
)
def outcome(request: HttpRequest, pk: int, body: OutcomeIn) -> ContactOut:
    contact = _held(request, pk)
    record_outcome(contact, by=request.user, **body.dict())  # type: ignore[arg-type]
    return contact_out(access_contact(request.user, pk))  # type: ignore[arg-type]
