"""Duplicate detection: precision and recall on a labelled generated set, and the cost of the
likely_duplicates() query as a ratio against a reference query, interleaved over several pairs.

Run: .venv/bin/python bench/incidents_duplicates.py [--pairs 5] [--seed 7]
(uses a throwaway SQLite database; results go to docs/benchmarks.md by hand).
"""

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def generate(rng: random.Random, n: int) -> list[tuple[object, object, bool]]:
    """(new, existing, is_duplicate) pairs. Duplicates: a second report of one event, jittered
    in place (GPS/AML error, up to 250 m) and time (up to 50 min), same or unclassified family.
    Non-duplicates: other events that are near in some but not all respects."""
    from demandhub.incidents.duplicates import Sighting

    families = ["violence", "burglary", "theft", "asb", "rtc", "welfare", "damage"]
    t0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    pairs = []
    for _ in range(n):
        lat, lon = 52.1 + rng.random() * 0.5, -0.3 + rng.random() * 0.6
        at = t0 + timedelta(minutes=rng.randint(0, 600))
        fam = rng.choice(families)
        existing = Sighting(lat, lon, at, fam)
        if rng.random() < 0.5:  # a true duplicate
            metres = abs(rng.gauss(0, 120))
            bearing = rng.random() * 6.283
            dlat = metres * __import__("math").cos(bearing) / 111_320
            dlon = metres * __import__("math").sin(bearing) / 68_000
            new_fam = fam if rng.random() < 0.85 else rng.choice(["", fam, rng.choice(families)])
            new = Sighting(
                lat + dlat, lon + dlon, at + timedelta(minutes=rng.randint(1, 50)), new_fam
            )
            pairs.append((new, existing, True))
        else:  # a different event: near in place, or time, or both but a different kind
            kind = rng.choice(["far", "late", "other_kind", "neighbour"])
            d_m = {
                "far": rng.uniform(400, 5000),
                "late": rng.uniform(0, 200),
                "other_kind": rng.uniform(0, 250),
                "neighbour": rng.uniform(150, 600),
            }[kind]
            minutes = rng.randint(70, 600) if kind == "late" else rng.randint(0, 55)
            other = (
                rng.choice([f for f in families if f != fam])
                if kind == "other_kind"
                else (fam if rng.random() < 0.5 else rng.choice(families))
            )
            new = Sighting(lat + d_m / 111_320, lon, at + timedelta(minutes=minutes), other)
            pairs.append((new, existing, False))
    return pairs


def accuracy(n: int, seed: int) -> dict[str, float]:
    from demandhub.incidents.duplicates import duplicate_reason

    rng = random.Random(seed)
    tp = fp = fn = tn = 0
    for new, existing, truth in generate(rng, n):
        said = duplicate_reason(new, existing) is not None  # type: ignore[arg-type]
        tp += said and truth
        fp += said and not truth
        fn += (not said) and truth
        tn += (not said) and not truth
    return {
        "pairs": n,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
    }


def timing(pairs: int, seed: int) -> list[float]:
    """likely_duplicates() over 5,000 stored incidents, as a ratio to a reference read (a plain
    indexed filter on opened_at returning the same number of rows), measured in interleaved
    pairs so machine noise hits both sides alike."""
    from django.core.management import call_command
    from django.utils import timezone

    from demandhub.incidents.models import Incident
    from demandhub.incidents.queries import likely_duplicates

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    now = timezone.now()
    Incident.objects.bulk_create(
        Incident(
            reference=f"B-{i:06d}",
            summary="x",
            status="awaiting_deployment",
            grade=2,
            opened_at=now - timedelta(minutes=rng.randint(0, 24 * 60)),
            classification=rng.choice(["CRIME-VIOLENCE", "CRIME-THEFT", "ASB-NUISANCE"]),
            latitude=52.1 + rng.random() * 0.5,
            longitude=-0.3 + rng.random() * 0.6,
        )
        for i in range(5000)
    )
    points = [(52.1 + rng.random() * 0.5, -0.3 + rng.random() * 0.6) for _ in range(200)]

    def candidate() -> None:
        for lat, lon in points:
            likely_duplicates(latitude=lat, longitude=lon, classification="CRIME-VIOLENCE", at=now)

    def reference() -> None:
        for _ in points:
            list(Incident.objects.filter(opened_at__gte=now - timedelta(minutes=1))[:5])

    ratios = []
    for _ in range(pairs):
        t = time.perf_counter()
        reference()
        ref = time.perf_counter() - t
        t = time.perf_counter()
        candidate()
        ratios.append((time.perf_counter() - t) / ref)
    return ratios


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--n", type=int, default=20_000)
    args = parser.parse_args(argv)
    data = tempfile.mkdtemp(prefix="bench-dup-")
    os.environ["DEMANDHUB_DATA_DIR"] = data
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demandhub.config.settings")
    import django

    django.setup()
    result = accuracy(args.n, args.seed)
    print(f"labelled pairs: {result['pairs']} (seed {args.seed})")
    print(f"tp {result['tp']} fp {result['fp']} fn {result['fn']} tn {result['tn']}")
    print(f"precision {result['precision']:.3f}  recall {result['recall']:.3f}")
    ratios = sorted(timing(args.pairs, args.seed))
    print("likely_duplicates / reference query, per pair: " + ", ".join(f"{r:.2f}" for r in ratios))
    print(f"median ratio {ratios[len(ratios) // 2]:.2f}")


if __name__ == "__main__":
    main()
