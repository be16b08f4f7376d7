"""The audit trail. Other apps call `record()` from their actions, inside their transaction."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db import models

    from demandhub.accounts.models import User

    from .models import Action, Event


def record(
    action: "Action | str",
    *,
    actor: "User | None",
    subject: "models.Model | None" = None,
    subject_type: str = "",
    subject_id: str = "",
    **data: Any,
) -> "Event":
    """Append an audit entry in the caller's transaction (see audit.actions.record)."""
    from .actions import record as _record

    return _record(
        action,
        actor=actor,
        subject=subject,
        subject_type=subject_type,
        subject_id=subject_id,
        data=data,
    )
