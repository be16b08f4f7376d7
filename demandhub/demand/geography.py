"""Where demand comes from: points sampled inside a force's policing areas. Pure, no I/O.

An area's boundary is a GeoJSON Polygon ([longitude, latitude] pairs, WGS84), as stored on
forces.PolicingArea. Urban areas carry more demand per square kilometre than rural ones.
"""

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

Ring = Sequence[Sequence[float]]

URBAN_WEIGHT = 3.0  # an urban area's demand relative to a rural area's


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]  # outer ring first, then holes
    weight: float = 1.0

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north)."""
        xs = [x for x, _ in self.rings[0]]
        ys = [y for _, y in self.rings[0]]
        return min(xs), min(ys), max(xs), max(ys)

    def contains(self, longitude: float, latitude: float) -> bool:
        inside = _in_ring(longitude, latitude, self.rings[0])
        return inside and not any(_in_ring(longitude, latitude, h) for h in self.rings[1:])


def area_from_geojson(
    code: str, name: str, boundary: dict[str, Any], *, weight: float = 1.0
) -> Area | None:
    """The area, or None when the boundary is not a Polygon with a ring of 3+ points."""
    if not isinstance(boundary, dict) or boundary.get("type") != "Polygon":
        return None
    try:
        rings = tuple(
            tuple((float(x), float(y)) for x, y, *_ in ring) for ring in boundary["coordinates"]
        )
    except (KeyError, TypeError, ValueError):
        return None
    if not rings or len(rings[0]) < 3:
        return None
    return Area(code=code, name=name, rings=rings, weight=weight)


def _in_ring(x: float, y: float, ring: Ring) -> bool:
    """Ray casting: does the ring enclose (x, y)?"""
    inside = False
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[(i + 1) % n][0], ring[(i + 1) % n][1]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def pick_area(rng: random.Random, areas: Sequence[Area]) -> Area:
    return rng.choices(list(areas), weights=[a.weight for a in areas])[0]


def sample_point(rng: random.Random, area: Area) -> tuple[float, float]:
    """A uniformly random (latitude, longitude) inside the area, by rejection from its bounds."""
    west, south, east, north = area.bounds
    for _ in range(10_000):
        lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        if area.contains(lon, lat):
            return round(lat, 6), round(lon, 6)
    raise ValueError(f"area {area.code}: no point found inside its boundary")


def near(
    rng: random.Random, area: Area, latitude: float, longitude: float, *, metres: float
) -> tuple[float, float]:
    """A point within about `metres` of (latitude, longitude), still inside the area."""
    for _ in range(100):
        distance, bearing = metres * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
        lat = latitude + distance * math.cos(bearing) / 111_320
        lon = longitude + distance * math.sin(bearing) / (
            111_320 * math.cos(math.radians(latitude))
        )
        if area.contains(lon, lat):
            return round(lat, 6), round(lon, 6)
    return latitude, longitude


def weighted(areas: Iterable[tuple[str, str, str, dict[str, Any]]]) -> list[Area]:
    """Areas from (code, name, area_type, boundary) rows; unusable boundaries are left out."""
    result = []
    for code, name, area_type, boundary in areas:
        weight = URBAN_WEIGHT if area_type == "urban" else 1.0
        area = area_from_geojson(code, name, boundary, weight=weight)
        if area is not None:
            result.append(area)
    return result


def demo_areas() -> list[Area]:
    """The demo force's areas (forces/demo_data.py), for a server whose areas are not at hand."""
    from demandhub.forces import demo_data

    return weighted(
        (a["code"], a["name"], a["area_type"], a["boundary"])  # type: ignore[misc]
        for a in demo_data.AREAS
    )
