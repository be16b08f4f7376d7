"""Appending to the audit trail: the only code that writes audit.Event."""

from typing import TYPE_CHECKING, Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.utils import timezone

from demandhub.core import context, realtime
from demandhub.core.inserts import insert

from . import chain
from .models import GENESIS_HASH, Action, Event

if TYPE_CHECKING:
    from demandhub.accounts.models import User

# Any constant will do; it names the PostgreSQL advisory lock that serialises appends.
_CHAIN_LOCK_KEY = 0x44484155  # "DHAU"


class _Head:
    """The hash of the entry this transaction appended last: the next entry's prev_hash, with
    no second read, while that entry is certainly still part of the transaction, which is
    while its on-commit callback still waits (Django drops the callbacks of a savepoint rolled
    back, and all of them when the transaction ends; on PostgreSQL the lock taken with it may
    be gone with the savepoint) and every atomic block it was appended in is still open (an
    action's entries share a head; an entry of an action already finished, whose savepoint
    was released, is read again, as a request of its own would be)."""

    def __init__(self, hash_: str) -> None:
        self.hash = hash_
        self.savepoints = _savepoints()
        self.callback = self.forget  # one object, to find it among the on-commit callbacks

    def forget(self) -> None:
        if getattr(connection, "_audit_head", None) is self:
            del connection._audit_head

    def current(self) -> bool:
        if _savepoints()[: len(self.savepoints)] != self.savepoints:
            return False
        # From the end: the latest entry's callback is usually among the last few.
        return any(e[1] is self.callback for e in reversed(connection.run_on_commit))


def _savepoints() -> tuple[str, ...]:
    """The savepoints open now, outermost first. Blocks without one (atomic(savepoint=False),
    as record() itself) are left out: what they write is rolled back only with the block
    around them."""
    return tuple(sid for sid in connection.savepoint_ids if sid is not None)


def _lock_and_read_chain_head(event_model: Any = Event, using: str = DEFAULT_DB_ALIAS) -> str:
    """The chain head's hash, held until this transaction ends so concurrent appends never
    fork the chain. One statement either way, and none for a second entry in the transaction
    (_Head): the first already holds the chain.

    PostgreSQL: audit_chain_head() (migration 0002) takes a transaction-scoped advisory lock,
    then reads the head with a snapshot taken after the lock. SQLite: IMMEDIATE transactions
    already hold the database's single write lock from BEGIN, so the read is enough.
    """
    # The head is kept on the default connection only (record() and migrations on it).
    held: _Head | None = getattr(connection, "_audit_head", None)
    if using == DEFAULT_DB_ALIAS and held is not None and held.current():
        return held.hash
    db = connections[using]
    if db.vendor == "postgresql":
        with db.cursor() as cursor:
            cursor.execute("SELECT audit_chain_head(%s)", [_CHAIN_LOCK_KEY])
            head = cursor.fetchone()[0]
    else:
        # Read on every request that audits: plain SQL costs a fifth of building the query.
        with db.cursor() as cursor:
            cursor.execute(
                # The table's name is the model's.
                f"SELECT hash FROM {db.ops.quote_name(event_model._meta.db_table)} "  # noqa: S608
                "ORDER BY id DESC LIMIT 1"
            )
            row = cursor.fetchone()
        head = row[0] if row else None
    return head or GENESIS_HASH


def _appended(event: Event) -> None:
    """`event` is the chain's head for the rest of this transaction (_Head)."""
    head = _Head(event.hash)
    connection._audit_head = head
    transaction.on_commit(head.callback)


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
        insert(event, using=using)
        if using == DEFAULT_DB_ALIAS:
            _appended(event)  # so the next entry in this transaction chains to this one
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
