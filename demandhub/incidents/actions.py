"""Writes for incidents. Each runs in one transaction, audits itself and announces on commit."""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from demandhub import audit
from demandhub.accounts.models import User
from demandhub.audit.models import Action
from demandhub.contacts.models import Contact
from demandhub.core import realtime
from demandhub.demand.training import exercise_id_for

from . import grading, workflow
from .classifications import catalogue
from .errors import (
    AlreadyLinked,
    AlreadyStricken,
    IncidentError,
    NotGradeable,
    ReasonRequired,
    ReviewAlreadyDone,
)
from .locations import Location
from .models import (
    Assessment,
    Incident,
    LinkedContact,
    LogEntry,
    Person,
    QualityReview,
    Resolution,
    WarningMarker,
)
from .queries import area_for
from .references import next_reference

Status = Incident.Status
GROUP = "incidents"


@dataclass(frozen=True)
class PersonDetails:
    role: str
    name: str
    date_of_birth: date | None = None
    phone: str = ""
    address: str = ""
    description: str = ""


class UnknownClassification(IncidentError):
    code = "unknown_classification"


def _lock(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


def _log(incident: Incident, text: str, *, by: User | None, system: bool = True) -> LogEntry:
    return LogEntry.objects.create(
        incident=incident, written_at=timezone.now(), author=by, text=text, system=system
    )


def _check_classification(code: str) -> None:
    if code and catalogue().get(code) is None:
        raise UnknownClassification(f"{code!r} is not in the classification list.")


@transaction.atomic
def raise_incident(
    *,
    by: User | None,
    summary: str,
    contact: Contact | None = None,
    classification: str = "",
    qualifiers: Iterable[str] = (),
    location: Location | None = None,
    address: str = "",
    persons: Iterable[PersonDetails] = (),
    assessment: grading.Assessment | None = None,
    grade: int | None = None,
    override_reason: str = "",
) -> Incident:
    """Open an incident, from a contact or directly by staff. by=None: raised by the system.

    With an `assessment` the incident is graded in the same transaction (see grade_incident):
    the call handler console raises and grades in one step.
    """
    _check_classification(classification)
    now = timezone.now()
    incident = Incident.objects.create(
        reference=next_reference(settings.FORCE_CODE, timezone.localdate(now)),
        contact=contact,
        summary=summary,
        opened_at=now,
        opened_by=by,
        classification=classification,
        qualifiers=list(qualifiers),
        address=address,
        exercise_id=exercise_id_for(by, made_from=contact),
    )
    audit.record(
        Action.INCIDENT_RAISED,
        actor=by,
        subject=incident,
        reference=incident.reference,
        contact=contact.pk if contact else None,
        classification=classification,
    )
    _log(incident, f"Incident raised: {summary}", by=by)
    if location is not None:
        _apply_location(incident, location, by=by)
        incident.save(update_fields=["location", "latitude", "longitude", "area"])
    for details in persons:
        _add_person(incident, details, by=by)
    if assessment is not None:
        _grade(incident, assessment, by=by, grade=grade, override_reason=override_reason)
    realtime.announce(GROUP, "incident.raised", incident.pk)
    return incident


def _apply_location(incident: Incident, location: Location, *, by: User | None) -> None:
    incident.location = location.as_dict()
    incident.latitude, incident.longitude = location.latitude, location.longitude
    incident.area = (
        area_for(location.latitude, location.longitude) if location.has_position else None
    )
    if location.kind == "address" and not incident.address:
        incident.address = location.text
    audit.record(
        Action.INCIDENT_LOCATED,
        actor=by,
        subject=incident,
        kind=location.kind,
        source=location.source,
        latitude=location.latitude,
        longitude=location.longitude,
        area=incident.area.code if incident.area else None,
    )
    where = location.grid_reference or location.what3words or location.text
    _log(incident, f"Location set ({location.kind}, {location.source}): {where}", by=by)


@transaction.atomic
def set_location(
    incident: Incident, *, by: User, location: Location, address: str = ""
) -> Incident:
    """Record where the incident is; its area and any attendance deadline follow the location."""
    incident = _lock(incident)
    if incident.status == Status.CLOSED:
        raise IncidentError("A closed incident cannot be moved.")
    if address:
        incident.address = address
    _apply_location(incident, location, by=by)
    fields = ["location", "latitude", "longitude", "area", "address"]
    if incident.grade is not None:
        incident.attendance_deadline = _deadline(incident, incident.grade, _clock_start(incident))
        fields.append("attendance_deadline")
    incident.save(update_fields=fields)
    realtime.announce(GROUP, "incident.located", incident.pk)
    return incident


def _add_person(incident: Incident, details: PersonDetails, *, by: User | None) -> Person:
    person = Person.objects.create(
        incident=incident,
        role=details.role,
        name=details.name,
        date_of_birth=details.date_of_birth,
        phone=details.phone,
        address=details.address,
        description=details.description,
        added_at=timezone.now(),
        added_by=by,
    )
    audit.record(
        Action.INCIDENT_PERSON_ADDED, actor=by, subject=incident, person=person.pk, role=person.role
    )
    return person


@transaction.atomic
def add_person(incident: Incident, *, by: User, details: PersonDetails) -> Person:
    incident = _lock(incident)
    person = _add_person(incident, details, by=by)
    _log(incident, f"{person.get_role_display()} added: {person.name}", by=by)
    realtime.announce(GROUP, "incident.person_added", incident.pk)
    return person


@transaction.atomic
def add_log_entry(incident: Incident, *, by: User, text: str) -> LogEntry:
    """Append to the narrative log. Entries are never edited; see strike_log_entry."""
    incident = _lock(incident)
    if not text.strip():
        raise IncidentError("A log entry needs some text.")
    if incident.status == Status.CLOSED and not by.has_perm("incidents.regrade_incident"):
        raise IncidentError("Only a supervisor may add to the log of a closed incident.")
    entry = _log(incident, text.strip(), by=by, system=False)
    audit.record(Action.INCIDENT_LOGGED, actor=by, subject=incident, entry=entry.pk)
    realtime.announce(GROUP, "incident.logged", incident.pk)
    return entry


@transaction.atomic
def strike_log_entry(entry: LogEntry, *, by: User, reason: str) -> LogEntry:
    """Strike an entry through (it stays readable, marked as withdrawn, with who and why)."""
    entry = LogEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.stricken:
        raise AlreadyStricken("That entry is already struck through.")
    if entry.system:
        raise IncidentError("System entries record what happened and cannot be struck through.")
    if not reason.strip():
        raise ReasonRequired("Say why the entry is struck through.")
    entry.stricken, entry.stricken_by, entry.stricken_at = True, by, timezone.now()
    entry.strike_reason = reason.strip()
    entry.save(update_fields=["stricken", "stricken_by", "stricken_at", "strike_reason"])
    audit.record(
        Action.INCIDENT_LOG_STRICKEN,
        actor=by,
        subject=entry.incident,
        entry=entry.pk,
        reason=entry.strike_reason,
    )
    realtime.announce(GROUP, "incident.logged", entry.incident_id)
    return entry


# --- Grading -------------------------------------------------------------------------------------


def _area_type(incident: Incident) -> str:
    return incident.area.area_type if incident.area else grading.UNKNOWN_AREA_TYPE


def _deadline(incident: Incident, grade: int, clock_start: datetime) -> datetime | None:
    return grading.attendance_deadline(
        grade, _area_type(incident), clock_start=clock_start, force_code=settings.FORCE_CODE
    )


def _clock_start(incident: Incident) -> datetime:
    """The first grade runs from the call (opened_at, as forces report attendance); a regrade
    restarts the clock from the regrade, since the new target only became known then."""
    latest = incident.assessments.order_by("-version").first()
    if latest is None or latest.kind == Assessment.Kind.INITIAL:
        return incident.opened_at
    return latest.assessed_at


def _proposal(incident: Incident, assessment: grading.Assessment) -> grading.Proposal:
    classification = catalogue().get(incident.classification)
    return grading.propose(
        assessment,
        classification_code=incident.classification,
        tags=classification.tags if classification else (),
    )


def _record_assessment(
    incident: Incident,
    *,
    kind: str,
    assessment: grading.Assessment | None,
    proposal: grading.Proposal | None,
    grade: int,
    reason: str,
    by: User | None,
) -> Assessment:
    latest = incident.assessments.order_by("-version").first()
    thrive = assessment.as_dict() if assessment else (latest.thrive if latest else {})
    return Assessment.objects.create(
        incident=incident,
        version=(latest.version + 1) if latest else 1,
        kind=kind,
        thrive=thrive,
        proposed_grade=int(proposal.grade) if proposal else None,
        reasons=list(proposal.reasons) if proposal else [],
        grade=grade,
        override_reason=reason,
        assessed_at=timezone.now(),
        assessed_by=by,
    )


def _grade(
    incident: Incident,
    assessment: grading.Assessment,
    *,
    by: User | None,
    grade: int | None,
    override_reason: str,
) -> Assessment:
    """First grading of a locked, open incident: records the assessment and moves it on."""
    if incident.status not in workflow.GRADEABLE:
        raise NotGradeable(
            f"{incident.reference} is {incident.get_status_display().lower()}: "
            "a supervisor regrades it."
        )
    proposal = _proposal(incident, assessment)
    chosen = int(proposal.grade) if grade is None else int(grade)
    if chosen not in {int(g) for g in grading.Grade}:
        raise IncidentError(f"There is no grade {chosen}.")
    reason = override_reason.strip()
    if chosen != proposal.grade and not reason:
        raise ReasonRequired(
            f"The rules propose grade {int(proposal.grade)}: give a reason for grade {chosen}."
        )
    if chosen == proposal.grade:
        reason = ""
    version = _record_assessment(
        incident,
        kind=Assessment.Kind.INITIAL,
        assessment=assessment,
        proposal=proposal,
        grade=chosen,
        reason=reason,
        by=by,
    )
    workflow.move(incident, Status.GRADED, by=by)
    onward = (
        Status.AWAITING_DEPLOYMENT if grading.Grade(chosen).deploys else Status.WITH_RESOLUTION_TEAM
    )
    workflow.move(incident, onward, by=by)
    incident.grade = chosen
    incident.graded_at = version.assessed_at
    incident.attendance_deadline = _deadline(incident, chosen, incident.opened_at)
    incident.save(update_fields=["status", "grade", "graded_at", "attendance_deadline"])
    audit.record(
        Action.INCIDENT_GRADED,
        actor=by,
        subject=incident,
        grade=chosen,
        proposed=int(proposal.grade),
        reasons=list(proposal.reasons),
        override_reason=reason,
        version=version.version,
    )
    text = f"Graded {grading.Grade(chosen).label}"
    text += f" (rules proposed {int(proposal.grade)}; override: {reason})" if reason else ""
    _log(incident, text, by=by)
    realtime.announce(GROUP, "incident.graded", incident.pk)
    return version


@transaction.atomic
def grade_incident(
    incident: Incident,
    *,
    by: User,
    assessment: grading.Assessment,
    grade: int | None = None,
    override_reason: str = "",
) -> Incident:
    """Record the THRIVE+ assessment and grade an open incident: the proposed grade when
    `grade` is None (accepted), otherwise `grade`, which needs a reason if it differs."""
    incident = _lock(incident)
    _grade(incident, assessment, by=by, grade=grade, override_reason=override_reason)
    return incident


def _change_grade(
    incident: Incident,
    *,
    by: User,
    grade: int,
    reason: str,
    kind: str,
    assessment: grading.Assessment | None,
    action: Action,
) -> Incident:
    if incident.status not in workflow.REGRADEABLE:
        raise NotGradeable(
            f"{incident.reference} is {incident.get_status_display().lower()} and cannot be "
            "regraded."
        )
    if not reason.strip():
        raise ReasonRequired("Give a reason for the new grade.")
    new = grading.Grade(int(grade))
    old = incident.grade
    if not new.deploys and incident.status in (Status.RESOURCES_ASSIGNED, Status.AT_SCENE):
        raise NotGradeable("Stand the resources down before passing it to the resolution team.")
    proposal = _proposal(incident, assessment) if assessment else None
    version = _record_assessment(
        incident,
        kind=kind,
        assessment=assessment,
        proposal=proposal,
        grade=int(new),
        reason=reason.strip(),
        by=by,
    )
    if new.deploys and incident.status == Status.WITH_RESOLUTION_TEAM:
        workflow.move(incident, Status.AWAITING_DEPLOYMENT, by=by, reason=reason)
    elif not new.deploys and incident.status in (Status.GRADED, Status.AWAITING_DEPLOYMENT):
        workflow.move(incident, Status.WITH_RESOLUTION_TEAM, by=by, reason=reason)
    incident.grade = int(new)
    incident.graded_at = version.assessed_at
    incident.attendance_deadline = _deadline(incident, int(new), version.assessed_at)
    incident.save(update_fields=["status", "grade", "graded_at", "attendance_deadline"])
    audit.record(
        action,
        actor=by,
        subject=incident,
        old_grade=old,
        grade=int(new),
        reason=reason.strip(),
        version=version.version,
    )
    _log(incident, f"Regraded from {old} to {int(new)}: {reason.strip()}", by=by)
    realtime.announce(GROUP, "incident.regraded", incident.pk)
    return incident


@transaction.atomic
def regrade_incident(
    incident: Incident,
    *,
    by: User,
    grade: int,
    reason: str,
    assessment: grading.Assessment | None = None,
) -> Incident:
    """A supervisor's regrade, with a reason; a new assessment version is kept."""
    incident = _lock(incident)
    return _change_grade(
        incident,
        by=by,
        grade=grade,
        reason=reason,
        kind=Assessment.Kind.REGRADE,
        assessment=assessment,
        action=Action.INCIDENT_REGRADED,
    )


# --- Resolution without deployment ---------------------------------------------------------------


@transaction.atomic
def escalate_incident(incident: Incident, *, by: User, grade: int, reason: str) -> Incident:
    """The resolution team sends an incident for deployment after all, regraded 1-3."""
    incident = _lock(incident)
    if incident.status != Status.WITH_RESOLUTION_TEAM:
        raise NotGradeable(f"{incident.reference} is not with the resolution team.")
    if not grading.Grade(int(grade)).deploys:
        raise IncidentError("Escalate to grade 1, 2 or 3.")
    return _change_grade(
        incident,
        by=by,
        grade=grade,
        reason=reason,
        kind=Assessment.Kind.ESCALATION,
        assessment=None,
        action=Action.INCIDENT_ESCALATED,
    )


def _sampled_for_review() -> bool:
    """Whether this resolution is drawn for quality review (INCIDENT_QA_SAMPLE_SHARE, 0-1)."""
    share = float(getattr(settings, "INCIDENT_QA_SAMPLE_SHARE", 0.1))
    return secrets.randbelow(10_000) < share * 10_000


@transaction.atomic
def resolve_without_deployment(
    incident: Incident,
    *,
    by: User,
    outcome: str,
    advice_given: str = "",
    crime_recorded: bool = False,
    crime_reference: str = "",
) -> Resolution:
    """The resolution officer's outcome; a configurable share is sampled for QA review.

    With crime_recorded and no crime_reference, the crime record is created now (crimes app)
    and its reference kept; a reference given is one already recorded elsewhere.
    """
    incident = _lock(incident)
    if incident.status != Status.WITH_RESOLUTION_TEAM:
        raise IncidentError(f"{incident.reference} is not with the resolution team.")
    if not outcome.strip():
        raise ReasonRequired("Record the outcome.")
    if crime_recorded and not crime_reference.strip():
        # The crime is recorded here and now, for the IMU to review, in this transaction.
        from demandhub.crimes.actions import record_crime_from_incident

        crime_reference = record_crime_from_incident(incident, by=by).reference
    resolution = Resolution.objects.create(
        incident=incident,
        outcome=outcome.strip(),
        advice_given=advice_given.strip(),
        crime_recorded=crime_recorded,
        crime_reference=crime_reference.strip(),
        resolved_at=timezone.now(),
        resolved_by=by,
    )
    workflow.move(incident, Status.RESOLVED, by=by, reason=outcome.strip())
    incident.closing_code = "crime-recorded" if crime_recorded else "resolved-by-phone"
    incident.save(update_fields=["status", "closing_code"])
    audit.record(
        Action.INCIDENT_RESOLVED,
        actor=by,
        subject=incident,
        crime_recorded=crime_recorded,
        crime_reference=resolution.crime_reference,
    )
    _log(incident, f"Resolved without deployment: {resolution.outcome}", by=by)
    if _sampled_for_review():
        review = QualityReview.objects.create(resolution=resolution, sampled_at=timezone.now())
        audit.record(Action.INCIDENT_REVIEW_SAMPLED, actor=None, subject=incident, review=review.pk)
    realtime.announce(GROUP, "incident.resolved", incident.pk)
    return resolution


@transaction.atomic
def review_resolution(
    review: QualityReview, *, by: User, score: int, feedback: str
) -> QualityReview:
    review = QualityReview.objects.select_for_update().get(pk=review.pk)
    if review.reviewed_at is not None:
        raise ReviewAlreadyDone("That resolution has already been reviewed.")
    if not 1 <= int(score) <= 5:
        raise IncidentError("Score from 1 (poor) to 5 (excellent).")
    if not feedback.strip():
        raise ReasonRequired("Give feedback for the resolution officer.")
    review.score, review.feedback = int(score), feedback.strip()
    review.reviewed_at, review.reviewed_by = timezone.now(), by
    review.save(update_fields=["score", "feedback", "reviewed_at", "reviewed_by"])
    incident = review.resolution.incident
    audit.record(Action.INCIDENT_REVIEWED, actor=by, subject=incident, score=review.score)
    realtime.announce(GROUP, "incident.reviewed", incident.pk)
    return review


# --- Other agencies, duplicates and closing ------------------------------------------------------


@transaction.atomic
def redirect_incident(incident: Incident, *, by: User, agency: str, reason: str) -> Incident:
    """Pass the incident to ambulance, fire, a council or another agency, with reason and time."""
    incident = _lock(incident)
    if agency not in Incident.Agency.values:
        raise IncidentError(f"{agency!r} is not an agency we redirect to.")
    if not reason.strip():
        raise ReasonRequired("Say why the incident goes to another agency.")
    workflow.move(incident, Status.REDIRECTED, by=by, reason=reason.strip())
    incident.redirected_to, incident.redirect_reason = agency, reason.strip()
    incident.redirected_at = timezone.now()
    incident.save(update_fields=["status", "redirected_to", "redirect_reason", "redirected_at"])
    audit.record(
        Action.INCIDENT_REDIRECTED, actor=by, subject=incident, agency=agency, reason=reason.strip()
    )
    _log(incident, f"Redirected to {incident.get_redirected_to_display()}: {reason.strip()}", by=by)
    realtime.announce(GROUP, "incident.redirected", incident.pk)
    return incident


@transaction.atomic
def close_incident(
    incident: Incident,
    *,
    by: User,
    closing_code: str,
    closing_classification: str = "",
    reason: str = "",
    duplicate_of: Incident | None = None,
) -> Incident:
    incident = _lock(incident)
    if catalogue().closing_code(closing_code) is None:
        raise IncidentError(f"{closing_code!r} is not a closing code.")
    _check_classification(closing_classification)
    if duplicate_of is not None and duplicate_of.pk == incident.pk:
        raise IncidentError("An incident cannot duplicate itself.")
    workflow.move(incident, Status.CLOSED, by=by, reason=reason)
    incident.closing_code = closing_code
    incident.closing_classification = closing_classification or incident.classification
    incident.closed_at = timezone.now()
    incident.duplicate_of = duplicate_of
    incident.save(
        update_fields=[
            "status",
            "closing_code",
            "closing_classification",
            "closed_at",
            "duplicate_of",
        ]
    )
    audit.record(
        Action.INCIDENT_CLOSED,
        actor=by,
        subject=incident,
        closing_code=closing_code,
        closing_classification=incident.closing_classification,
        duplicate_of=duplicate_of.reference if duplicate_of else None,
    )
    _log(incident, f"Closed: {catalogue().closing_code(closing_code).label}", by=by)  # type: ignore[union-attr]
    realtime.announce(GROUP, "incident.closed", incident.pk)
    return incident


@transaction.atomic
def link_contact(
    incident: Incident, *, by: User, contact: Contact | None, reason: str = "", note: str = ""
) -> Incident:
    """Attach a further contact about the same event to the existing incident, instead of raising
    a duplicate. Without a contact (a direct entry) the note alone goes on the log."""
    incident = _lock(incident)
    if incident.status == Status.CLOSED:
        raise IncidentError(f"{incident.reference} is closed: raise a new incident.")
    if contact is not None:
        if (
            incident.contact_id == contact.pk
            or LinkedContact.objects.filter(contact=contact).exists()
        ):
            raise AlreadyLinked("That contact is already linked to an incident.")
        LinkedContact.objects.create(
            incident=incident,
            contact=contact,
            reason=reason,
            linked_at=timezone.now(),
            linked_by=by,
        )
    audit.record(
        Action.INCIDENT_CONTACT_LINKED,
        actor=by,
        subject=incident,
        contact=contact.pk if contact else None,
        reason=reason,
    )
    text = "Further contact linked" + (f" ({contact})" if contact else "")
    text += f": {note.strip()}" if note.strip() else ""
    _log(incident, text + (f" [{reason}]" if reason else ""), by=by)
    realtime.announce(GROUP, "incident.contact_linked", incident.pk)
    return incident


# --- Warning markers ------------------------------------------------------------------------------


@transaction.atomic
def add_warning_marker(
    *,
    by: User,
    code: str,
    details: str = "",
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    radius_m: int = 30,
    person_name: str = "",
    date_of_birth: date | None = None,
    phone: str = "",
) -> WarningMarker:
    if code not in WarningMarker.Code.values:
        raise IncidentError(f"{code!r} is not a warning marker.")
    has_place = latitude is not None and longitude is not None
    if not has_place and not (person_name.strip() and date_of_birth) and not phone.strip():
        raise IncidentError(
            "A warning marker needs a place (a position) or a person (name and date of birth, "
            "or phone)."
        )
    marker = WarningMarker.objects.create(
        code=code,
        details=details,
        address=address,
        latitude=latitude,
        longitude=longitude,
        radius_m=radius_m,
        person_name=person_name.strip(),
        date_of_birth=date_of_birth,
        phone=phone.strip(),
        added_at=timezone.now(),
        added_by=by,
    )
    audit.record(Action.WARNING_ADDED, actor=by, subject=marker, code=code)
    return marker


@transaction.atomic
def withdraw_warning_marker(marker: WarningMarker, *, by: User, reason: str) -> WarningMarker:
    marker = WarningMarker.objects.select_for_update().get(pk=marker.pk)
    if not reason.strip():
        raise ReasonRequired("Say why the marker is withdrawn.")
    if marker.withdrawn_at is None:
        marker.withdrawn_at = timezone.now()
        marker.save(update_fields=["withdrawn_at"])
        audit.record(Action.WARNING_WITHDRAWN, actor=by, subject=marker, reason=reason.strip())
    return marker


# --- EIDO exchange --------------------------------------------------------------------------------


@transaction.atomic
def import_eido_incident(document: Any, *, by: User | None, schema: str | None = None) -> Incident:
    """Raise an incident from a valid EIDO document; an invalid one is refused whole
    (eido.EidoInvalid with every reason) and nothing is stored. by=None: a command."""
    from . import eido

    eido.validate(document, schema=schema)
    found = eido.read_document(document)
    incident = raise_incident(
        by=by,
        summary=found.summary or "Incident received by EIDO",
        classification=found.classification,
        location=found.location,
        address=found.address[:300],
        persons=[PersonDetails(role, name[:200]) for role, name in found.persons],
    )
    audit.record(Action.INCIDENT_IMPORTED, actor=by, subject=incident, eido_id=found.eido_id)
    _log(incident, f"Imported from EIDO {found.eido_id}", by=by)
    return incident


@transaction.atomic
def record_eido_export(incident: Incident, *, by: User | None) -> None:
    """Exports send incident data outside the force: each one is audited."""
    audit.record(Action.INCIDENT_EXPORTED, actor=by, subject=incident, reference=incident.reference)
