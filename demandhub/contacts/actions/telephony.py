"""Call events from the telephony system, applied so that duplicates and any order of arrival
leave the contact right (telephony.derive works from the whole set of a call's events)."""

from copy import deepcopy
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from demandhub import audit
from demandhub.accounts.models import User
from demandhub.audit.models import Action
from demandhub.core import realtime
from demandhub.core.inserts import insert

from .. import telephony, workflow
from ..models import Contact, TelephonyEvent
from ..phones import to_e164
from .outcomes import transfer_to_emergency_line
from .staff import move_staff

Status = Contact.Status
Outcome = Contact.Outcome


def receive_call_event(raw: bytes, *, by: User | None) -> TelephonyEvent:
    """Keep the payload and apply it. Returns the stored TelephonyEvent: applied, duplicate,
    or rejected with `error` (nothing else changed). by: the gateway's service account."""
    received_at = timezone.now()
    text = raw.decode("utf-8", errors="replace")
    try:
        event = telephony.parse_event(raw)
    except telephony.InvalidEvent as e:
        return _reject(text, received_at, e.errors, by=by)
    # Two new events for the same call may race to create its contact; the loser's
    # transaction fails on the unique call id and simply runs again, finding the contact.
    # An 'offered' event is nearly always a call's first, so its first try makes the contact
    # without looking for one: a repeated 'offered' fails the same way and runs again.
    for attempt in range(3):
        try:
            return _apply(
                event, text, received_at, by=by, new_call=attempt == 0 and event.event == "offered"
            )
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _reject(
    text: str, received_at: object, errors: list[str], *, by: User | None
) -> TelephonyEvent:
    stored = TelephonyEvent.objects.create(
        received_at=received_at,
        raw=text,
        status=TelephonyEvent.Status.REJECTED,
        error="; ".join(errors),
    )
    audit.record(Action.TELEPHONY_EVENT_REJECTED, actor=by, subject=stored, errors=errors)
    return stored


@transaction.atomic
def _apply(
    event: telephony.CallEvent,
    text: str,
    received_at: object,
    *,
    by: User | None,
    new_call: bool = False,
) -> TelephonyEvent:
    """new_call: make the call's contact without looking for it first (IntegrityError if it
    exists after all)."""
    channel = telephony.LINES[event.line]
    contact = (
        None
        if new_call
        else Contact.objects.select_for_update()
        .filter(channel=channel, external_id=event.call_id)
        .first()
    )
    fields = {
        "received_at": received_at,
        "raw": text,
        "line": event.line,
        "call_id": event.call_id,
        "event": event.event,
        "occurred_at": event.occurred_at,
    }
    if (
        contact is not None
        and contact.telephony_events.filter(
            status=TelephonyEvent.Status.APPLIED, dedupe_key=event.dedupe_key
        ).exists()
    ):
        return TelephonyEvent.objects.create(
            status=TelephonyEvent.Status.DUPLICATE, contact=contact, **fields
        )
    made = contact is None
    if contact is None:
        from .intake import receive_contact

        contact, _ = receive_contact(
            by=by,
            channel=channel,
            offered_at=event.occurred_at,
            caller_number=event.cli,
            external_id=event.call_id,
            network_address=event.address,
        )
    stored = insert(
        TelephonyEvent(
            status=TelephonyEvent.Status.APPLIED,
            dedupe_key=event.dedupe_key,
            contact=contact,
            **fields,
        )
    )
    # A contact made just now (its row is this transaction's) has this event alone.
    history: Any = (
        [(event.event, event.occurred_at)]
        if made
        else contact.telephony_events.filter(status=TelephonyEvent.Status.APPLIED).values_list(
            "event", "occurred_at"
        )
    )
    before = _values(contact)
    changes = _apply_facts(contact, telephony.derive(history), event, by=by)
    if event.event == "transferred" and contact.channel == Contact.Channel.NON_EMERGENCY_CALL:
        transfer_to_emergency_line(contact, by=by, reason="transferred on the telephone system")
        if contact.status != Status.COMPLETED:
            if contact.status == Status.QUEUED:
                workflow.move(contact, Status.IN_PROGRESS, by=by, reason="transferred")
            workflow.move(contact, Status.COMPLETED, by=by, reason="transferred to 999")
            contact.outcome = Outcome.TRANSFERRED_TO_999
            contact.outcome_reason = "Transferred to 999 on the telephone system"
            contact.outcome_recorded_at = event.occurred_at
            changes.append("completed: transferred to 999")
    changed = [name for name, value in before.items() if getattr(contact, name) != value]
    if changed:
        contact.save(update_fields=changed)
    audit.record(
        Action.CONTACT_CALL_UPDATED,
        actor=by,
        subject=contact,
        event=event.event,
        call_id=event.call_id,
        line=event.line,
        occurred_at=event.occurred_at,
        changes=changes,
    )
    realtime.announce("contacts", "contact.call_updated", contact.pk)
    return stored


def _values(contact: Contact) -> dict[str, Any]:
    """The contact's columns as they are now, to save only those an event changes."""
    return {
        f.attname: deepcopy(getattr(contact, f.attname))
        for f in Contact._meta.concrete_fields
        if not f.primary_key
    }


def _apply_facts(
    contact: Contact, facts: telephony.CallFacts, event: telephony.CallEvent, *, by: User | None
) -> list[str]:
    """Bring the contact in line with the call's facts. Handler decisions (who took it, the
    outcome) are never undone by the phone system, except that a call recorded as abandoned
    is reopened when an 'answered' event shows it was answered after all."""
    changes = []
    if facts.offered_at < contact.offered_at:
        contact.offered_at = facts.offered_at
        changes.append("offered time")
    if facts.answered_at and (
        contact.answered_at is None or facts.answered_at < contact.answered_at
    ):
        contact.answered_at = facts.answered_at
        changes.append("answered time")
    if facts.ended_at and contact.ended_at != facts.ended_at:
        contact.ended_at = facts.ended_at
        changes.append("ended time")
        if contact.status == Status.IN_PROGRESS and contact.handled_by is not None:
            # The caller has rung off: the handler's after-call work begins.
            move_staff(contact.handled_by, "wrap_up", contact=contact, by=by)
    if event.cli and not contact.caller_number_as_given:
        contact.caller_number_as_given = event.cli[:64]
        contact.caller_number = to_e164(event.cli)
    if event.address and not contact.network_address:
        contact.network_address = event.address
        changes.append("network address")
    if facts.answered_at is not None:
        if contact.status == Status.ABANDONED:
            workflow.move(contact, Status.IN_PROGRESS, by=by, reason="answer event arrived late")
            contact.outcome, contact.abandoned_at = "", None
            changes.append("reopened: answered")
        elif contact.status == Status.QUEUED:
            workflow.move(contact, Status.IN_PROGRESS, by=by, reason="answered on the telephone")
            changes.append("answered")
        if event.event == "answered" and event.agent and contact.handled_by_id is None:
            agent = User.objects.filter(username=event.agent, is_active=True).first()
            if agent is not None:
                contact.handled_by = agent
                state = "wrap_up" if contact.ended_at else "on_contact"
                move_staff(agent, state, contact=contact, by=by)
    elif facts.abandoned_at is not None:
        if contact.status == Status.QUEUED:
            workflow.move(contact, Status.ABANDONED, by=by, reason="caller rang off")
            contact.outcome = Outcome.ABANDONED
            contact.outcome_recorded_at = facts.abandoned_at
            changes.append("abandoned")
        if contact.status == Status.ABANDONED:
            contact.abandoned_at = facts.abandoned_at
    return changes
