"""Which status a crime record may move to next, and the one function that moves it.

Issue 5 adds review, allocation, investigation and outcome statuses to this table.
"""

from django.utils import timezone

from demandhub.accounts.models import User

from .errors import TransitionNotAllowed
from .models import CrimeRecord, StatusChange

Status = CrimeRecord.Status

NEXT: dict[str, frozenset[str]] = {
    Status.AWAITING_REVIEW: frozenset(),
}


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
