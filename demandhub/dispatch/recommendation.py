"""Which units to send: the suitable ones, nearest first by estimated time of arrival.

Pure and fast: no database and no network. The caller builds a Fleet once from a snapshot of
the units (queries.fleet_snapshot) and asks for recommendations for any number of targets;
distances are a vectorised haversine over the whole fleet (numpy). A road routing engine may
refine the best candidates through the `road_seconds` callable (routing.osrm_durations). Every
ETA includes the unit's turn-out time (travel.TURNOUT_SECONDS): drive time alone would favour a
crew at its station over one already on the road at the same distance.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from .positions import EARTH_RADIUS_KM
from .travel import DETOUR_FACTOR, TURNOUT_SECONDS, speed_kmh, turnout_seconds
from .workflow import DIVERTIBLE, Status

# How many of the nearest suitable units a routing engine is asked about: enough to reorder
# the head of the list, few enough to keep the request small and quick.
ROAD_CANDIDATES = 25

# Grade 1 is the most urgent; only for it may a unit be pulled off a less urgent incident.
DIVERSION_GRADE = 1

RoadSeconds = Callable[[Sequence[tuple[float, float]], tuple[float, float]], list[float | None]]


@dataclass(frozen=True, kw_only=True)
class Target:
    """Where a unit is needed, how urgently, and what the unit must be able to do."""

    latitude: float
    longitude: float
    grade: int
    area_type: str  # "urban" | "rural"
    required: frozenset[str] = frozenset()
    deadline: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class Unit:
    """A unit as the recommender sees it.

    latitude/longitude: the latest reported position, else the home station (located=False).
    at_station: at its home station (never reported, or its latest fix is beside it).
    commitment_grade: the grade of the incident the unit is committed to, if any.
    """

    pk: int
    call_sign: str
    kind: str
    capabilities: frozenset[str]
    status: str
    latitude: float
    longitude: float
    located: bool = True
    stale: bool = False
    at_station: bool = False
    commitment_grade: int | None = None


@dataclass(frozen=True)
class Recommendation:
    unit: Unit
    distance_km: float
    eta_seconds: float  # turn-out plus travel
    eta_source: str  # travel: "road" (routing engine) | "estimate" (great circle x detour / speed)
    diversion: bool
    arrives_at: datetime
    margin_seconds: float | None  # deadline - arrival; negative: it would arrive late
    turnout_seconds: float = 0.0  # of eta_seconds, the time before the unit is moving

    @property
    def in_time(self) -> bool | None:
        return None if self.margin_seconds is None else self.margin_seconds >= 0


class Fleet:
    """A snapshot of units as arrays, built once and reused for every target.

    turnout: seconds by travel.turnout_key (and "kind:key"), as travel.turnout_table gives;
    default travel.TURNOUT_SECONDS.
    """

    def __init__(
        self, units: Sequence[Unit], *, turnout: Mapping[str, float] | None = None
    ) -> None:
        self.units = list(units)
        n = len(self.units)
        table = dict(TURNOUT_SECONDS if turnout is None else turnout)
        kinds = sorted({u.kind for u in self.units})
        # Every (kind, status, at station) once, then one dict look-up per unit.
        seconds = {
            (k, str(status), here): turnout_seconds(table, k, status, here)
            for k in kinds
            for status in Status
            for here in (False, True)
        }
        self.turnout = np.fromiter(
            (seconds.get((u.kind, u.status, u.at_station), 0.0) for u in self.units), float, n
        )
        self.lat = np.radians(np.fromiter((u.latitude for u in self.units), float, n))
        self.lon = np.radians(np.fromiter((u.longitude for u in self.units), float, n))
        self.cos_lat = np.cos(self.lat)
        self.available = np.fromiter((u.status == Status.AVAILABLE for u in self.units), bool, n)
        self.divertible = np.fromiter(
            (u.status in DIVERTIBLE and u.commitment_grade is not None for u in self.units),
            bool,
            n,
        )
        self.commitment = np.fromiter((u.commitment_grade or 0 for u in self.units), np.int16, n)
        # Capabilities as bits, so "has every required capability" is one vector operation.
        self.bits: dict[str, int] = {}
        for u in self.units:
            for c in u.capabilities:
                self.bits.setdefault(c, 1 << len(self.bits))
        self.caps = np.fromiter(
            (sum(self.bits[c] for c in u.capabilities) for u in self.units), np.int64, n
        )
        self._kind_index = np.fromiter((kinds.index(u.kind) for u in self.units), np.int16, n)
        self._speeds = {
            area: np.array([speed_kmh(k, area) for k in kinds] or [1.0])[self._kind_index]
            for area in DETOUR_FACTOR
        }

    def __len__(self) -> int:
        return len(self.units)

    def suitable(self, target: Target) -> tuple[np.ndarray, np.ndarray]:
        """(offered, diversion) masks: who may be sent, and who would be diverted to go."""
        if any(c not in self.bits for c in target.required):
            none = np.zeros(len(self), bool)
            return none, none
        mask = sum(self.bits[c] for c in target.required)
        capable = (self.caps & mask) == mask
        diversion = (
            capable
            & self.divertible
            & (target.grade == DIVERSION_GRADE)
            & (self.commitment > target.grade)
        )
        return (capable & self.available) | diversion, diversion

    def distances_km(self, target: Target, idx: np.ndarray) -> np.ndarray:
        """Great-circle distances from the units at `idx` to the target (haversine)."""
        lat2, lon2 = np.radians(target.latitude), np.radians(target.longitude)
        a = (
            np.sin((lat2 - self.lat[idx]) / 2) ** 2
            + self.cos_lat[idx] * np.cos(lat2) * np.sin((lon2 - self.lon[idx]) / 2) ** 2
        )
        return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))

    def estimated_seconds(self, target: Target, idx: np.ndarray, km: np.ndarray) -> np.ndarray:
        """Road distance (great circle x detour factor) over each unit's speed for the area."""
        area = target.area_type if target.area_type in DETOUR_FACTOR else "urban"
        return km * DETOUR_FACTOR[area] / self._speeds[area][idx] * 3600.0


