"""Policy for the history and warnings panels: how far and how far back to look, and when a
victim or a location counts as a repeat. Settings INCIDENT_HISTORY overrides any key."""

from dataclasses import dataclass, replace
from datetime import timedelta

from django.conf import settings


@dataclass(frozen=True)
class HistoryPolicy:
    radius_m: float = 200.0  # earlier incidents shown within this distance
    lookback: timedelta = timedelta(days=365)
    repeat_location_radius_m: float = 50.0
    repeat_location_threshold: int = (
        3  # this many earlier incidents at the place: a repeat location
    )
    repeat_victim_threshold: int = 1  # a victim in this many earlier incidents: a repeat victim


def policy() -> HistoryPolicy:
    overrides = dict(getattr(settings, "INCIDENT_HISTORY", None) or {})
    if "lookback_days" in overrides:
        overrides["lookback"] = timedelta(days=overrides.pop("lookback_days"))
    return replace(HistoryPolicy(), **overrides)
