"""Recommending among 2,000 units per incident (dispatch.recommendation), against a reference.

Reference: a bare pure-Python loop computing the same haversine distance to every unit (and
nothing else: no filtering, no sorting). Candidate: recommend() on a Fleet built once, the
console's case; also reported, the Fleet build itself and build + recommend together.
Timings are interleaved in pairs (reference, candidate, alternating who goes first) because
this machine is shared and noisy; the ratio of medians is the result to compare.

    .venv/bin/python -m bench dispatch_recommend [--pairs N | --quick]   (--quick: 3 pairs)
"""

import argparse
import math
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

import django
from django.conf import settings

# The recommender needs no database, but its modules import Django models.
if not settings.configured:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demandhub.config.test_settings")
    django.setup()

from demandhub.dispatch.positions import EARTH_RADIUS_KM
from demandhub.dispatch.recommendation import Fleet, Target, Unit, recommend

UNITS = 2000
INCIDENTS = 100
PAIRS = 15
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

KINDS = [
    ("response_car", frozenset(), 0.55),
    ("neighbourhood", frozenset(), 0.15),
    ("armed_response", frozenset({"firearms", "taser"}), 0.08),
    ("dog_unit", frozenset({"police_dog", "search"}), 0.06),
    ("roads_policing", frozenset({"pursuit", "collision_investigation"}), 0.08),
    ("public_order", frozenset({"public_order"}), 0.05),
    ("cid", frozenset({"investigation"}), 0.03),
]
STATUSES = [
    ("available", 0.45),
    ("en_route", 0.15),
    ("at_scene", 0.15),
    ("assigned", 0.05),
    ("refreshment", 0.08),
    ("transporting", 0.05),
    ("unavailable", 0.07),
]


def fleet_units(rng: random.Random) -> list[Unit]:
    units = []
    for i in range(UNITS):
        kind, caps, _ = rng.choices(KINDS, weights=[k[2] for k in KINDS])[0]
        status = rng.choices(STATUSES, weights=[s[1] for s in STATUSES])[0][0]
        committed = status in {"en_route", "at_scene", "assigned", "transporting"}
        units.append(
            Unit(
                pk=i,
                call_sign=f"U{i:04d}",
                kind=kind,
                capabilities=caps,
                status=status,
                latitude=rng.uniform(52.0, 52.8),
                longitude=rng.uniform(-0.5, 0.5),
                commitment_grade=rng.randint(1, 3) if committed else None,
                at_station=i % 4 == 0,  # a quarter at their station (turn-out added)
            )
        )
    return units


def targets(rng: random.Random) -> list[Target]:
    out = []
    for _ in range(INCIDENTS):
        grade = rng.choice([1, 1, 2, 2, 3])
        required = rng.choice(
            [frozenset()] * 6 + [frozenset({"firearms"}), frozenset({"police_dog"})]
        )
        out.append(
            Target(
                latitude=rng.uniform(52.0, 52.8),
                longitude=rng.uniform(-0.5, 0.5),
                grade=grade,
                area_type=rng.choice(["urban", "rural"]),
                required=required,
                deadline=NOW + timedelta(minutes=15),
            )
        )
    return out


def reference(units: list[Unit], ts: list[Target]) -> float:
    """Seconds per incident for the bare haversine loop."""
    start = time.perf_counter()
    for t in ts:
        lat2, lon2 = math.radians(t.latitude), math.radians(t.longitude)
        out = []
        for u in units:
            lat1, lon1 = math.radians(u.latitude), math.radians(u.longitude)
            a = (
                math.sin((lat2 - lat1) / 2) ** 2
                + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
            )
            out.append(2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a)))
    return (time.perf_counter() - start) / len(ts)


def candidate(fleet: Fleet, ts: list[Target]) -> float:
    start = time.perf_counter()
    for t in ts:
        recommend(t, fleet, now=NOW, limit=10)
    return (time.perf_counter() - start) / len(ts)


def build_and_recommend(units: list[Unit], t: Target) -> tuple[float, float]:
    start = time.perf_counter()
    fleet = Fleet(units)
    built = time.perf_counter()
    recommend(t, fleet, now=NOW, limit=10)
    return built - start, time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench dispatch_recommend")
    parser.add_argument("--pairs", type=int, default=PAIRS, help="interleaved pairs to time")
    parser.add_argument("--quick", action="store_true", help="3 pairs: a short check")
    args = parser.parse_args(argv)
    pairs = 3 if args.quick else max(1, args.pairs)
    rng = random.Random(4)
    units, ts = fleet_units(rng), targets(rng)
    fleet = Fleet(units)
    candidate(fleet, ts[:5])  # warm numpy's code paths
    refs, cands, ratios, builds, totals = [], [], [], [], []
    for pair in range(pairs):
        if pair % 2:
            c = candidate(fleet, ts)
            r = reference(units, ts)
        else:
            r = reference(units, ts)
            c = candidate(fleet, ts)
        refs.append(r)
        cands.append(c)
        ratios.append(c / r)
        b, total = build_and_recommend(units, ts[pair % len(ts)])
        builds.append(b)
        totals.append(total)
    med = statistics.median
    print(f"units={UNITS} incidents per run={INCIDENTS} interleaved pairs={pairs}")
    rows = [
        ("reference: pure-Python haversine loop", f"{med(refs) * 1000:.3f} ms per incident"),
        ("recommend() on a built Fleet", f"{med(cands) * 1000:.3f} ms per incident"),
        (
            "ratio recommend / reference",
            f"{med(ratios):.3f} (min {min(ratios):.3f}, max {max(ratios):.3f})",
        ),
        ("Fleet build from 2,000 units", f"{med(builds) * 1000:.3f} ms"),
        ("build + recommend, one incident", f"{med(totals) * 1000:.3f} ms"),
    ]
    for label, value in rows:
        print(f"  {label:<40} median {value}")


if __name__ == "__main__":
    main(sys.argv[1:])
