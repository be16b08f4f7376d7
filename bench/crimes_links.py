"""Linked-crime suggestions (demandhub/crimes/linking.py): query time over 100,000 stored
vectors against a pure-Python reference, and precision at 5 on a generated set with known
series.

    .venv/bin/python -m bench.crimes_links [--n 100000] [--series 1000] [--embed-n 10000]

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


def _timings(
    indexes: dict[str, linking.LinkIndex], queries: list[int], pairs: int
) -> dict[str, list[float]]:
    """Per-query milliseconds, interleaved: for each query the reference (a bare text-only
    matrix-vector product and top 5 over the lexical matrix) then each encoder's suggest()."""
    lexical = indexes["lexical"]
    out: dict[str, list[float]] = {"reference": [], **{name: [] for name in indexes}}
    out.update({f"{name} cpu": [] for name in indexes})
    for q in queries[:pairs]:
        start = time.perf_counter()
        scores = lexical.vectors @ lexical.vectors[q]
        np.argpartition(-scores, 5)[:5]
        out["reference"].append((time.perf_counter() - start) * 1000)
        for name, index in indexes.items():
            start, cpu = time.perf_counter(), time.process_time()
            linking.suggest(
                index,
                index.vectors[q],
                lat=index.lat[q],
                lon=index.lon[q],
                t=index.t[q],
                k=5,
                exclude=q,
            )
            out[name].append((time.perf_counter() - start) * 1000)
            out[f"{name} cpu"].append((time.process_time() - cpu) * 1000)
    return out


