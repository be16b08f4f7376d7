"""Recording crimes: from a contact, an incident or staff; details, people, the NCRS recording
decision and cancellation. Each write runs in one transaction, audits itself, announces on
commit."""

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from demandhub import audit
from demandhub.accounts import need_to_know
from demandhub.accounts.models import Restriction, Team, User
from demandhub.audit.models import Action
from demandhub.core import realtime
from demandhub.demand.training import exercise_id_for

from .. import offences, workflow
from ..deadlines import recording_deadline
from ..errors import CancellationReasonNotAllowed, ReasonRequired, UnknownOffence
from ..models import CrimeRecord, Party
from ..references import next_reference
from .victims import tell_victim

if TYPE_CHECKING:
    from demandhub.contacts.models import Contact
    from demandhub.incidents.models import Incident

Status = CrimeRecord.Status

# The contact channel a crime came from, as its source.
SOURCE_BY_CHANNEL = {
    "online_report": CrimeRecord.Source.ONLINE_REPORT,
    "web_chat": CrimeRecord.Source.WEB_CHAT,
    "101": CrimeRecord.Source.CRIME_LINE,
    "999": CrimeRecord.Source.EMERGENCY_CALL,
}

# Details staff may change on a crime record through update_crime_details.
DETAIL_FIELDS = (
    "summary",
    "offence_code",
    "occurred_from",
    "occurred_to",
    "property_description",
    "modus_operandi",
    "cctv",
    "forensic_opportunity",
    "witnesses",
    "suspect_named",
    "suspect_described",
    "traceable_property",
    "vehicle_registration",
)


@transaction.atomic
def record_crime(
    *,
    by: User | None,
    summary: str,
    contact: "Contact | None" = None,
    incident: "Incident | None" = None,
    offence: str = "",
    offence_code: str = "",
    transcript: str = "",
    reported_at: datetime | None = None,
    **details: Any,
) -> CrimeRecord:
    """Record a reported crime for IMU review. by=None: recorded by the system.

    The 24-hour recording clock starts when the report reached the force: the contact's
    offered time (or the incident's opening) unless `reported_at` says otherwise. `details`
    are DETAIL_FIELDS and the location (location, address, latitude, longitude).
    """
    now = timezone.now()
    if offence_code and offences.offence(offence_code) is None:
        raise UnknownOffence(offence_code)
    if reported_at is None:
        if contact is not None:
            reported_at = contact.offered_at
        elif incident is not None:
            reported_at = incident.opened_at
        else:
            reported_at = now
    if contact is not None:
        source = SOURCE_BY_CHANNEL.get(contact.channel, CrimeRecord.Source.STAFF)
    elif incident is not None:
        source = CrimeRecord.Source.INCIDENT
    else:
        source = CrimeRecord.Source.STAFF
    classified = offences.offence(offence_code) if offence_code else None
    crime = CrimeRecord(
        reference=next_reference(timezone.localdate(now)),
        contact=contact,
        incident=incident,
        source=source,
        summary=summary,
        offence=offence or (classified.name if classified else ""),
        offence_code=classified.code if classified else "",
        enhanced_entitlement=bool(classified and classified.enhanced),
        transcript=transcript,
        reported_at=reported_at,
        recording_deadline=recording_deadline(reported_at),
        recorded_at=now,
        recorded_by=by,
        exercise_id=exercise_id_for(by, made_from=contact or incident),
    )
    _place_from(crime, contact=contact, incident=incident)
    for name, value in details.items():
        setattr(crime, name, value)
    _locate(crime)
    crime.save()
    workflow.start(crime, by=by)
    audit.record(
        Action.CRIME_RECORDED,
        actor=by,
        subject=crime,
        reference=crime.reference,
        source=source,
        contact=contact.pk if contact is not None else None,
        incident=incident.pk if incident is not None else None,
    )
    if classified is not None and classified.restricted:
        _restrict_by_classification(crime, classified, by=by)
    _refresh_text_vector(crime)
    realtime.announce("crimes", "crime.recorded", crime.pk)
    return crime


