"""Which status a crime record may move to next, and the one function that moves it."""

from django.utils import timezone

from demandhub.accounts.models import User

from .errors import TransitionNotAllowed
from .models import CrimeRecord, StatusChange

Status = CrimeRecord.Status

NEXT: dict[str, frozenset[str]] = {
    Status.AWAITING_REVIEW: frozenset(
        {Status.NOT_RECORDED, Status.FILED, Status.ALLOCATED, Status.CANCELLED}
    ),
    Status.NOT_RECORDED: frozenset(),
    Status.FILED: frozenset({Status.CANCELLED}),
    # An allocated crime may be reallocated to another area before a sergeant assigns it.
    Status.ALLOCATED: frozenset(
        {Status.ALLOCATED, Status.UNDER_INVESTIGATION, Status.CLOSED, Status.CANCELLED}
    ),
    # Reassignment to another officer keeps it under investigation.
    Status.UNDER_INVESTIGATION: frozenset(
        {Status.UNDER_INVESTIGATION, Status.CLOSED, Status.CANCELLED}
    ),
    Status.CLOSED: frozenset({Status.CANCELLED}),
    Status.CANCELLED: frozenset(),
}

# Open for the recording clock and the IMU queue.
AWAITING_DECISION = frozenset({Status.AWAITING_REVIEW})
# Being worked on by an area: actions, victim updates and an outcome may be recorded.
IN_INVESTIGATION = frozenset({Status.ALLOCATED, Status.UNDER_INVESTIGATION})
FINALISED = frozenset({Status.FILED, Status.CLOSED})
# States in which the crime is a recorded crime (NCRS) that could be cancelled.
RECORDED = frozenset({Status.FILED, Status.ALLOCATED, Status.UNDER_INVESTIGATION, Status.CLOSED})


def start(crime: CrimeRecord, *, by: User | None) -> StatusChange:
    """Record the first status of a newly created record (its trail starts here)."""
    return StatusChange.objects.create(
        crime=crime,
        old_status="",
        new_status=crime.status,
        changed_at=timezone.now(),
        changed_by=by,
    )


def move(crime: CrimeRecord, to: str, *, by: User | None, reason: str = "") -> StatusChange:
    """Set crime.status to `to` and record the change.

    The caller holds the row lock, saves the record and owns the transaction.
    """
    if to not in NEXT[crime.status]:
        raise TransitionNotAllowed(crime.status, to)
    change = StatusChange.objects.create(
        crime=crime,
        old_status=crime.status,
        new_status=to,
        changed_at=timezone.now(),
        changed_by=by,
        reason=reason,
    )
    crime.status = to
    return change
