"""Recording what became of a contact: incident, crime, advice, transfer or redirection."""

from django.db import transaction
from django.utils import timezone

from demandhub import audit
from demandhub.accounts.models import User
from demandhub.audit.models import Action
from demandhub.core import realtime
from demandhub.crimes.actions import record_crime
from demandhub.incidents.actions import link_contact, raise_incident
from demandhub.incidents.locations import Location
from demandhub.incidents.models import Incident

from .. import queueing, workflow
from ..errors import ContactNotYours, OutcomeNotAllowed, UnknownIncident
from ..models import ChatMessage, Contact
from .chat import announce_chat, announce_chat_ended, transcript
from .handling import add_reporter_update
from .staff import move_staff

Outcome = Contact.Outcome
Status = Contact.Status

# Outcomes a member of staff may record, per channel. Transfer to 999 is the switchboard's
# "emergency line" route for 101 calls; abandonment is recorded by the telephony system.
STAFF_OUTCOMES = frozenset(set(Outcome) - {Outcome.ABANDONED, Outcome.TRANSFERRED_TO_999})
OUTCOMES_BY_CHANNEL: dict[str, frozenset[str]] = {
    channel: STAFF_OUTCOMES | ({Outcome.TRANSFERRED_TO_999} if channel == "101" else set())
    for channel in Contact.Channel
}
NEEDS_SUMMARY = frozenset({Outcome.INCIDENT_RAISED, Outcome.CRIME_RECORDED})
NEEDS_REASON = frozenset(
    {Outcome.TRANSFERRED_TO_999, Outcome.REDIRECTED_ONLINE, Outcome.REDIRECTED_AGENCY}
)
PUBLIC_CHANNELS = frozenset({Contact.Channel.WEB_CHAT, Contact.Channel.ONLINE_REPORT})


def check_outcome(
    channel: str, outcome: str, *, summary: str, reason: str, agency: str, incident_reference: str
) -> None:
    """Raise OutcomeNotAllowed if `outcome` is not complete or not allowed on `channel`."""
    if outcome not in OUTCOMES_BY_CHANNEL[channel]:
        raise OutcomeNotAllowed(f"{outcome!r} is not an outcome for a {channel} contact")
    if outcome in NEEDS_SUMMARY and not summary.strip():
        raise OutcomeNotAllowed("say in a sentence what happened (the summary)")
    if outcome in NEEDS_REASON and not reason.strip():
        raise OutcomeNotAllowed("give the reason for the redirection or transfer")
    if outcome == Outcome.REDIRECTED_AGENCY and not agency.strip():
        raise OutcomeNotAllowed("name the agency the caller was redirected to")
    if outcome == Outcome.INCIDENT_LINKED and not incident_reference.strip():
        raise OutcomeNotAllowed("give the reference of the incident to link to")


def _written_record(contact: Contact) -> str:
    """What the public wrote, attached to the incident or crime made from it."""
    if contact.channel == Contact.Channel.WEB_CHAT:
        return transcript(contact)
    parts = [contact.subject, contact.message]
    parts += [f"{k}: {v}" for k, v in contact.report_details.items() if v not in ("", None)]
    return "\n".join(p for p in parts if p)


def _location(contact: Contact) -> Location | None:
    """The position the handler set or chose (never an unchosen handset position)."""
    if not contact.has_location:
        return None
    from_handset = contact.location_source == "aml"
    accuracy = None
    if from_handset:
        used = contact.aml_messages.filter(
            latitude=contact.latitude, longitude=contact.longitude
        ).first()
        accuracy = used.accuracy_m if used else None
    return Location(
        kind="aml" if from_handset else "latlon",
        source=contact.location_source or "handler",
        text=contact.location_text or f"{contact.latitude:.5f}, {contact.longitude:.5f}",
        latitude=contact.latitude,
        longitude=contact.longitude,
        accuracy_m=accuracy,
    )


