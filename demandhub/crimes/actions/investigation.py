"""Investigation: lines of enquiry with owners and due dates, and closing with an outcome."""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from demandhub import audit
from demandhub.accounts.models import User
from demandhub.audit.models import Action
from demandhub.core import realtime

from .. import outcomes, victims_code, workflow
from ..errors import CrimeError, OutcomeNotAllowed, UnknownOutcome
from ..models import CrimeRecord, InvestigationAction, VictimUpdate
from .victims import tell_victim

Status = CrimeRecord.Status


@transaction.atomic
def add_investigation_action(
    crime: CrimeRecord, *, by: User, kind: str, owner: User, due_on: date, description: str = ""
) -> InvestigationAction:
    crime = CrimeRecord.objects.select_for_update().get(pk=crime.pk)
    if crime.status not in workflow.IN_INVESTIGATION:
        raise CrimeError("actions are added to crimes under investigation")
    if kind not in InvestigationAction.Kind.values:
        raise CrimeError(f"{kind!r} is not a kind of investigation action")
    action = InvestigationAction.objects.create(
        crime=crime,
        kind=kind,
        owner=owner,
        due_on=due_on,
        description=description.strip(),
        added_at=timezone.now(),
        added_by=by,
    )
    audit.record(Action.CRIME_ACTION_ADDED, actor=by, subject=crime, enquiry=action.pk, kind=kind)
    realtime.announce("crimes", "crime.changed", crime.pk)
    return action


@transaction.atomic
def complete_investigation_action(
    action: InvestigationAction, *, by: User, result: str
) -> InvestigationAction:
    action = InvestigationAction.objects.select_for_update().get(pk=action.pk)
    if action.completed_at is not None:
        raise CrimeError("this action is already complete")
    if not result.strip():
        raise CrimeError("record the result of the action")
    action.result, action.completed_at = result.strip(), timezone.now()
    action.save(update_fields=["result", "completed_at"])
    audit.record(Action.CRIME_ACTION_COMPLETED, actor=by, subject=action.crime, enquiry=action.pk)
    realtime.announce("crimes", "crime.changed", action.crime_id)
    return action


@transaction.atomic
def close_crime(
    crime: CrimeRecord,
    *,
    by: User,
    outcome_code: str,
    victim_told_on: date | None = None,
    note: str = "",
) -> CrimeRecord:
    """Finalise an investigated crime with a Home Office outcome code and the date the victim
    was told. With no date given, the victim is told now on their tracking page."""
    crime = CrimeRecord.objects.select_for_update().get(pk=crime.pk)
    if not outcomes.is_known(outcome_code):
        raise UnknownOutcome(outcome_code)
    if outcome_code not in outcomes.FINAL:
        raise OutcomeNotAllowed("outcome 0 means not yet assigned: choose a final outcome")
    if victim_told_on is None:
        from .victims import can_use_tracking_page

        if not can_use_tracking_page(crime):
            raise CrimeError("give the date the victim was told of the outcome")
    workflow.move(crime, Status.CLOSED, by=by, reason=note)
    # Telling the victim the outcome tells them of every key decision awaiting them: the
    # closing entry records the deadline it met, as a VictimUpdate does (tell_victim), so a
    # deadline cleared by a date the victim was told elsewhere is not cleared unseen.
    key_decision_due = crime.key_decision_due_at
    now = timezone.now()
    crime.outcome_code, crime.outcome_at, crime.outcome_by = outcome_code, now, by
    crime.save()
    text = f"Crime {crime.reference}: {outcomes.public_wording(outcome_code)}"
    if note.strip():
        text += f" {note.strip()}"
    if victim_told_on is None:
        tell_victim(crime, by=by, kind=VictimUpdate.Kind.OUTCOME, text=text)
        victim_told_on = timezone.localdate(now)
    crime.victim_told_on = victim_told_on
    crime.key_decision_due_at = None
    crime.victim_update_due_at = None
    crime.save(update_fields=["victim_told_on", "key_decision_due_at", "victim_update_due_at"])
    audit.record(
        Action.CRIME_CLOSED,
        actor=by,
        subject=crime,
        outcome=outcome_code,
        victim_told_on=victim_told_on,
        **_key_decision_met(key_decision_due, told_on=victim_told_on),
    )
    realtime.announce("crimes", "crime.closed", crime.pk)
    return crime


def _key_decision_met(due: datetime | None, *, told_on: date) -> dict[str, object]:
    """The audit fields for a pending key decision met by the closing notification: its
    deadline, and whether the victim was told by the end of the deadline's day."""
    if due is None:
        return {}
    return {
        "key_decision_met": True,
        "key_decision_due": due,
        "key_decision_in_time": victims_code.told_on_deadline_day(told_on, due),
    }
