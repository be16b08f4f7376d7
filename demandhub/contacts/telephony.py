"""Call events from the telephony system: their format, and what a set of them says about a
call. No database access here.

Events may arrive twice or out of order, so a call's facts are worked out from the whole set
of events received for it, never from the latest one alone: the same set gives the same
answer whatever the order it arrived in.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime

from .models import Contact

EVENTS = ("offered", "answered", "transferred", "abandoned", "ended")
LINES: dict[str, str] = {
    "999": Contact.Channel.EMERGENCY_CALL,
    "101": Contact.Channel.NON_EMERGENCY_CALL,
}
MAX_PAYLOAD = 16_000


class InvalidEvent(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class CallEvent:
    call_id: str
    line: str
    event: str
    occurred_at: datetime
    cli: str = ""
    address: str = ""
    agent: str = ""

    @property
    def dedupe_key(self) -> str:
        return f"{self.line}|{self.call_id}|{self.event}|{self.occurred_at.isoformat()}"


def _text(payload: dict[str, Any], name: str, errors: list[str], *, limit: int) -> str:
    value = payload.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.append(f"{name}: must be a string")
        return ""
    if len(value) > limit:
        errors.append(f"{name}: longer than {limit} characters")
        return ""
    return value.strip()


def parse_event(raw: bytes) -> CallEvent:
    """The event in `raw` (a JSON object), or InvalidEvent listing every problem found."""
    if len(raw) > MAX_PAYLOAD:
        raise InvalidEvent([f"payload larger than {MAX_PAYLOAD} bytes"])
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as e:
        raise InvalidEvent([f"body is not JSON: {e}"]) from None
    if not isinstance(payload, dict):
        raise InvalidEvent(["body must be a JSON object"])
    errors: list[str] = []
    call_id = _text(payload, "call_id", errors, limit=128)
    if not call_id and not any(e.startswith("call_id") for e in errors):
        errors.append("call_id: required")
    event = payload.get("event")
    if event not in EVENTS:
        errors.append(f"event: must be one of {', '.join(EVENTS)}")
    line = payload.get("line")
    if isinstance(line, int):
        line = str(line)
    if line not in LINES:
        errors.append("line: must be 999 or 101")
    occurred_at = None
    raw_time = payload.get("occurred_at")
    if not isinstance(raw_time, str):
        errors.append("occurred_at: required, an ISO 8601 time with a UTC offset")
    else:
        try:
            occurred_at = parse_datetime(raw_time)
        except ValueError:
            occurred_at = None
        if occurred_at is None:
            errors.append("occurred_at: not an ISO 8601 time")
        elif occurred_at.tzinfo is None:
            errors.append("occurred_at: needs a UTC offset (e.g. Z or +01:00)")
    cli = _text(payload, "cli", errors, limit=64)
    address = _text(payload, "address", errors, limit=500)
    agent = _text(payload, "agent", errors, limit=150)
    if event == "transferred" and line != "101" and line in LINES:
        errors.append("event: only 101 calls can be transferred (to 999)")
    if errors:
        raise InvalidEvent(errors)
    assert occurred_at is not None
    return CallEvent(
        call_id=call_id,
        line=str(line),
        event=str(event),
        occurred_at=occurred_at,
        cli=cli,
        address=address,
        agent=agent,
    )


@dataclass(frozen=True)
class CallFacts:
    offered_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    abandoned_at: datetime | None
    transferred_at: datetime | None


def derive(events: Iterable[tuple[str, datetime]]) -> CallFacts:
    """The call's facts from every (event, time) received for it, in any order.

    * offered: the earliest 'offered', else the earliest event of any kind
    * answered: the earliest 'answered'
    * ended: the latest 'ended'
    * abandoned: the caller rang off before any answer or transfer
    """
    by_kind: dict[str, list[datetime]] = {kind: [] for kind in EVENTS}
    for kind, at in events:
        by_kind[kind].append(at)
    every = [at for times in by_kind.values() for at in times]
    if not every:
        raise ValueError("a call needs at least one event")
    answered = min(by_kind["answered"], default=None)
    transferred = min(by_kind["transferred"], default=None)
    ended = max(by_kind["ended"], default=None)
    abandoned = None
    if answered is None and transferred is None:
        abandoned = min(by_kind["abandoned"] + by_kind["ended"], default=None)
    return CallFacts(
        offered_at=min(by_kind["offered"], default=None) or min(every),
        answered_at=answered,
        ended_at=ended or (abandoned if abandoned else None),
        abandoned_at=abandoned,
        transferred_at=transferred,
    )
