"""Rules for reported positions: which fixes to refuse and when one is stale. No database here."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, kw_only=True)
class Bounds:
    """A latitude/longitude box; positions outside it are refused."""

    south: float
    west: float
    north: float
    east: float

    def contains(self, latitude: float, longitude: float) -> bool:
        return self.south <= latitude <= self.north and self.west <= longitude <= self.east

    def widened(self, km: float) -> "Bounds":
        """The box grown by `km` on every side (longitude degrees shrink towards the poles)."""
        dlat = km / 111.32
        mid = math.radians((self.south + self.north) / 2)
        dlon = km / (111.32 * max(math.cos(mid), 0.01))
        return Bounds(
            south=max(self.south - dlat, -90.0),
            west=max(self.west - dlon, -180.0),
            north=min(self.north + dlat, 90.0),
            east=min(self.east + dlon, 180.0),
        )

    @classmethod
    def parse(cls, text: str) -> "Bounds":
        """From "south,west,north,east"; ValueError on anything else."""
        parts = [float(p) for p in text.split(",")]
        if len(parts) != 4:
            raise ValueError("expected south,west,north,east")
        south, west, north, east = parts
        if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
            raise ValueError("expected -90 <= south < north <= 90 and -180 <= west < east <= 180")
        return cls(south=south, west=west, north=north, east=east)

    @classmethod
    def around(cls, points: list[tuple[float, float]]) -> "Bounds | None":
        """The smallest box holding every (lat, lon) point; None for no points."""
        if not points:
            return None
        lats = [p[0] for p in points]
        lons = [p[1] for p in points]
        return cls(south=min(lats), west=min(lons), north=max(lats), east=max(lons))


@dataclass(frozen=True, kw_only=True)
class Fix:
    """One unit's reported position, as the device sent it."""

    call_sign: str
    latitude: float
    longitude: float
    recorded_at: datetime
    speed_kmh: float | None = None
    heading: float | None = None
    accuracy_m: float | None = None


def problem_with(
    fix: Fix, *, now: datetime, clock_skew: timedelta, bounds: Bounds | None
) -> str | None:
    """Why `fix` must be refused, in words for the device's log; None when it is acceptable."""
    if not (math.isfinite(fix.latitude) and math.isfinite(fix.longitude)):
        return "latitude and longitude must be numbers"
    if not (-90 <= fix.latitude <= 90 and -180 <= fix.longitude <= 180):
        return "off the map: latitude must be within -90..90 and longitude within -180..180"
    if bounds is not None and not bounds.contains(fix.latitude, fix.longitude):
        return "outside the force's area"
    if fix.recorded_at.tzinfo is None:
        return "recorded_at needs a time zone (for example 2026-11-23T10:15:00Z)"
    if fix.recorded_at > now + clock_skew:
        return "recorded_at is in the future: check the device's clock"
    for name in ("speed_kmh", "heading", "accuracy_m"):
        value = getattr(fix, name)
        if value is not None and not (math.isfinite(value) and value >= 0):
            return f"{name} must be a number of at least 0"
    if fix.heading is not None and fix.heading >= 360:
        return "heading must be below 360 degrees"
    return None


def is_stale(position_at: datetime | None, *, now: datetime, max_age: timedelta) -> bool:
    """A unit with no position, or whose latest fix is older than `max_age`, is stale."""
    return position_at is None or now - position_at > max_age


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))
