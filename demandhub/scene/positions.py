"""Which of the caller's phone positions to keep and which to set on the incident. No database.

Phones report positions every second or so while they move; keeping each would bury the incident
in near-identical points. A position is kept when it moved, sharpened or is the first for a
while, and set as the incident's location when it differs from the one set last.
"""

from dataclasses import dataclass
from datetime import datetime

from demandhub.incidents.locations import distance_m

MIN_INTERVAL_S = 2.0  # never keep two positions closer in time than this
KEEP_AFTER_S = 30.0  # keep one at least this often while the phone reports
MOVED_M = 10.0
APPLY_MOVED_M = 25.0
SHARPER = 0.5  # an accuracy radius this fraction of the last counts as a better fix


@dataclass(frozen=True)
class Fix:
    latitude: float
    longitude: float
    accuracy_m: float
    at: datetime


def _moved(a: Fix, b: Fix) -> float:
    return distance_m(a.latitude, a.longitude, b.latitude, b.longitude)


def worth_keeping(previous: Fix | None, new: Fix) -> bool:
    if previous is None:
        return True
    elapsed = (new.at - previous.at).total_seconds()
    if elapsed < MIN_INTERVAL_S:
        return False
    return (
        elapsed >= KEEP_AFTER_S
        or _moved(previous, new) >= MOVED_M
        or new.accuracy_m <= previous.accuracy_m * SHARPER
    )


def worth_applying(last_applied: Fix | None, new: Fix) -> bool:
    if last_applied is None:
        return True
    return (
        _moved(last_applied, new) > max(APPLY_MOVED_M, new.accuracy_m)
        or new.accuracy_m <= last_applied.accuracy_m * SHARPER
    )
