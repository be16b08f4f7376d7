"""The IMU review: asking the reporter for what is missing, then filing or allocating; the
area's sergeant assigning an officer."""

from django.db import transaction
from django.utils import timezone

from demandhub import audit
from demandhub.accounts.models import User
from demandhub.audit.models import Action
from demandhub.core import realtime
from demandhub.forces.models import PolicingArea

from .. import completeness, outcomes, solvability, victims_code, workflow
from ..errors import (
    AreaDoesNotCoverLocation,
    CrimeError,
    NotCrimeStaff,
    OfficerNotInArea,
    OutcomeNotAllowed,
    ReasonRequired,
    UnknownOutcome,
)
from ..models import AreaPosting, CrimeRecord, Review, VictimUpdate
from ..queries import CRIME_TEAM_ROLES, review_facts
from .recording import _decide_recording
from .victims import await_key_decision_update, tell_victim

Status = CrimeRecord.Status


@transaction.atomic
def request_information(
    crime: CrimeRecord, *, by: User, questions: list[str], note: str = "", channel: str = ""
) -> VictimUpdate:
    """Ask the reporter for what is missing: on their tracking page (no channel given), or
    through the channel they used (phone, email, in person), recording what was asked."""
    crime = CrimeRecord.objects.select_for_update().get(pk=crime.pk)
    asked = [q.strip() for q in questions if q.strip()]
    if note.strip():
        asked.append(note.strip())
    if not asked:
        raise CrimeError("nothing to ask the reporter")
    if channel and channel not in VictimUpdate.Channel.values:
        raise CrimeError(f"{channel!r} is not a channel to reach the reporter")
    text = (
        f"To progress {crime.reference} we need more information. Please contact us quoting "
        f"{crime.reference}: " + " ".join(asked)
    )
    update = tell_victim(
        crime, by=by, kind=VictimUpdate.Kind.INFORMATION_REQUEST, text=text, channel=channel
    )
    if update is None:
        raise CrimeError(
            "this reporter has no tracking page: ask them through the channel they used "
            "(phone, email or in person) and record it"
        )
    crime.information_requested_at = timezone.now()
    crime.save(update_fields=["information_requested_at"])
    audit.record(
        Action.CRIME_INFORMATION_REQUESTED,
        actor=by,
        subject=crime,
        asked=asked,
        channel=update.channel,
    )
    realtime.announce("crimes", "crime.changed", crime.pk)
    return update


def _review(crime: CrimeRecord, *, by: User, decision: str, **fields: object) -> Review:
    assessed = solvability.assess(crime.evidence)
    return Review.objects.create(
        crime=crime,
        reviewer=by,
        reviewed_at=timezone.now(),
        decision=decision,
        missing=completeness.missing(review_facts(crime)),
        solvability_score=assessed.score,
        solvability_explanation=assessed.explanation,
        **fields,
    )


@transaction.atomic
def file_crime(crime: CrimeRecord, *, by: User, reason: str, outcome_code: str) -> CrimeRecord:
    """Record the crime and file it without allocation, with the reason and the Home Office
    outcome code that follows (for example 18, investigation complete, no suspect).

    Filing is a decision not to investigate: the victim is told (on the tracking page now when
    they have one; otherwise within the Victims' Code deadline)."""
    crime = CrimeRecord.objects.select_for_update().get(pk=crime.pk)
    if not reason.strip():
        raise ReasonRequired("a decision to file needs a reason")
    if not outcomes.is_known(outcome_code):
        raise UnknownOutcome(outcome_code)
    if outcome_code not in outcomes.FILING:
        raise OutcomeNotAllowed(
            f"outcome {outcomes.label(outcome_code)} does not follow from filing a crime"
        )
    workflow.move(crime, Status.FILED, by=by, reason=reason)
    _decide_recording(crime, by=by, decision=CrimeRecord.RecordingDecision.RECORDED)
    now = timezone.now()
    crime.outcome_code, crime.outcome_at, crime.outcome_by = outcome_code, now, by
    await_key_decision_update(crime, decided_at=now)
    crime.save()
    review = _review(
        crime, by=by, decision=Review.Decision.FILE, reason=reason, outcome_code=outcome_code
    )
    told = tell_victim(
        crime,
        by=by,
        kind=VictimUpdate.Kind.OUTCOME,
        text=f"Crime {crime.reference}: {outcomes.public_wording(outcome_code)}",
    )
    if told is not None:
        crime.victim_told_on = timezone.localdate(now)
        crime.save(update_fields=["victim_told_on"])
    audit.record(
        Action.CRIME_FILED,
        actor=by,
        subject=crime,
        reason=reason,
        outcome=outcome_code,
        review=review.pk,
        solvability=review.solvability_score,
    )
    realtime.announce("crimes", "crime.filed", crime.pk)
    return crime


