"""How the resource board groups units: pure presentation rules, no database."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .models import Resource
from .positions import is_stale
from .workflow import COMMITTED, Status

# The board's columns, left to right, and the statuses each holds.
COLUMNS: list[tuple[str, str, frozenset[str]]] = [
    ("available", "Available", frozenset({Status.AVAILABLE})),
    ("committed", "Committed", COMMITTED),
    (
        "not_available",
        "Refreshment and unavailable",
        frozenset({Status.REFRESHMENT, Status.UNAVAILABLE}),
    ),
    ("off_duty", "Off duty", frozenset({Status.OFF_DUTY})),
]


@dataclass
class Column:
    key: str
    title: str
    units: list[Resource] = field(default_factory=list)


def columns(units: list[Resource], *, now: datetime, max_age: timedelta) -> list[Column]:
    """The units in board columns; each unit gets .stale and .position_age_minutes set."""
    out = [Column(key, title) for key, title, _ in COLUMNS]
    where = {status: out[i] for i, (_, _, statuses) in enumerate(COLUMNS) for status in statuses}
    for unit in units:
        unit.stale = is_stale(unit.position_at, now=now, max_age=max_age)  # type: ignore[attr-defined]
        unit.position_age_minutes = (  # type: ignore[attr-defined]
            int((now - unit.position_at).total_seconds() // 60) if unit.position_at else None
        )
        where[unit.status].units.append(unit)
    return out


def map_unit(unit: Resource, *, stale: bool) -> dict[str, object]:
    """What the map needs of a unit; a unit that never reported is drawn at its station."""
    located = unit.position_at is not None
    return {
        "id": unit.pk,
        "call_sign": unit.call_sign,
        "kind": unit.get_kind_display(),
        "status": unit.status,
        "status_label": unit.get_status_display(),
        "lat": unit.latitude if located else unit.home_station.latitude,
        "lon": unit.longitude if located else unit.home_station.longitude,
        "located": located,
        "stale": stale,
    }
