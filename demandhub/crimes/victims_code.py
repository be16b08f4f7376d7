"""Victims' Code deadlines (England and Wales, 2021): working days and when the victim must be
told. No database access here (../shared/DOMAIN.md section 8).

Working days skip Saturdays, Sundays and the bank holidays of England and Wales, from the
`holidays` package (England's and Wales's bank holidays are the same).
"""

from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")

# Tell the victim of a key decision (arrest, charge, bail, a decision not to investigate...)
# within 1 working day when entitled to enhanced services, otherwise within 5.
KEY_DECISION_WORKING_DAYS = {True: 1, False: 5}

# Regular updates follow a frequency agreed with the victim; many forces default to monthly.
DEFAULT_UPDATE_EVERY_DAYS = 28
UPDATE_FREQUENCIES: list[tuple[int, str]] = [
    (7, "Weekly"),
    (14, "Every two weeks"),
    (28, "Every four weeks"),
]


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(day: date, n: int) -> date:
    """The nth working day after `day` (n >= 1)."""
    while n > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def key_decision_deadline(decided_at: datetime, *, enhanced: bool) -> datetime:
    """When the victim must have been told of a key decision made at `decided_at`: the end
    (23:59:59 London time) of the 1st or 5th working day after the decision's day."""
    local_day = decided_at.astimezone(LONDON).date()
    due = add_working_days(local_day, KEY_DECISION_WORKING_DAYS[enhanced])
    return datetime.combine(due, time(23, 59, 59), tzinfo=LONDON)


def told_on_deadline_day(told_on: date, due: datetime) -> bool:
    """Whether a victim told on `told_on`, a day with no time (the date an officer gives when
    closing a crime), was told of a key decision due at `due` in time: by the end of the
    deadline's day in London."""
    return told_on <= due.astimezone(LONDON).date()


def subtract_working_days(day: date, n: int) -> date:
    """The nth working day before `day` (n >= 1)."""
    while n > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def rescale_key_decision_deadline(due: datetime, *, enhanced: bool) -> datetime:
    """A pending key-decision deadline set by key_decision_deadline() under the other
    entitlement, recomputed for `enhanced` (earlier when it becomes enhanced, later when it
    stops being). The deadline depends only on the working days after the decision's day, so
    the last working day on or before that day (the one a deadline `n` working days later
    names) stands for the decision exactly, and no decision time need be stored."""
    n = KEY_DECISION_WORKING_DAYS[not enhanced]
    decided_on = subtract_working_days(due.astimezone(LONDON).date(), n)
    return key_decision_deadline(
        datetime.combine(decided_on, time(12), tzinfo=LONDON), enhanced=enhanced
    )


def next_update_due(last_update_at: datetime, *, every_days: int) -> datetime:
    """When the next regular update is due, at the agreed frequency."""
    return last_update_at + timedelta(days=every_days)


def enhanced_entitlement(
    *, offence_enhanced: bool, vulnerable: bool, intimidated: bool, persistently_targeted: bool
) -> bool:
    """Victims of the most serious crime, persistently targeted, vulnerable or intimidated."""
    return offence_enhanced or vulnerable or intimidated or persistently_targeted
