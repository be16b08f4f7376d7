"""How an audit entry's hash is computed, and how the chain is checked. No writes here."""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from .models import GENESIS_HASH, Event


def normalise(data: dict[str, Any]) -> dict[str, Any]:
    """`data` as it will read back from the database (dates as strings, tuples as lists)."""
    result: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return result


def content_of(event: Event) -> dict[str, Any]:
    occurred_at: datetime = event.occurred_at
    return {
        "occurred_at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "data": event.data,
        "ip_address": event.ip_address,
        "request_id": event.request_id,
    }


def hash_of(event: Event) -> str:
    canonical = json.dumps(
        {"prev": event.prev_hash, "content": content_of(event)},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        cls=DjangoJSONEncoder,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Verdict:
    checked: int
    head: str
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify(events: Iterable[Event]) -> Verdict:
    """Walk the chain in id order; the first entry whose link or hash is wrong breaks it."""
    expected_prev = GENESIS_HASH
    checked = 0
    for event in events:
        if event.prev_hash != expected_prev:
            return Verdict(
                checked,
                expected_prev,
                event.pk,
                "its previous-hash does not match the entry before it "
                "(an entry was deleted, inserted or reordered)",
            )
        if hash_of(event) != event.hash:
            return Verdict(checked, expected_prev, event.pk, "its content does not match its hash")
        expected_prev = event.hash
        checked += 1
    return Verdict(checked, expected_prev)
