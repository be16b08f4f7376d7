"""Which status a resource may move to next, and the one function that moves it."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from demandhub.accounts.models import User

from .errors import TransitionNotAllowed
from .models import Assignment, Resource, StatusChange

Status = Resource.Status

# The unit's day, as a control room runs it. Moving back to available from a committed status
# means the crew is clear of the incident; assigned -> assigned does not exist (a diversion
# moves an en-route or at-scene unit to assigned on its new incident).
NEXT: dict[str, frozenset[str]] = {
    Status.OFF_DUTY: frozenset({Status.AVAILABLE}),
    Status.AVAILABLE: frozenset(
        {Status.ASSIGNED, Status.REFRESHMENT, Status.UNAVAILABLE, Status.OFF_DUTY}
    ),
    Status.ASSIGNED: frozenset(
        {Status.EN_ROUTE, Status.AT_SCENE, Status.AVAILABLE, Status.UNAVAILABLE}
    ),
    Status.EN_ROUTE: frozenset(
        {Status.AT_SCENE, Status.ASSIGNED, Status.AVAILABLE, Status.UNAVAILABLE}
    ),
    Status.AT_SCENE: frozenset(
        {Status.TRANSPORTING, Status.ASSIGNED, Status.AVAILABLE, Status.UNAVAILABLE}
    ),
    Status.TRANSPORTING: frozenset({Status.AT_CUSTODY, Status.AVAILABLE, Status.UNAVAILABLE}),
    Status.AT_CUSTODY: frozenset(
        {Status.TRANSPORTING, Status.AVAILABLE, Status.REFRESHMENT, Status.UNAVAILABLE}
    ),
    Status.REFRESHMENT: frozenset({Status.AVAILABLE, Status.UNAVAILABLE, Status.OFF_DUTY}),
    Status.UNAVAILABLE: frozenset({Status.AVAILABLE, Status.REFRESHMENT, Status.OFF_DUTY}),
}

# Set only as the consequence of an assignment, never picked by a crew or from a list.
SET_BY_ASSIGNMENT = frozenset({Status.ASSIGNED})
# Working an incident: the unit has an active assignment in these statuses.
COMMITTED = frozenset(
    {Status.ASSIGNED, Status.EN_ROUTE, Status.AT_SCENE, Status.TRANSPORTING, Status.AT_CUSTODY}
)
# Committed units that may be pulled off a less urgent incident for a Grade 1. A unit
# transporting or at custody has a person in its care and is never diverted.
DIVERTIBLE = frozenset({Status.ASSIGNED, Status.EN_ROUTE, Status.AT_SCENE})
# A unit in these statuses is free of any incident; moving here clears its assignment.
CLEAR = frozenset({Status.AVAILABLE, Status.REFRESHMENT, Status.UNAVAILABLE, Status.OFF_DUTY})


# The order buttons appear in: the job's next steps first, so the crew's most likely tap (en
# route, at scene) is the first button and clearing (available) never is while on a job.
CHOICE_ORDER = [
    Status.EN_ROUTE,
    Status.AT_SCENE,
    Status.TRANSPORTING,
    Status.AT_CUSTODY,
    Status.AVAILABLE,
    Status.REFRESHMENT,
    Status.UNAVAILABLE,
    Status.OFF_DUTY,
]


def choices_from(status: str) -> list[str]:
    """The statuses a crew or dispatcher may pick next, the job's next steps first."""
    allowed = NEXT[status] - SET_BY_ASSIGNMENT
    return [s for s in CHOICE_ORDER if s in allowed]


def move(resource: Resource, to: str, *, by: User | None, reason: str = "") -> StatusChange:
    """Set resource.status to `to`, stamp status_changed_at and record the change.

    The caller holds the row lock, saves the resource and owns the transaction.
    """
    if to not in NEXT[resource.status]:
        raise TransitionNotAllowed(resource.call_sign, resource.status, to)
    now = timezone.now()
    if resource.status_changed_at is not None and now <= resource.status_changed_at:
        # Nodes' clocks differ a little: the history stays in the order the moves were made.
        now = resource.status_changed_at + timedelta(microseconds=1)
    change = StatusChange.objects.create(
        resource=resource,
        old_status=resource.status,
        new_status=to,
        changed_at=now,
        changed_by=by,
        reason=reason,
    )
    resource.status = to
    resource.status_changed_at = now
    return change


def move_if_free_and_unchanged(
    resource: Resource, to: str, *, by: User | None, reason: str = ""
) -> StatusChange | None:
    """Optimistic move of a unit free of any incident (status in CLEAR): one UPDATE, which takes
    the row lock, applies only if the row still has the status the unit was read with and no
    active assignment, then the status history row. None, and nothing written, if the unit was
    moved or assigned meanwhile (or `to` is not a move from the status read): the caller then
    locks and re-reads it. With no assignment there is no incident to lock first.

    The caller owns the transaction; `resource` is updated in memory.
    """
    old = resource.status
    if old not in CLEAR or to not in NEXT[old]:
        return None
    now = timezone.now()
    active = Assignment.objects.filter(resource=OuterRef("pk"), cleared_at__isnull=True)
    # `now` is read before the UPDATE waits for the row lock. Had the unit moved away and back
    # to `old` meanwhile (A→B→A), the status check alone would pass and this change would be
    # recorded before a change it follows. Requiring the last move to be older than `now`
    # keeps each unit's history in the order the changes were made.
    not_moved_since = Q(status_changed_at__isnull=True) | Q(status_changed_at__lt=now)
    moved = Resource.objects.filter(
        not_moved_since, ~Exists(active), pk=resource.pk, status=old
    ).update(status=to, status_changed_at=now)
    if not moved:
        return None
    change = StatusChange.objects.create(
        resource=resource,
        old_status=old,
        new_status=to,
        changed_at=now,
        changed_by=by,
        reason=reason,
    )
    resource.status = to
    resource.status_changed_at = now
    return change
