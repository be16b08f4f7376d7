"""Writes for deployments: assigning units to incidents, standing them down, diverting them,
and keeping the assignment and the incident in step with the crew's status changes.

Each public function runs in one transaction, audits itself and announces on commit. Locks are
taken incident first, then units in primary-key order, so two dispatchers assigning the same
unit serialise on the unit's row: the second sees the first's assignment and is refused with
the reason. The partial unique constraint on Assignment backs this up.
"""

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from demandhub import audit
from demandhub.accounts.models import User
from demandhub.audit.models import Action
from demandhub.core import realtime
from demandhub.incidents import workflow as incident_workflow
from demandhub.incidents.models import Incident

from . import workflow
from .errors import (
    AssignmentAlreadyCleared,
    IncidentNotAwaitingDeployment,
    NothingToAssign,
    ResourceNotAvailable,
    ResourceNotReassignable,
    TrainingIncident,
    UnknownIncident,
)
from .models import Assignment, Resource
from .recommendation import DIVERSION_GRADE

Status = Resource.Status
IncidentStatus = Incident.Status

# Incidents a unit may be sent to (more units may join one already attended).
DEPLOYABLE = frozenset(
    {
        IncidentStatus.GRADED,
        IncidentStatus.AWAITING_DEPLOYMENT,
        IncidentStatus.RESOURCES_ASSIGNED,
        IncidentStatus.AT_SCENE,
    }
)


def _move_incident(incident: Incident, to: str, *, by: User | None, reason: str) -> None:
    """Move the (locked) incident along its own lifecycle, through awaiting deployment if
    it is only graded; no move if it is already there or the incidents workflow has no path."""
    start = incident.status
    if start == IncidentStatus.GRADED and to != IncidentStatus.AWAITING_DEPLOYMENT:
        incident_workflow.move(incident, IncidentStatus.AWAITING_DEPLOYMENT, by=by, reason=reason)
    if to != incident.status and to in incident_workflow.NEXT[incident.status]:
        incident_workflow.move(incident, to, by=by, reason=reason)
    if incident.status != start:
        incident.save(update_fields=["status"])
        realtime.announce("incidents", "incident.status", incident.pk)


def _release_incident_if_uncovered(incident_pk: int, *, by: User | None, reason: str) -> None:
    """An incident whose last unit left before arriving goes back on the dispatcher's stack."""
    incident = Incident.objects.select_for_update().get(pk=incident_pk)
    _release_if_uncovered(incident, by=by, reason=reason)


def _release_if_uncovered(incident: Incident, *, by: User | None, reason: str) -> None:
    """_release_incident_if_uncovered for an incident already locked."""
    still = Assignment.objects.filter(incident=incident, cleared_at__isnull=True).exists()
    if not still and incident.status == IncidentStatus.RESOURCES_ASSIGNED:
        _move_incident(incident, IncidentStatus.AWAITING_DEPLOYMENT, by=by, reason=reason)
    realtime.announce("incidents", "incident.deployment", incident.pk)


def _clear(assignment: Assignment, *, by: User | None, reason: str) -> None:
    assignment.cleared_at = timezone.now()
    assignment.cleared_by = by
    assignment.clear_reason = reason
    assignment.save(update_fields=["cleared_at", "cleared_by", "clear_reason"])


def _refusal(unit: Resource, current: Assignment | None, incident: Incident) -> str | None:
    """Why `unit` cannot go to `incident`, or None if it can (possibly as a diversion)."""
    if current is not None and current.incident_id == incident.pk:
        return f"{unit.call_sign} is already assigned to {incident.reference}."
    if unit.status == Status.AVAILABLE and current is None:
        return None
    if current is not None and unit.status in workflow.DIVERTIBLE:
        theirs = current.incident.grade
        if incident.grade == DIVERSION_GRADE and theirs is not None and theirs > incident.grade:
            return None
        return (
            f"{unit.call_sign} is already assigned to {current.incident.reference} "
            f"(Grade {theirs}); only a Grade 1 may take a unit off a less urgent incident."
        )
    if current is not None:
        return (
            f"{unit.call_sign} is {unit.get_status_display().lower()} for "
            f"{current.incident.reference} and cannot be diverted."
        )
    return f"{unit.call_sign} is {unit.get_status_display().lower()}, not available."


