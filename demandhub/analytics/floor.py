"""The supervisor's floor view: who is doing what and for how long, the queues, incidents near
or past their deadline, and wellbeing prompts. Reads only (queries.floor_* and other apps'
queries); the wellbeing rule is pure."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

# A run of difficult contacts since the last break that earns a wellbeing prompt.
WELLBEING_RUN = 3
# How far back the floor view looks for a handler's contacts and breaks (a long shift).
WELLBEING_WINDOW = timedelta(hours=12)
# A contact is difficult when its incident is Grade 1 or carries one of these NSIR qualifiers.
DIFFICULT_QUALIFIERS = frozenset(
    {"domestic", "hate", "mental_health", "self_harm", "suicide", "child_abuse", "sexual_offence"}
)
# Time in one state that the view highlights (a long wrap-up or break, a very long contact).
LONG_IN_STATE = {
    "wrap_up": timedelta(minutes=5),
    "break": timedelta(minutes=30),
    "on_contact": timedelta(minutes=20),
}


@dataclass(frozen=True)
class HandledContact:
    user_pk: int
    answered_at: datetime
    grade: int | None
    qualifiers: Sequence[str]

    @property
    def difficult(self) -> bool:
        return self.grade == 1 or bool(DIFFICULT_QUALIFIERS.intersection(self.qualifiers or ()))


@dataclass(frozen=True)
class Run:
    """A handler's contacts since their last break (or since the window opened)."""

    contacts: int
    difficult: int
    since_break: datetime | None  # None: no break in the window

    @property
    def needs_prompt(self) -> bool:
        return self.difficult >= WELLBEING_RUN


def runs_since_break(
    contacts: Iterable[HandledContact], last_breaks: dict[int, datetime]
) -> dict[int, Run]:
    """Per handler: contacts answered after their last break, and how many were difficult."""
    counts: dict[int, list[int]] = {}
    for c in contacts:
        last = last_breaks.get(c.user_pk)
        if last is not None and c.answered_at <= last:
            continue
        n = counts.setdefault(c.user_pk, [0, 0])
        n[0] += 1
        n[1] += c.difficult
    users = set(counts) | set(last_breaks)
    return {
        u: Run(
            contacts=counts.get(u, [0, 0])[0],
            difficult=counts.get(u, [0, 0])[1],
            since_break=last_breaks.get(u),
        )
        for u in users
    }


def is_long(state: str, time_in_state: timedelta) -> bool:
    limit = LONG_IN_STATE.get(state)
    return limit is not None and time_in_state >= limit


def format_duration(delta: timedelta) -> str:
    """ "45 s", "12 min", "2 h 05 min"."""
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"