def _pad(vectors: np.ndarray, n: int, seed: int = 5) -> np.ndarray:
    """vectors, then random unit rows up to n (for the timing only: the query cost does not
    depend on what the rows hold)."""
    rng = np.random.default_rng(seed)
    extra = rng.standard_normal((n - len(vectors), vectors.shape[1])).astype(np.float32)
    extra /= np.linalg.norm(extra, axis=1, keepdims=True)
    return np.concatenate([vectors, extra])


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000, help="crimes for the query timing")
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument(
        "--embed-n", type=int, default=10_000, help="crimes encoded with MiniLM (precision set)"
    )
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--pairs", type=int, default=300, help="interleaved timing rounds")
    parser.add_argument("--reference-queries", type=int, default=3)
    args = parser.parse_args(argv)
    minilm = linking.embeddings.minilm()

    # Precision set: small enough to encode with MiniLM on 2 shared cores.
    small = max(1, args.series * args.embed_n // args.n)
    texts, lat, lon, t, label = generate(args.embed_n, small)
    rng = random.Random(11)
    members = [i for i in range(len(texts)) if label[i] >= 0]
    queries = rng.sample(members, min(args.queries, len(members)))
    encoded: dict[str, np.ndarray] = {}
    seconds: dict[str, float] = {}
    for name, encode in (("lexical", linking.lexical_encode), ("minilm", minilm)):
        start = time.perf_counter()
        encoded[name] = np.asarray(encode(texts), dtype=np.float32)
        seconds[name] = time.perf_counter() - start
    print(
        f"precision set: {args.embed_n} crimes, {small} series of 6; encoded: lexical "
        f"{args.embed_n / seconds['lexical']:.0f} texts/s, MiniLM "
        f"{args.embed_n / seconds['minilm']:.0f} texts/s "
        f"(MiniLM/lexical time {seconds['minilm'] / seconds['lexical']:.0f}x)"
    )
    weights = [
        (
            f"{linking.TEXT_WEIGHT}/{linking.NEAR_WEIGHT} (default)",
            linking.TEXT_WEIGHT,
            linking.NEAR_WEIGHT,
        ),
        ("0.7/0.3", 0.7, 0.3),
        ("0.2/0.8", 0.2, 0.8),
        ("text only", 1.0, 0.0),
        ("near-repeat only", 0.0, 1.0),
    ]
    for name, vectors in encoded.items():
        index = linking.LinkIndex(ids=np.arange(len(texts)), vectors=vectors, lat=lat, lon=lon, t=t)
        scores = [
            f"{label_}: {precision_at_5(index, label, queries, text_weight=tw, near_weight=nw):.3f}"
            for label_, tw, nw in weights
        ]
        print(f"precision@5 {name} (text/near-repeat weights): " + ", ".join(scores))

    # Timing set: n crimes, lexical vectors for all; MiniLM's are the precision set's real
    # vectors, padded with random unit rows (encoding n texts would take hours here).
    texts_n, lat_n, lon_n, t_n, label_n = generate(args.n, args.series)
    lexical_n = linking.lexical_encode(texts_n).astype(np.float32)
    minilm_n = _pad(encoded["minilm"][: args.n], args.n)
    indexes = {
        name: linking.LinkIndex(ids=np.arange(args.n), vectors=v, lat=lat_n, lon=lon_n, t=t_n)
        for name, v in (("lexical", lexical_n), ("minilm", minilm_n))
    }
    members = [i for i in range(args.n) if label_n[i] >= 0 and i < args.embed_n]
    queries_n = random.Random(13).sample(members, min(args.pairs, len(members)))
    times = _timings(indexes, queries_n, args.pairs)
    ref = statistics.median(times["reference"])
    refs = sorted(times["reference"])
    print(
        f"query over {args.n} ({len(times['reference'])} interleaved rounds; MiniLM rows past "
        f"{args.embed_n} are random unit vectors): reference (bare text matvec + top 5, "
        f"lexical) min {refs[0]:.1f}, median {ref:.1f}, max {refs[-1]:.1f} ms"
    )
    for name in indexes:
        ms = sorted(times[name])
        ratios = sorted(a / b for a, b in zip(times[name], times["reference"], strict=True))
        print(
            f"  {name} ({indexes[name].vectors.shape[1]} dims, "
            f"{indexes[name].vectors.nbytes / 1e6:.0f} MB): min {ms[0]:.2f}, median "
            f"{statistics.median(ms):.2f}, p95 {ms[int(0.95 * len(ms))]:.2f}, max {ms[-1]:.1f} "
            f"ms, CPU time median {statistics.median(times[name + ' cpu']):.2f} ms; ratio to "
            f"the reference: min {ratios[0]:.3f}, median {statistics.median(ratios):.3f}, "
            f"max {ratios[-1]:.2f} (p5 {ratios[int(0.05 * len(ratios))]:.3f}, "
            f"p95 {ratios[int(0.95 * len(ratios))]:.2f})"
        )
    full = linking.LinkIndex(ids=np.arange(args.n), vectors=lexical_n, lat=lat_n, lon=lon_n, t=t_n)
    members = [i for i in range(args.n) if label_n[i] >= 0]
    queries_full = random.Random(11).sample(members, min(args.queries, len(members)))
    p = precision_at_5(
        full,
        label_n,
        queries_full,
        text_weight=linking.TEXT_WEIGHT,
        near_weight=linking.NEAR_WEIGHT,
    )
    print(f"precision@5 lexical over all {args.n} (default weights): {p:.3f}")

    for name, index in indexes.items():
        as_lists = index.vectors.tolist()
        lat_l, lon_l, t_l = lat_n.tolist(), lon_n.tolist(), t_n.tolist()
        ratios, agree = [], 0
        for q in queries_n[: args.reference_queries]:
            start = time.perf_counter()
            found = linking.suggest(
                index, index.vectors[q], lat=lat_n[q], lon=lon_n[q], t=t_n[q], k=5, exclude=q
            )
            fast = time.perf_counter() - start
            start = time.perf_counter()
            expected = reference_suggest(as_lists, lat_l, lon_l, t_l, q)
            ratios.append((time.perf_counter() - start) / fast)
            agree += {s.crime_id for s in found} == set(expected)
        print(
            f"{name}: same top-5 set as the pure-Python score in {agree}/{len(ratios)}; "
            f"pure Python / numpy time: median {statistics.median(ratios):.0f}x"
        )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
