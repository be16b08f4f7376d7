"""Appending to the audit trail: the only code that writes audit.Event."""

from typing import TYPE_CHECKING, Any

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone

from demandhub.core import context, realtime

from . import chain
from .models import GENESIS_HASH, Action, Event

if TYPE_CHECKING:
    from demandhub.accounts.models import User

# Any constant will do; it names the PostgreSQL advisory lock that serialises appends.
_CHAIN_LOCK_KEY = 0x44484155  # "DHAU"


def _lock_and_read_chain_head(event_model: Any = Event, using: str = DEFAULT_DB_ALIAS) -> str:
    """The chain head's hash, held until this transaction ends so concurrent appends never
    fork the chain. One statement either way.

    PostgreSQL: audit_chain_head() (migration 0002) takes a transaction-scoped advisory lock,
    then reads the head with a snapshot taken after the lock. SQLite: IMMEDIATE transactions
    already hold the database's single write lock from BEGIN, so the read is enough.
    """
    db = connections[using]
    if db.vendor == "postgresql":
        with db.cursor() as cursor:
            cursor.execute("SELECT audit_chain_head(%s)", [_CHAIN_LOCK_KEY])
            head = cursor.fetchone()[0]
    else:
        head = (
            event_model._default_manager.using(using)
            .order_by("-id")
            .values_list("hash", flat=True)
            .first()
        )
    return head or GENESIS_HASH


def append(
    *,
    action: str,
    actor_id: int | None,
    subject_type: str,
    subject_id: str,
    data: dict[str, Any] | None = None,
    ip_address: str | None = None,
    request_id: str = "",
    event_model: Any = Event,
    using: str = DEFAULT_DB_ALIAS,
) -> Any:
    """Append one entry to the chain and return it: the hash-chaining part of record(), with
    no request context and no announcement, usable from data migrations with the historical
    Event model (`apps.get_model("audit", "Event")`) and the migration's database (`using`).
    Call it inside the transaction that makes the change it describes."""
    if not subject_type:
        raise ValueError("an audit entry needs a subject")
    with transaction.atomic(using=using, savepoint=False):
        prev_hash = _lock_and_read_chain_head(event_model, using)
        event = event_model(
            occurred_at=timezone.now(),
            actor_id=actor_id,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            data=chain.normalise(data or {}),
            ip_address=ip_address,
            request_id=request_id,
            prev_hash=prev_hash,
        )
        event.hash = chain.hash_of(event)
        event.save(force_insert=True, using=using)
    return event


def record(
    action: Action | str,
    *,
    actor: "User | None",
    subject: models.Model | None = None,
    subject_type: str = "",
    subject_id: str = "",
    data: dict[str, Any] | None = None,
) -> Event:
    """Append one entry. Call it inside the transaction that makes the change it describes,
    so a rolled-back change leaves no entry; alone, it opens its own transaction."""
    action = Action(action)  # refuses anything not in the catalogue
    if subject is not None:
        subject_type = subject._meta.label_lower
        subject_id = str(subject.pk)
    if not subject_type:
        raise ValueError("an audit entry needs a subject")
    request = context.current()
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    # No savepoint inside the caller's transaction: an entry that cannot be written fails the
    # change it describes anyway, and a savepoint would cost two statements per action.
    with transaction.atomic(savepoint=False):
        event: Event = append(
            action=action.value,
            actor_id=actor_id,
            subject_type=subject_type,
            subject_id=subject_id,
            data=data,
            ip_address=request.ip_address,
            request_id=request.request_id,
        )
        realtime.announce("audit", "event.recorded", event.pk)
    return event