def _restrict_by_classification(
    crime: CrimeRecord, classified: offences.Offence, *, by: User | None
) -> None:
    """A classification restricted by default (sexual offences) restricts the record to the
    restricted-crime team (offences.RESTRICTED_TEAM) and its investigating officer, unless a
    restriction is in place already (a supervisor may have named other teams)."""
    if need_to_know.is_restricted(crime):
        return
    need_to_know.restrict(
        crime,
        by=by,
        category=Restriction.Category.SEXUAL_OFFENCE,
        reason=f"Classified {classified.code} {classified.name}: restricted by default",
        teams=list(Team.objects.filter(name=offences.RESTRICTED_TEAM)),
    )


def record_crime_from_incident(incident: "Incident", *, by: User, **kwargs: Any) -> CrimeRecord:
    """A crime found at an incident: the incident is its source and lends it its place."""
    kwargs.setdefault("summary", incident.summary)
    return record_crime(by=by, incident=incident, contact=incident.contact, **kwargs)


# The online crime report's questions (contacts.forms.CrimeReportForm labels, as stored in
# Contact.report_details).
REPORT_WHERE = "Where did it happen?"
REPORT_WHEN = "When did it happen?"
REPORT_PROPERTY = "Was anything stolen or damaged? What?"
REPORT_SUSPECT = "Do you know who did it, or can you describe them?"


def _place_from(
    crime: CrimeRecord, *, contact: "Contact | None", incident: "Incident | None"
) -> None:
    answers = {
        str(k): str(v) for k, v in ((contact.report_details or {}) if contact else {}).items()
    }
    if incident is not None and incident.latitude is not None:
        crime.location = incident.location
        crime.address = incident.address
        crime.latitude, crime.longitude = incident.latitude, incident.longitude
    elif contact is not None:
        crime.address = contact.location_text or answers.get(REPORT_WHERE, "")[:300]
        if contact.latitude is not None:
            crime.latitude, crime.longitude = contact.latitude, contact.longitude
    if contact is not None:
        _from_online_report(crime, answers)


def _from_online_report(crime: CrimeRecord, answers: dict[str, str]) -> None:
    """Copy the online report's answers: the day it happened, what was taken, the suspect."""
    when = answers.get(REPORT_WHEN, "")
    try:
        day = date.fromisoformat(when)
    except ValueError:
        day = None
    if day is not None:
        tz = timezone.get_current_timezone()
        crime.occurred_from = datetime.combine(day, time.min, tzinfo=tz)
        crime.occurred_to = datetime.combine(day, time(23, 59), tzinfo=tz)
    crime.property_description = answers.get(REPORT_PROPERTY, "")
    if answers.get(REPORT_SUSPECT, "").strip():
        crime.suspect_described = True


def _locate(crime: CrimeRecord) -> None:
    """Set location_area from the position (the area whose boundary contains it)."""
    from demandhub.incidents.queries import area_for

    crime.location_area = (
        area_for(crime.latitude, crime.longitude)
        if crime.latitude is not None and crime.longitude is not None
        else None
    )


def _refresh_text_vector(crime: CrimeRecord) -> None:
    from ..linking import store_vector

    store_vector(crime)


@transaction.atomic
def update_crime_details(crime: CrimeRecord, *, by: User, **changes: Any) -> CrimeRecord:
    """Change the classification, time window, property, MO and evidence flags."""
    crime = CrimeRecord.objects.select_for_update().get(pk=crime.pk)
    unknown = set(changes) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"not crime details: {sorted(unknown)}")
    classified = None
    if changes.get("offence_code"):
        classified = offences.offence(changes["offence_code"])
        if classified is None:
            raise UnknownOffence(changes["offence_code"])
        changes["offence_code"] = classified.code
        crime.offence = classified.name
        crime.enhanced_entitlement = crime.enhanced_entitlement or classified.enhanced
    changed = {k: v for k, v in changes.items() if getattr(crime, k) != v}
    for name, value in changed.items():
        setattr(crime, name, value)
    crime.save()
    audit.record(Action.CRIME_DETAILS_CHANGED, actor=by, subject=crime, changed=sorted(changed))
    if classified is not None and classified.restricted:
        _restrict_by_classification(crime, classified, by=by)
    _refresh_text_vector(crime)
    realtime.announce("crimes", "crime.changed", crime.pk)
    return crime


