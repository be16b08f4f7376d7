"""Is a new incident likely the same event as an open one? Pure rules, no database access.

Close in space and time, of a compatible classification (the same NSIR family, or either side not
yet classified), and the existing one still active. The thresholds are policy; the benchmark
(bench/incidents_duplicates.py, docs/benchmarks.md) measures what they give.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from .locations import distance_m


@dataclass(frozen=True)
class Thresholds:
    radius_m: float = 300.0
    window: timedelta = timedelta(minutes=60)


DEFAULT = Thresholds()


@dataclass(frozen=True)
class Sighting:
    """What duplicate detection needs to know about an incident, new or existing."""

    latitude: float
    longitude: float
    at: datetime
    family: str  # classification family; "" when not yet classified
    active: bool = True


def duplicate_reason(new: Sighting, existing: Sighting, t: Thresholds = DEFAULT) -> str | None:
    """Why `existing` is likely the same event as `new`, or None when it is not."""
    if not existing.active:
        return None
    gap = abs(new.at - existing.at)
    if gap > t.window:
        return None
    metres = distance_m(new.latitude, new.longitude, existing.latitude, existing.longitude)
    if metres > t.radius_m:
        return None
    if new.family and existing.family and new.family != existing.family:
        return None
    kind = "same kind of incident" if new.family and existing.family else "not yet classified"
    return f"{metres:.0f} m away, {int(gap.total_seconds() // 60)} min apart, {kind}"
