"""Staff take contacts from the queue and work them: answer, locate, update the reporter."""

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from demandhub import audit
from demandhub.accounts.models import User
from demandhub.audit.models import Action
from demandhub.core import realtime

from .. import workflow
from ..errors import ContactNotYours, TransitionNotAllowed
from ..models import AmlMessage, ChatMessage, Contact, ReporterUpdate
from .chat import announce_chat
from .staff import move_staff

Status = Contact.Status


def waiting(channels: Iterable[str]) -> "Q":
    """Contacts nobody is handling: queued, or answered on the phone by someone the
    telephony system did not name."""
    return Q(channel__in=list(channels)) & (
        Q(status=Status.QUEUED) | Q(status=Status.IN_PROGRESS, handled_by__isnull=True)
    )


def _answer(contact: Contact, *, by: User) -> Contact:
    now = timezone.now()
    if contact.status == Status.QUEUED:
        workflow.move(contact, Status.IN_PROGRESS, by=by)
    elif not (contact.status == Status.IN_PROGRESS and contact.handled_by_id is None):
        raise TransitionNotAllowed(contact.status, Status.IN_PROGRESS)
    contact.handled_by = by
    if contact.answered_at is None:
        contact.answered_at = now
    contact.save(update_fields=["status", "handled_by", "answered_at"])
    if contact.channel == Contact.Channel.WEB_CHAT:
        message = ChatMessage.objects.create(
            contact=contact,
            sender=ChatMessage.Sender.SYSTEM,
            body=f"{by.first_name or 'An operator'} has joined the chat.",
            sent_at=now,
        )
        announce_chat(message)
    audit.record(
        Action.CONTACT_ANSWERED,
        actor=by,
        subject=contact,
        waited_seconds=round((contact.answered_at - contact.offered_at).total_seconds(), 1),
    )
    realtime.announce("contacts", "contact.answered", contact.pk)
    move_staff(by, "on_contact", contact=contact)
    return contact


@transaction.atomic
def take_next_contact(*, by: User, channels: Iterable[str]) -> Contact | None:
    """Answer the most urgent, longest-waiting contact on `channels`; None if none waits.

    Safe when several handlers press "take next" at once: on PostgreSQL each skips rows
    another transaction has locked, so each gets a different contact; SQLite's IMMEDIATE
    transactions serialise the whole action.
    """
    # A trainee in a running exercise takes only its contacts; everyone else only live ones.
    candidates = (
        Contact.objects.seen_by(by)
        .filter(waiting(channels))
        .order_by("priority", "offered_at", "id")
    )
    if connection.features.has_select_for_update_skip_locked:
        candidates = candidates.select_for_update(skip_locked=True)
    contact = candidates.first()
    if contact is None:
        return None
    return _answer(contact, by=by)


@transaction.atomic
def take_contact(contact: Contact, *, by: User) -> Contact:
    """Answer this contact (accept a web chat, pick a call off the queue board)."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    return _answer(contact, by=by)


def _lock_own(contact: Contact, by: User) -> Contact:
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.handled_by_id != by.pk:
        raise ContactNotYours()
    return contact


@transaction.atomic
def release_contact(contact: Contact, *, by: User, reason: str) -> Contact:
    """Hand a contact back to the queue (for example a chat a colleague should take)."""
    contact = _lock_own(contact, by)
    workflow.move(contact, Status.QUEUED, by=by, reason=reason)
    contact.handled_by = None
    contact.save(update_fields=["status", "handled_by"])
    audit.record(Action.CONTACT_RELEASED, actor=by, subject=contact, reason=reason)
    realtime.announce("contacts", "contact.released", contact.pk)
    move_staff(by, "available")
    return contact


@transaction.atomic
def set_location(
    contact: Contact, *, by: User, latitude: float | None, longitude: float | None, text: str
) -> Contact:
    """The location the handler established with the caller."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    before = (contact.latitude, contact.longitude, contact.location_text)
    contact.latitude, contact.longitude, contact.location_text = latitude, longitude, text
    contact.location_source = "handler"
    contact.save(update_fields=["latitude", "longitude", "location_text", "location_source"])
    audit.record(
        Action.CONTACT_LOCATION_SET,
        actor=by,
        subject=contact,
        source="handler",
        before=list(before),
        after=[latitude, longitude, text],
    )
    realtime.announce("contacts", "contact.located", contact.pk)
    return contact


@transaction.atomic
def use_handset_location(contact: Contact, *, by: User, message: AmlMessage) -> Contact:
    """The handler chose to use a handset position (AML) as the contact's location."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if message.contact_id != contact.pk or not message.has_position:
        raise TransitionNotAllowed("aml", "location")
    before = (contact.latitude, contact.longitude, contact.location_text)
    contact.latitude, contact.longitude = message.latitude, message.longitude
    radius = f" ±{message.accuracy_m:.0f} m" if message.accuracy_m is not None else ""
    contact.location_text = f"Handset location (AML{radius})"
    contact.location_source = "aml"
    contact.save(update_fields=["latitude", "longitude", "location_text", "location_source"])
    audit.record(
        Action.CONTACT_LOCATION_SET,
        actor=by,
        subject=contact,
        source="aml",
        aml=message.pk,
        before=list(before),
        after=[message.latitude, message.longitude],
    )
    realtime.announce("contacts", "contact.located", contact.pk)
    return contact


@transaction.atomic
def add_reporter_update(contact: Contact, *, by: User | None, text: str) -> ReporterUpdate:
    """An update the reporter sees on their tracking page. by=None: written by the system."""
    update = ReporterUpdate.objects.create(
        contact=contact, text=text, added_at=timezone.now(), added_by=by
    )
    audit.record(Action.CONTACT_REPORTER_UPDATED, actor=by, subject=contact, update=update.pk)
    return update
