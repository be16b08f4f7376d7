"""Which status a contact may move to next, and the one function that moves it."""

from django.utils import timezone

from demandhub.accounts.models import User
from demandhub.core.inserts import insert

from .errors import TransitionNotAllowed
from .models import Contact, StatusChange

Status = Contact.Status

NEXT: dict[str, frozenset[str]] = {
    # taken by staff (or answered on the phone system); or the caller gives up
    Status.QUEUED: frozenset({Status.IN_PROGRESS, Status.ABANDONED}),
    # outcome recorded; or handed back to the queue by the handler who took it
    Status.IN_PROGRESS: frozenset({Status.COMPLETED, Status.QUEUED}),
    Status.COMPLETED: frozenset(),
    # a late 'answered' telephony event proves the call was answered after all
    Status.ABANDONED: frozenset({Status.IN_PROGRESS}),
}

OPEN = frozenset({Status.QUEUED, Status.IN_PROGRESS})


def start(contact: Contact, *, by: User | None, reason: str = "") -> StatusChange:
    """Record the first status of a newly created contact (its trail starts here)."""
    return insert(
        StatusChange(
            contact=contact,
            old_status="",
            new_status=contact.status,
            changed_at=timezone.now(),
            changed_by=by,
            reason=reason,
        )
    )


def move(contact: Contact, to: str, *, by: User | None, reason: str = "") -> StatusChange:
    """Set contact.status to `to` and record the change.

    The caller holds the row lock, saves the contact and owns the transaction.
    """
    if to not in NEXT[contact.status]:
        raise TransitionNotAllowed(contact.status, to)
    change = insert(
        StatusChange(
            contact=contact,
            old_status=contact.status,
            new_status=to,
            changed_at=timezone.now(),
            changed_by=by,
            reason=reason,
        )
    )
    contact.status = to
    return change
