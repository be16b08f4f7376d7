"""A member of staff's state on the floor (available, on a contact, wrap-up, break, off).

Staff choose available, break or off themselves; taking a contact puts them on it and recording
its outcome puts them in wrap-up, inside those actions' transactions.
"""

from django.db import transaction
from django.utils import timezone

from demandhub import audit
from demandhub.accounts.models import User
from demandhub.audit.models import Action
from demandhub.core import realtime

from ..errors import StateNotChosen
from ..models import Contact, StaffState, StaffStateChange

State = StaffState.State
# The states a member of staff may choose; on_contact and wrap_up follow their contacts.
CHOSEN = frozenset({State.AVAILABLE, State.BREAK, State.OFF})


def move_staff(
    user: User, to: str, *, contact: Contact | None = None, by: User | None = None
) -> StaffState:
    """Move `user` to state `to` (the caller owns the transaction); unchanged if already there
    on the same contact. `by` is who caused it when not the member of staff (the telephony
    system)."""
    now = timezone.now()
    row, _ = StaffState.objects.select_for_update().get_or_create(
        user=user, defaults={"since": now}
    )
    if row.state == to and row.contact_id == (contact.pk if contact else None):
        return row
    StaffStateChange.objects.create(
        user=user, old_state=row.state, new_state=to, changed_at=now, contact=contact
    )
    old = row.state
    row.state, row.since, row.contact = to, now, contact
    row.save(update_fields=["state", "since", "contact"])
    audit.record(
        Action.STAFF_STATE_CHANGED,
        actor=by or user,
        subject=user,
        old_state=old,
        new_state=to,
        contact=contact.pk if contact else None,
    )
    realtime.announce("floor", "staff.state", user.pk)
    return row


@transaction.atomic
def set_staff_state(user: User, *, state: str) -> StaffState:
    """The member of staff goes available, on a break or off the floor. Going available or on
    a break while holding a contact is allowed (wrap-up, a colleague takes over); the contact
    stays theirs."""
    if state not in CHOSEN:
        raise StateNotChosen(state)
    return move_staff(user, state)