def suggested_area(crime: CrimeRecord) -> PolicingArea | None:
    """The policing area whose boundary contains the crime's location."""
    if crime.latitude is None or crime.longitude is None:
        return None
    from demandhub.incidents.queries import area_for

    return area_for(crime.latitude, crime.longitude)


@transaction.atomic
def allocate_crime(
    crime: CrimeRecord, *, by: User, area: PolicingArea, override_reason: str = ""
) -> CrimeRecord:
    """Record the crime and allocate it for investigation to the policing area covering its
    location; another area only with an override reason."""
    crime = CrimeRecord.objects.select_for_update().get(pk=crime.pk)
    covering = suggested_area(crime)
    if (covering is None or covering.pk != area.pk) and not override_reason.strip():
        raise AreaDoesNotCoverLocation(area.name, covering.name if covering else "")
    was_awaiting = crime.status == Status.AWAITING_REVIEW
    workflow.move(crime, Status.ALLOCATED, by=by, reason=override_reason)
    _decide_recording(crime, by=by, decision=CrimeRecord.RecordingDecision.RECORDED)
    crime.area = area
    crime.allocated_at = timezone.now()
    crime.allocation_override_reason = override_reason.strip()
    crime.officer = None
    crime.assigned_at = None
    crime.save()
    review = None
    if was_awaiting:
        review = _review(
            crime,
            by=by,
            decision=Review.Decision.INVESTIGATE,
            reason=override_reason.strip(),
            suggested_area=covering,
            area=area,
        )
        tell_victim(
            crime,
            by=by,
            kind=VictimUpdate.Kind.KEY_DECISION,
            text=f"Crime {crime.reference} will be investigated by officers in {area.name}. "
            "An officer will contact you.",
        )
    audit.record(
        Action.CRIME_ALLOCATED,
        actor=by,
        subject=crime,
        area=area.code,
        suggested=covering.code if covering else None,
        override_reason=override_reason.strip(),
        review=review.pk if review else None,
    )
    realtime.announce("crimes", "crime.allocated", crime.pk)
    return crime


@transaction.atomic
def assign_crime(crime: CrimeRecord, *, by: User, officer: User) -> CrimeRecord:
    """The area's sergeant assigns an investigating officer (or reassigns to another)."""
    crime = CrimeRecord.objects.select_for_update().get(pk=crime.pk)
    if not officer.is_active or not officer.has_perm("crimes.investigate_crime"):
        raise OfficerNotInArea(f"{officer} is not an investigating officer")
    posting = AreaPosting.objects.filter(user=officer).first()
    if posting is not None and posting.area_id != crime.area_id:
        raise OfficerNotInArea(f"{officer} works in {posting.area}, not in {crime.area}")
    workflow.move(crime, Status.UNDER_INVESTIGATION, by=by, reason=f"assigned to {officer}")
    now = timezone.now()
    crime.officer, crime.assigned_at, crime.assigned_by = officer, now, by
    if crime.victim_update_due_at is None:
        crime.victim_update_due_at = victims_code.next_update_due(
            now, every_days=crime.update_every_days
        )
    crime.save()
    audit.record(Action.CRIME_ASSIGNED, actor=by, subject=crime, officer=officer.pk)
    realtime.announce("crimes", "crime.assigned", crime.pk)
    return crime


@transaction.atomic
def set_posting(user: User, *, by: User, area: PolicingArea) -> AreaPosting:
    """Post a sergeant or investigating officer to a policing area's crime team (moving them
    from any other). Posting them where they already are changes and audits nothing."""
    if not (user.is_active and user.groups.filter(name__in=CRIME_TEAM_ROLES).exists()):
        raise NotCrimeStaff(str(user))
    current = AreaPosting.objects.select_for_update().filter(user=user).first()
    if current is not None and current.area_id == area.pk:
        return current
    posting, _ = AreaPosting.objects.update_or_create(user=user, defaults={"area": area})
    user.__dict__.pop("_crimes_area_id", None)  # queries.area_of's memo
    audit.record(
        Action.CRIME_POSTING_SET,
        actor=by,
        subject=user,
        area=area.code,
        previous=current.area.code if current is not None else "",
    )
    realtime.announce("crimes", "crime.posting_set", user.pk)
    return posting


@transaction.atomic
def end_posting(user: User, *, by: User) -> bool:
    """End a sergeant's or officer's area posting (they then work across every area, as an
    unposted one does). False, and nothing audited, when they had none."""
    current = AreaPosting.objects.select_for_update().filter(user=user).first()
    if current is None:
        return False
    area = current.area.code
    current.delete()
    user.__dict__.pop("_crimes_area_id", None)
    audit.record(Action.CRIME_POSTING_ENDED, actor=by, subject=user, area=area)
    realtime.announce("crimes", "crime.posting_ended", user.pk)
    return True