@transaction.atomic
def set_crime_location(crime: CrimeRecord, *, by: User, text: str) -> CrimeRecord:
    """Normalise a place as typed (coordinates, grid reference, what3words, address) and set
    the area containing it. Raises incidents.locations.LocationInvalid for nonsense."""
    from demandhub.incidents import locations

    crime = CrimeRecord.objects.select_for_update().get(pk=crime.pk)
    place = locations.parse(text)
    crime.location = place.as_dict()
    if place.kind == "address" or not crime.address:
        crime.address = place.text or text
    crime.latitude, crime.longitude = place.latitude, place.longitude
    _locate(crime)
    crime.save()
    from ..linking import touch

    touch(crime)  # the link index holds each crime's place
    audit.record(
        Action.CRIME_DETAILS_CHANGED,
        actor=by,
        subject=crime,
        changed=["location"],
        area=crime.location_area_id,
    )
    realtime.announce("crimes", "crime.changed", crime.pk)
    return crime


@transaction.atomic
def add_party(
    crime: CrimeRecord,
    *,
    by: User,
    role: str,
    name: str = "",
    description: str = "",
    contact_details: str = "",
    vulnerable: bool = False,
) -> Party:
    """Add a victim, suspect or witness. A vulnerable victim is entitled to enhanced services."""
    crime = CrimeRecord.objects.select_for_update().get(pk=crime.pk)
    party = Party.objects.create(
        crime=crime,
        role=role,
        name=name.strip(),
        description=description.strip(),
        contact_details=contact_details.strip(),
        vulnerable=vulnerable,
        added_at=timezone.now(),
    )
    if role == Party.Role.VICTIM and vulnerable and not crime.enhanced_entitlement:
        crime.enhanced_entitlement = True
        crime.save(update_fields=["enhanced_entitlement"])
    if role == Party.Role.SUSPECT and (name.strip() or description.strip()):
        field = "suspect_named" if name.strip() else "suspect_described"
        setattr(crime, field, True)
        crime.save(update_fields=[field])
    audit.record(Action.CRIME_PARTY_ADDED, actor=by, subject=crime, role=role, party=party.pk)
    realtime.announce("crimes", "crime.changed", crime.pk)
    return party


@transaction.atomic
def decide_not_a_crime(crime: CrimeRecord, *, by: User, reason: str) -> CrimeRecord:
    """The NCRS decision that what was reported is not a crime. The victim is told."""
    crime = CrimeRecord.objects.select_for_update().get(pk=crime.pk)
    if not reason.strip():
        raise ReasonRequired("a decision not to record a crime needs a reason")
    workflow.move(crime, Status.NOT_RECORDED, by=by, reason=reason)
    _decide_recording(crime, by=by, decision=CrimeRecord.RecordingDecision.NOT_RECORDED)
    crime.save()
    audit.record(
        Action.CRIME_RECORDING_DECIDED,
        actor=by,
        subject=crime,
        decision="not_recorded",
        reason=reason,
        within_24_hours=crime.recording_decided_at <= crime.recording_deadline,
    )
    tell_victim(
        crime,
        by=by,
        kind="key_decision",
        text=f"We have decided not to record {crime.reference} as a crime: {reason.strip()}",
    )
    realtime.announce("crimes", "crime.changed", crime.pk)
    return crime


def _decide_recording(crime: CrimeRecord, *, by: User, decision: str) -> None:
    """Set the recording decision once (the caller saves)."""
    if crime.recording_decision:
        return
    crime.recording_decision = decision
    crime.recording_decided_at = timezone.now()
    crime.recording_decided_by = by


@transaction.atomic
def cancel_crime(crime: CrimeRecord, *, by: User, reason: str, note: str = "") -> CrimeRecord:
    """Cancel a recorded crime (the Force Crime Registrar's decision), only for an allowed
    reason (Home Office Counting Rules; ../shared/DOMAIN.md section 6)."""
    crime = CrimeRecord.objects.select_for_update().get(pk=crime.pk)
    if reason not in CrimeRecord.CancellationReason.values:
        raise CancellationReasonNotAllowed(reason)
    label = CrimeRecord.CancellationReason(reason).label
    workflow.move(crime, Status.CANCELLED, by=by, reason=f"{label}. {note}".strip())
    crime.cancellation_reason = reason
    crime.save()
    audit.record(Action.CRIME_CANCELLED, actor=by, subject=crime, reason=reason, note=note)
    realtime.announce("crimes", "crime.changed", crime.pk)
    return crime