def recommend(
    target: Target,
    fleet: Fleet,
    *,
    now: datetime,
    limit: int = 10,
    road_seconds: RoadSeconds | None = None,
) -> list[Recommendation]:
    """The suitable units, soonest arrival first, at most `limit`.

    Suitable: available with every required capability; or, for a Grade 1 only, committed to
    a less urgent incident and divertible (marked as a diversion). Units committed to an
    equally or more urgent incident are never offered. Ranked by ETA, turn-out included; ties
    go to the unit not diverted.
    """
    if not len(fleet):
        return []
    offered, diversion = fleet.suitable(target)
    idx = np.flatnonzero(offered)
    if not idx.size:
        return []
    distance = fleet.distances_km(target, idx)
    turnout = fleet.turnout[idx]
    eta = fleet.estimated_seconds(target, idx, distance) + turnout
    order = np.lexsort((diversion[idx], eta))
    keep = max(limit, ROAD_CANDIDATES) if road_seconds else limit
    head = order[:keep]
    source = np.full(head.size, "estimate", dtype=object)
    head_eta = eta[head].astype(float)
    if road_seconds is not None:
        units = [fleet.units[i] for i in idx[head]]
        road = road_seconds(
            [(u.latitude, u.longitude) for u in units], (target.latitude, target.longitude)
        )
        for j, seconds in enumerate(road):
            if seconds is not None:
                head_eta[j], source[j] = seconds + turnout[head[j]], "road"
        resort = np.lexsort((diversion[idx[head]], head_eta))
        head, head_eta, source = head[resort], head_eta[resort], source[resort]
    out = []
    for j in range(min(limit, head.size)):
        i = int(idx[head[j]])
        arrives = now + timedelta(seconds=float(head_eta[j]))
        out.append(
            Recommendation(
                unit=fleet.units[i],
                distance_km=float(distance[head[j]]),
                eta_seconds=float(head_eta[j]),
                eta_source=str(source[j]),
                diversion=bool(diversion[i]),
                arrives_at=arrives,
                margin_seconds=(
                    (target.deadline - arrives).total_seconds() if target.deadline else None
                ),
                turnout_seconds=float(turnout[head[j]]),
            )
        )
    return out