def transfer_to_emergency_line(contact: Contact, *, by: User | None, reason: str) -> Contact:
    """The 999 contact for this 101 call, made (or found, if the 999 line reported it first)
    and linked; it keeps the 101 call's first offered time. The caller owns the transaction."""
    from .intake import receive_contact

    child = None
    if contact.external_id:
        child = (
            Contact.objects.select_for_update()
            .filter(channel=Contact.Channel.EMERGENCY_CALL, external_id=contact.external_id)
            .first()
        )
    if child is None:
        child, _ = receive_contact(
            by=by,
            channel=Contact.Channel.EMERGENCY_CALL,
            offered_at=contact.offered_at,
            caller_number=contact.caller_number or contact.caller_number_as_given,
            caller_name=contact.caller_name,
            external_id=contact.external_id,
            network_address=contact.network_address,
            parent=contact,
        )
    else:
        child.parent = contact
        child.offered_at = min(child.offered_at, contact.offered_at)
        child.priority = queueing.priority_of(child.channel)
        child.save(update_fields=["parent", "offered_at", "priority"])
    audit.record(
        Action.CONTACT_TRANSFERRED, actor=by, subject=contact, to_contact=child.pk, reason=reason
    )
    realtime.announce("contacts", "contact.transferred", child.pk)
    return child


@transaction.atomic
def record_outcome(
    contact: Contact,
    *,
    by: User,
    outcome: str,
    summary: str = "",
    reason: str = "",
    agency: str = "",
    incident_reference: str = "",
    offence: str = "",
    classification: str = "",
) -> Contact:
    """Finish a contact the handler holds, making what its outcome calls for.

    `classification` is the opening classification of the incident it raises (ignored for any
    other outcome); an unknown code refuses the whole outcome, so the contact stays held.
    """
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.handled_by_id != by.pk:
        raise ContactNotYours()
    check_outcome(
        contact.channel,
        outcome,
        summary=summary,
        reason=reason,
        agency=agency,
        incident_reference=incident_reference,
    )
    workflow.move(contact, Status.COMPLETED, by=by, reason=reason)
    now = timezone.now()
    made: dict[str, object] = {}
    public_update = ""
    if outcome == Outcome.INCIDENT_RAISED:
        written = _written_record(contact)
        text = f"{summary}\n\n{contact.get_channel_display()}:\n{written}" if written else summary
        incident = raise_incident(
            by=by,
            summary=text,
            contact=contact,
            classification=classification.strip(),
            location=_location(contact),
            address=contact.location_text or contact.network_address,
        )
        contact.incident = incident
        made["incident"] = incident.reference
        public_update = f"We have raised incident {incident.reference} and will be in touch."
    elif outcome == Outcome.INCIDENT_LINKED:
        incident = Incident.objects.filter(reference=incident_reference.strip().upper()).first()
        if incident is None:
            raise UnknownIncident(incident_reference)
        link_contact(incident, by=by, contact=contact, reason=reason or summary)
        contact.incident = incident
        made["incident"] = incident.reference
    elif outcome == Outcome.CRIME_RECORDED:
        crime = record_crime(
            by=by,
            summary=summary,
            contact=contact,
            offence=offence,
            transcript=_written_record(contact),
        )
        made["crime"] = crime.reference
        public_update = f"We have recorded your report as crime {crime.reference}."
    elif outcome == Outcome.TRANSFERRED_TO_999:
        made["to_contact"] = transfer_to_emergency_line(contact, by=by, reason=reason).pk
    elif outcome == Outcome.REDIRECTED_ONLINE:
        public_update = "Please report this through our online reporting service."
    elif outcome == Outcome.REDIRECTED_AGENCY:
        public_update = f"This is a matter for {agency.strip()}: {reason.strip()}"
    elif outcome == Outcome.ADVICE_GIVEN:
        public_update = "We have given advice and closed this contact."

    contact.outcome = outcome
    contact.outcome_agency = agency.strip()
    contact.outcome_reason = reason.strip() or summary.strip()
    contact.outcome_recorded_at = now
    if contact.ended_at is None and not contact.is_call:
        contact.ended_at = now
    contact.save()
    if contact.channel == Contact.Channel.WEB_CHAT:
        closing = ChatMessage.objects.create(
            contact=contact,
            sender=ChatMessage.Sender.SYSTEM,
            body="The operator has ended this chat. " + (public_update or ""),
            sent_at=now,
        )
        announce_chat(closing)
        announce_chat_ended(contact)
    if contact.channel in PUBLIC_CHANNELS and public_update:
        add_reporter_update(contact, by=None, text=public_update)
    audit.record(
        Action.CONTACT_COMPLETED, actor=by, subject=contact, outcome=outcome, agency=agency, **made
    )
    realtime.announce("contacts", "contact.completed", contact.pk)
    move_staff(by, "wrap_up", contact=contact)
    return contact