@transaction.atomic
def assign_resources(
    incident: Incident, resources: Sequence[Resource], *, by: User
) -> list[Assignment]:
    """Send every unit in `resources` to `incident`, or none of them.

    A unit must be available; for a Grade 1, a unit committed to a less urgent incident (and
    not transporting or at custody) is diverted: its old assignment is cleared as diverted and
    that incident goes back on the stack if it has no other unit.
    """
    if not resources:
        raise NothingToAssign
    wanted = {r.pk for r in resources}
    # Lock order, as in every dispatch write: incidents (by pk), then units (by pk). The
    # incidents a diversion would take units from are locked here too, before the units.
    involved = {incident.pk} | set(
        Assignment.objects.filter(resource__in=wanted, cleared_at__isnull=True).values_list(
            "incident_id", flat=True
        )
    )
    locked = {
        i.pk: i for i in Incident.objects.select_for_update().filter(pk__in=involved).order_by("pk")
    }
    incident = locked[incident.pk]
    if incident.exercise_id is not None:
        raise TrainingIncident(incident.reference)
    if incident.status not in DEPLOYABLE:
        raise IncidentNotAwaitingDeployment(incident.reference, incident.get_status_display())
    units = list(Resource.objects.select_for_update().filter(pk__in=wanted).order_by("pk"))
    active = {
        a.resource_id: a
        for a in Assignment.objects.select_for_update(of=("self",))
        .select_related("incident")
        .filter(resource__in=units, cleared_at__isnull=True)
    }
    for unit in units:
        if reason := _refusal(unit, active.get(unit.pk), incident):
            raise ResourceNotAvailable(reason)

    now = timezone.now()
    made = []
    for unit in units:
        previous = active.get(unit.pk)
        if previous is not None:
            _clear(previous, by=by, reason=Assignment.ClearReason.DIVERTED)
        try:
            with transaction.atomic():
                assignment = Assignment.objects.create(
                    incident=incident,
                    resource=unit,
                    assigned_at=now,
                    assigned_by=by,
                    diversion=previous is not None,
                )
        except IntegrityError as e:  # a writer that bypassed the row lock; never lose a race
            raise ResourceNotAvailable(f"{unit.call_sign} has just been assigned elsewhere.") from e
        if unit.status != Status.ASSIGNED:
            workflow.move(unit, Status.ASSIGNED, by=by, reason=f"assigned to {incident.reference}")
            unit.save(update_fields=["status", "status_changed_at"])
        audit.record(
            Action.RESOURCE_ASSIGNED,
            actor=by,
            subject=assignment,
            call_sign=unit.call_sign,
            incident=incident.reference,
            grade=incident.grade,
            diverted_from=previous.incident.reference if previous else None,
        )
        realtime.announce("resources", "resource.assigned", unit.pk)
        made.append(assignment)
        if previous is not None:
            _release_incident_if_uncovered(
                previous.incident_id, by=by, reason=f"{unit.call_sign} diverted"
            )
    _move_incident(
        incident,
        IncidentStatus.RESOURCES_ASSIGNED,
        by=by,
        reason=", ".join(u.call_sign for u in units) + " assigned",
    )
    realtime.announce("incidents", "incident.deployment", incident.pk)
    return made


@transaction.atomic
def stand_down(assignment: Assignment, *, by: User, reason: str = "") -> Assignment:
    """Take a unit off an incident; it becomes available again."""
    incident = Incident.objects.select_for_update().get(pk=assignment.incident_id)
    unit = Resource.objects.select_for_update().get(pk=assignment.resource_id)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.cleared_at is not None:
        raise AssignmentAlreadyCleared(unit.call_sign)
    _clear(assignment, by=by, reason=Assignment.ClearReason.STOOD_DOWN)
    if unit.status != Status.AVAILABLE:
        workflow.move(unit, Status.AVAILABLE, by=by, reason=reason or "stood down")
        unit.save(update_fields=["status", "status_changed_at"])
    audit.record(
        Action.RESOURCE_STOOD_DOWN,
        actor=by,
        subject=assignment,
        call_sign=unit.call_sign,
        incident=incident.reference,
        reason=reason,
    )
    realtime.announce("resources", "resource.stood_down", unit.pk)
    _release_incident_if_uncovered(incident.pk, by=by, reason=f"{unit.call_sign} stood down")
    return assignment


