"""Which status an incident may move to next, and the one function that moves it."""

from django.utils import timezone

from demandhub.accounts.models import User

from .errors import TransitionNotAllowed
from .models import Incident, StatusChange

Status = Incident.Status

NEXT: dict[str, frozenset[str]] = {
    # closed straight from open: a duplicate, a hoax, no police matter.
    Status.OPEN: frozenset({Status.GRADED, Status.REDIRECTED, Status.CLOSED}),
    Status.GRADED: frozenset(
        {Status.AWAITING_DEPLOYMENT, Status.WITH_RESOLUTION_TEAM, Status.REDIRECTED}
    ),
    Status.AWAITING_DEPLOYMENT: frozenset(
        {
            Status.RESOURCES_ASSIGNED,
            Status.WITH_RESOLUTION_TEAM,  # regraded to 4
            Status.REDIRECTED,
            Status.RESOLVED,
        }
    ),
    Status.RESOURCES_ASSIGNED: frozenset(
        {Status.AT_SCENE, Status.AWAITING_DEPLOYMENT, Status.RESOLVED}  # back: stood down
    ),
    Status.AT_SCENE: frozenset({Status.RESOLVED, Status.AWAITING_DEPLOYMENT}),
    Status.WITH_RESOLUTION_TEAM: frozenset(
        {Status.RESOLVED, Status.AWAITING_DEPLOYMENT, Status.REDIRECTED}  # escalated: regraded
    ),
    Status.REDIRECTED: frozenset({Status.CLOSED, Status.AWAITING_DEPLOYMENT}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.AWAITING_DEPLOYMENT}),  # reopened
    Status.CLOSED: frozenset(),
}

# Where the first grading may start, and where a later regrade may happen.
GRADEABLE = frozenset({Status.OPEN})
REGRADEABLE = frozenset(
    {
        Status.GRADED,
        Status.AWAITING_DEPLOYMENT,
        Status.RESOURCES_ASSIGNED,
        Status.AT_SCENE,
        Status.WITH_RESOLUTION_TEAM,
    }
)
REDIRECTABLE = frozenset(s for s, nxt in NEXT.items() if Status.REDIRECTED in nxt)
# An open incident still needing police attention: candidates for duplicates.
ACTIVE = frozenset(
    {
        Status.OPEN,
        Status.GRADED,
        Status.AWAITING_DEPLOYMENT,
        Status.RESOURCES_ASSIGNED,
        Status.AT_SCENE,
        Status.WITH_RESOLUTION_TEAM,
    }
)


def can_move(incident: Incident, to: str) -> bool:
    return to in NEXT[incident.status]


def move(incident: Incident, to: str, *, by: User | None, reason: str = "") -> StatusChange:
    """Set incident.status to `to` and record the change.

    The caller holds the row lock, saves the incident and owns the transaction.
    """
    if to not in NEXT[incident.status]:
        raise TransitionNotAllowed(incident.status, to)
    change = StatusChange.objects.create(
        incident=incident,
        old_status=incident.status,
        new_status=to,
        changed_by=by,
        changed_at=timezone.now(),
        reason=reason,
    )
    incident.status = to
    return change
