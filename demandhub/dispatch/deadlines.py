"""How close an incident is to its attendance deadline: the countdown's colour and the alerts.

Pure: the caller passes the clock. Force policy (illustrative): warn when a fifth of the target
or five minutes remain, whichever is longer, so a Grade 1 (15 min) warns at 5 minutes and a
Grade 2 (60 min) at 12.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

WARN_AT_LEAST = timedelta(minutes=5)
WARN_FRACTION = 0.2

ON_TIME, DUE_SOON, BREACHED = "on_time", "due_soon", "breached"


def warning_window(target: timedelta | None) -> timedelta:
    if target is None:
        return WARN_AT_LEAST
    return max(WARN_AT_LEAST, target * WARN_FRACTION)


def level(
    deadline: datetime | None, *, now: datetime, target: timedelta | None = None
) -> str | None:
    """on_time, due_soon or breached; None when there is no deadline (Grade 4, ungraded)."""
    if deadline is None:
        return None
    if now > deadline:
        return BREACHED
    if deadline - now <= warning_window(target):
        return DUE_SOON
    return ON_TIME


@dataclass(frozen=True)
class Countdown:
    seconds_left: int  # negative once breached
    level: str

    @property
    def text(self) -> str:
        sign = "-" if self.seconds_left < 0 else ""
        minutes, seconds = divmod(abs(self.seconds_left), 60)
        hours, minutes = divmod(minutes, 60)
        if hours:
            return f"{sign}{hours}:{minutes:02d}:{seconds:02d}"
        return f"{sign}{minutes:02d}:{seconds:02d}"


def countdown(
    deadline: datetime | None, *, now: datetime, target: timedelta | None = None
) -> Countdown | None:
    lvl = level(deadline, now=now, target=target)
    if deadline is None or lvl is None:
        return None
    return Countdown(int((deadline - now).total_seconds()), lvl)
