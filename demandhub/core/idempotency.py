"""Retry-safe intake: the same request twice does the work once and gives the first answer twice.

A client that did not hear the answer (a dropped connection, a server killed mid-request, a
timeout) sends the request again with the same `Idempotency-Key` header (public HTML forms
carry it as the hidden `idempotency_key` field, see templatetags/idempotency.py). The key is
written once, by one INSERT carrying the answer at the end of the transaction that did the work,
under a unique constraint, so:

* the first request to commit wins; a racing twin does the work too, but its INSERT of the key
  waits on the unique index (PostgreSQL) or finds the winner's row (SQLite, whose IMMEDIATE
  transactions run one at a time), fails, rolls the twin's work back, and the twin replays the
  stored answer: status, body, type. A retry of an answered key is such a twin, arriving late;
* a request that fails (an exception, or any 5xx) stores nothing, so a retry does the work;
  a failure of a request whose key was answered already replays that answer;
* the same key with a different body is refused with 422: it is a client bug, not a retry.

Keys are scoped to who asked (the bearer token, else the signed-in member of staff, else the
public) and to the method and path. `demandhub idempotency prune` forgets old keys.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DatabaseError, IntegrityError, transaction

from .inserts import insert
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
FORM_FIELD = "idempotency_key"
MAX_KEY = 255
REPLAYED_HEADER = "Idempotent-Replayed"


class KeyReused(Exception):
    """The key was used before for a different request."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str = "application/json"
    location: str = ""
    replayed: bool = False


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def _stored(row: IdempotencyKey, fingerprint: str) -> Answer:
    if row.fingerprint != fingerprint:
        raise KeyReused(row.key)
    assert row.status is not None  # rows become visible only once committed with their answer
    return Answer(
        status=row.status,
        body=bytes(row.body),
        content_type=row.content_type,
        location=row.location,
        replayed=True,
    )


def once(
    *,
    scope: str,
    key: str,
    fingerprint: str,
    method: str,
    path: str,
    produce: Callable[[], Answer],
) -> Answer:
    """`produce()`'s answer, run at most once per (scope, key) whatever the concurrency.

    produce() runs inside the transaction that then stores the key with its answer (one
    INSERT); an exception from it, or a 5xx answer, rolls everything back. A twin that loses
    the key's INSERT rolls its own work back and replays the winner's answer. KeyReused when
    the key came with another fingerprint.
    """
    try:
        with transaction.atomic():
            answer = produce()
            if answer.status >= 500:
                transaction.set_rollback(True)
            else:
                insert(
                    IdempotencyKey(
                        scope=scope,
                        key=key,
                        fingerprint=fingerprint,
                        method=method,
                        path=path[:500],
                        status=answer.status,
                        body=answer.body,
                        content_type=answer.content_type[:200],
                        location=answer.location[:2000],
                    )
                )
                return answer
    except IntegrityError:
        # Either our key lost to a committed twin (replay it), or produce() broke some other
        # constraint, as a twin's work may (no row with this key: let the error through).
        row = IdempotencyKey.objects.filter(scope=scope, key=key).first()
        if row is None:
            raise
        return _stored(row, fingerprint)
    except Exception:
        # A retry of an answered key whose work now fails: the first answer stands.
        if (row := _answered(scope, key)) is None:
            raise
        return _stored(row, fingerprint)
    row = _answered(scope, key)  # a 5xx, rolled back
    return answer if row is None else _stored(row, fingerprint)


def _answered(scope: str, key: str) -> IdempotencyKey | None:
    """The key's committed row, looked up only after a failure; None if there is none or the
    database cannot say (the failure stands)."""
    try:
        return IdempotencyKey.objects.filter(scope=scope, key=key).first()
    except DatabaseError:
        return None