@transaction.atomic
def reassign(assignment: Assignment, to: Incident, *, by: User) -> Assignment:
    """Take a deployed unit off its incident and send it to `to`, in one step: all or nothing.

    The unit must be assigned, en route or at scene (never transporting or at custody: a
    person is in its care), and `to` open for deployment (DEPLOYABLE), live, and not the
    incident it is on. A dispatcher's decision, so any grade may take a unit from any other
    (unlike a recommended diversion). The old assignment is cleared as reassigned and that
    incident goes back on the stack if no other unit is on it and none had arrived, as after a
    stand-down; the unit becomes assigned to `to`. Both audited; one notice per live group.
    """
    # Lock order, as in every dispatch write: both incidents (by pk), the unit, the assignment.
    involved = {assignment.incident_id, to.pk}
    locked = {
        i.pk: i for i in Incident.objects.select_for_update().filter(pk__in=involved).order_by("pk")
    }
    if to.pk not in locked:
        raise UnknownIncident(to.reference or to.pk)
    old, target = locked[assignment.incident_id], locked[to.pk]
    unit = Resource.objects.select_for_update().get(pk=assignment.resource_id)
    current = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if current.cleared_at is not None:
        raise AssignmentAlreadyCleared(unit.call_sign)
    if target.pk == old.pk:
        raise ResourceNotAvailable(f"{unit.call_sign} is already assigned to {old.reference}.")
    if target.exercise_id is not None:
        raise TrainingIncident(target.reference)
    if target.status not in DEPLOYABLE:
        raise IncidentNotAwaitingDeployment(target.reference, target.get_status_display())
    if unit.status not in workflow.DIVERTIBLE:
        raise ResourceNotReassignable(unit.call_sign, unit.status, old.reference)

    _clear(current, by=by, reason=Assignment.ClearReason.REASSIGNED)
    try:
        with transaction.atomic():
            made = Assignment.objects.create(
                incident=target, resource=unit, assigned_at=current.cleared_at, assigned_by=by
            )
    except IntegrityError as e:  # a writer that bypassed the row lock; never lose a race
        raise ResourceNotAvailable(f"{unit.call_sign} has just been assigned elsewhere.") from e
    if unit.status != Status.ASSIGNED:
        why = f"reassigned from {old.reference} to {target.reference}"
        workflow.move(unit, Status.ASSIGNED, by=by, reason=why)
        unit.save(update_fields=["status", "status_changed_at"])
    audit.record(
        Action.RESOURCE_STOOD_DOWN,
        actor=by,
        subject=current,
        call_sign=unit.call_sign,
        incident=old.reference,
        reason=f"reassigned to {target.reference}",
    )
    audit.record(
        Action.RESOURCE_ASSIGNED,
        actor=by,
        subject=made,
        call_sign=unit.call_sign,
        incident=target.reference,
        grade=target.grade,
        diverted_from=None,
        reassigned_from=old.reference,
    )
    realtime.announce("resources", "resource.assigned", unit.pk)
    _release_if_uncovered(old, by=by, reason=f"{unit.call_sign} reassigned to {target.reference}")
    _move_incident(
        target,
        IncidentStatus.RESOURCES_ASSIGNED,
        by=by,
        reason=f"{unit.call_sign} reassigned from {old.reference}",
    )
    realtime.announce("incidents", "incident.deployment", target.pk)
    return made


def lock_incident_of(unit: Resource) -> None:
    """Lock the incident the unit is assigned to, if any, before the unit itself is locked,
    keeping the incidents-then-units order of every dispatch write (no deadlocks)."""
    incident_id = (
        Assignment.objects.filter(resource=unit, cleared_at__isnull=True)
        .values_list("incident_id", flat=True)
        .first()
    )
    if incident_id is not None:
        list(Incident.objects.select_for_update().filter(pk=incident_id).values_list("pk"))


def follow_status(unit: Resource, old: str, new: str, *, by: User | None) -> None:
    """Keep the unit's active assignment and its incident in step with a status change.

    Called by actions.change_status inside its transaction, with the unit locked.
    """
    assignment = (
        Assignment.objects.select_for_update()
        .filter(resource=unit, cleared_at__isnull=True)
        .first()
    )
    if assignment is None:
        return
    now = timezone.now()
    if new == Status.EN_ROUTE and assignment.en_route_at is None:
        assignment.en_route_at = now
        assignment.save(update_fields=["en_route_at"])
    elif new == Status.AT_SCENE and assignment.arrived_at is None:
        assignment.arrived_at = now
        assignment.save(update_fields=["arrived_at"])
        incident = Incident.objects.select_for_update().get(pk=assignment.incident_id)
        _move_incident(
            incident, IncidentStatus.AT_SCENE, by=by, reason=f"{unit.call_sign} at scene"
        )
    elif new in workflow.CLEAR:
        if assignment.arrived_at is not None:
            why = Assignment.ClearReason.COMPLETED
        elif new == Status.UNAVAILABLE:
            why = Assignment.ClearReason.UNAVAILABLE
        else:
            why = Assignment.ClearReason.STOOD_DOWN
        _clear(assignment, by=by, reason=why)
        _release_incident_if_uncovered(
            assignment.incident_id, by=by, reason=f"{unit.call_sign} {new.replace('_', ' ')}"
        )
    realtime.announce("incidents", "incident.deployment", assignment.incident_id)
