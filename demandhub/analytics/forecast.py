"""Demand forecast: mean arrivals per channel for each hour of the week, from the contacts
recorded over a look-back window. Pure: takes (channel, offered_at) pairs."""

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta, tzinfo

from .simulation import HOURS_PER_WEEK

# The channels the simulation models, by their Contact.Channel values.
MODELLED_CHANNELS: tuple[str, ...] = ("999", "101", "web_chat", "online_report")


def hour_of_week(moment: datetime, zone: tzinfo) -> int:
    """0 for Monday 00:00-01:00 local time, 167 for Sunday 23:00-24:00."""
    local = moment.astimezone(zone)
    return local.weekday() * 24 + local.hour


def hours_in_window(start: datetime, end: datetime, zone: tzinfo) -> list[int]:
    """How many times each hour of the week occurs in [start, end), by local clock hour.

    Whole hours are counted in UTC steps, so a daylight-saving change gives one local hour
    twice or not at all, as the clock did."""
    counts = [0] * HOURS_PER_WEEK
    moment = start.astimezone(UTC)  # aware arithmetic in a local zone would step wall time
    step = timedelta(hours=1)
    while moment + step <= end:
        counts[hour_of_week(moment, zone)] += 1
        moment += step
    return counts


def average_arrivals(
    offers: Iterable[tuple[str, datetime]],
    *,
    start: datetime,
    end: datetime,
    zone: tzinfo,
    channels: Sequence[str] = MODELLED_CHANNELS,
) -> dict[str, list[float]]:
    """Mean arrivals per hour for each channel and hour of the week over [start, end).

    Contacts on other channels, or offered outside the window, are left out. A channel with
    no contacts gets zero rates, so an empty history gives a valid (empty) demand."""
    occurrences = hours_in_window(start, end, zone)
    totals = {c: [0] * HOURS_PER_WEEK for c in channels}
    for channel, offered_at in offers:
        if channel in totals and start <= offered_at < end:
            totals[channel][hour_of_week(offered_at, zone)] += 1
    return {
        c: [n / occurrences[h] if occurrences[h] else 0.0 for h, n in enumerate(counts)]
        for c, counts in totals.items()
    }
