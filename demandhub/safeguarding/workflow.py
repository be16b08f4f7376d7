"""Which status a referral may move to next, and the one function that moves it."""

from django.utils import timezone

from demandhub.accounts.models import User
from demandhub.core.errors import DomainError

from .models import Referral, ReferralUpdate

Status = Referral.Status

NEXT: dict[str, frozenset[str]] = {
    Status.REFERRED: frozenset({Status.ACKNOWLEDGED, Status.ACCEPTED, Status.DECLINED}),
    Status.ACKNOWLEDGED: frozenset({Status.ACCEPTED, Status.DECLINED}),
    Status.ACCEPTED: frozenset({Status.CLOSED}),
    Status.DECLINED: frozenset(),
    Status.CLOSED: frozenset(),
}


class ReferralTransitionNotAllowed(DomainError):
    code = "referral_transition_not_allowed"


def move(referral: Referral, to: str, *, by: User | None, notes: str = "") -> ReferralUpdate:
    """The caller holds the row lock, saves the referral and owns the transaction."""
    if to not in NEXT[referral.status]:
        raise ReferralTransitionNotAllowed(
            f"A referral cannot move from {referral.status} to {to}."
        )
    update = ReferralUpdate.objects.create(
        referral=referral,
        old_status=referral.status,
        new_status=to,
        changed_at=timezone.now(),
        changed_by=by,
        notes=notes,
    )
    referral.status = to
    return update
