"""Linked-crime suggestions: text similarity of MO and description, with near-repeat closeness
in space and time. The scoring is pure numpy; store_vector/index_from_db touch the database.

Text vectors come from an encoder:

  * "minilm" (the default): real sentence embeddings, all-MiniLM-L6-v2 as int8 ONNX on
    onnxruntime, 384 dimensions (embeddings.py; a main dependency, loaded offline);
  * "lexical": the fallback, always available: signed feature hashing of word unigrams and
    bigrams (stop words dropped, sublinear term frequency) into 256 dimensions, L2-normalised,
    so a dot product is the cosine similarity. Used when the model cannot be loaded (logged
    once per process, as a warning saying why).

DEMANDHUB_TEXT_ENCODER=lexical|minilm|auto (default auto) chooses. Vectors are stored per crime
(TextVector) with the encoder's name; only vectors of the current encoder are searched
(`demandhub crimes vectors` encodes the ones missing after a switch).
"""

import logging
import math
import os
import re
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np
from threadpoolctl import ThreadpoolController

if TYPE_CHECKING:
    from .models import CrimeRecord

from . import embeddings

logger = logging.getLogger(__name__)

LEXICAL_DIM = 256
LEXICAL = "lexical-hash-256"
MINILM = embeddings.NAME
DIMENSIONS = {LEXICAL: LEXICAL_DIM, MINILM: embeddings.DIM}

# Near-repeat victimisation: risk is raised for a few hundred metres and a couple of weeks
# around a crime (Johnson and Bowers; illustrative scales, force policy).
NEAR_REPEAT_METRES = 400.0
NEAR_REPEAT_DAYS = 14.0
TEXT_WEIGHT, NEAR_WEIGHT = 0.3, 0.7

_STOP = (
    "a an and are as at be been but by for from had has have he her his i in into is it its "
    "my of on or our she so that the their them then there they this to was we were what "
    "when which who will with you your me us did not no after before about over out up off "
    "also just than"
)
STOP_WORDS = frozenset(_STOP.split())
_WORD = re.compile(r"[a-z0-9]+")


def _terms(text: str) -> list[str]:
    words = [w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS and len(w) > 1]
    return words + [f"{a}_{b}" for a, b in pairwise(words)]


def lexical_vector(text: str) -> np.ndarray:
    vec = np.zeros(LEXICAL_DIM, dtype=np.float32)
    for term, count in Counter(_terms(text)).items():
        h = zlib.crc32(term.encode())
        weight = (1.0 + math.log(count)) * (0.5 if "_" in term else 1.0)
        vec[h % LEXICAL_DIM] += weight if (h >> 16) & 1 else -weight
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm else vec


def lexical_encode(texts: Sequence[str]) -> np.ndarray:
    return np.stack([lexical_vector(t) for t in texts]) if texts else np.zeros((0, LEXICAL_DIM))


_warned: set[str] = set()


def encoder() -> tuple[str, Callable[[Sequence[str]], np.ndarray]]:
    """The encoder's name and function, as DEMANDHUB_TEXT_ENCODER chooses: auto (the
    default) is MiniLM, or the lexical encoder when the model cannot be loaded (a warning,
    once per process); minilm insists (an error saying why); lexical never loads the model."""
    choice = os.environ.get("DEMANDHUB_TEXT_ENCODER", "auto")
    if choice not in ("auto", "minilm", "lexical"):
        raise ValueError(f"DEMANDHUB_TEXT_ENCODER={choice!r}: use auto, minilm or lexical")
    if choice == "lexical":
        return LEXICAL, lexical_encode
    try:
        return MINILM, embeddings.minilm()
    except embeddings.EmbeddingUnavailable as exc:
        if choice == "minilm":
            raise RuntimeError(f"DEMANDHUB_TEXT_ENCODER=minilm, but {exc}") from exc
        if str(exc) not in _warned:
            _warned.add(str(exc))
            logger.warning(
                "linked crimes: MiniLM sentence embeddings unavailable (%s); "
                "using the lexical encoder instead",
                exc,
            )
        return LEXICAL, lexical_encode


def crime_text(offence: str, summary: str, modus_operandi: str, property_: str) -> str:
    return " ".join(p for p in (offence, summary, modus_operandi, property_) if p)


@dataclass
class LinkIndex:
    """Everything a query needs, in arrays: vectors (N x D, unit rows), positions (NaN when
    unknown) and times (epoch seconds). Built once per process and never changed: a change
    makes a new one (index_from_db), so a query running in another thread keeps a whole one.

    Derived on construction: the rows in time order (`by_time`, `t_sorted`), so the
    near-repeat window is a binary search; the largest row norm, which bounds the text term of
    every row that suggest() does not score exactly; and a sketch of the vectors for a tighter
    bound, row by row: an orthonormal `basis` of SKETCH_DIM directions (the top singular
    vectors of a sample of rows), each row's coordinates in it (`sketch`) and the norm of what
    is left (`residual`). For any query x, x . v <= (Bx) . (Bv) + |x - B'Bx| |v - B'Bv|
    (Cauchy-Schwarz on the part outside the basis), whatever the basis: so patching rows in
    (patched()) keeps the basis and projects only the new rows."""

    ids: np.ndarray
    vectors: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    t: np.ndarray
    basis: np.ndarray | None = field(default=None, repr=False)
    sketch: np.ndarray | None = field(default=None, repr=False)
    residual: np.ndarray | None = field(default=None, repr=False)
    by_time: np.ndarray = field(init=False, repr=False)
    t_sorted: np.ndarray = field(init=False, repr=False)
    lat_sorted: np.ndarray = field(init=False, repr=False)
    lon_sorted: np.ndarray = field(init=False, repr=False)
    max_norm: float = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_time = np.argsort(self.t, kind="stable")
        self.t_sorted = self.t[self.by_time]
        # Positions in time order too, in radians, so the window is a slice; an unknown
        # place is put so far off that its near-repeat term is exactly 0.
        self.lat_sorted = np.radians(np.nan_to_num(self.lat[self.by_time], nan=_NOWHERE))
        self.lon_sorted = np.radians(np.nan_to_num(self.lon[self.by_time], nan=_NOWHERE))
        norms = np.linalg.norm(self.vectors, axis=1) if len(self.vectors) else np.zeros(0)
        self.max_norm = float(norms.max()) if len(norms) else 0.0
        if self.basis is None:
            self.basis = _basis(self.vectors)
        if self.sketch is None or self.residual is None:
            self.sketch, self.residual = _project(self.basis, self.vectors)

    def patched(self, keep: np.ndarray, fresh: dict[str, np.ndarray]) -> "LinkIndex":
        """A new index: the rows where keep is true, then the fresh rows (same basis)."""
        assert self.basis is not None
        assert self.sketch is not None
        assert self.residual is not None
        sketch, residual = _project(self.basis, fresh["vectors"])
        return LinkIndex(
            **{
                key: np.concatenate([getattr(self, key)[keep], value])
                for key, value in fresh.items()
            },
            basis=self.basis,
            sketch=np.concatenate([self.sketch[keep], sketch]),
            residual=np.concatenate([self.residual[keep], residual]),
        )


_NOWHERE = 1e6  # degrees: a million kilometres off

# The sketch: 32 directions (12.8 MB for 100,000 crimes, against 102-154 MB for the vectors),
# found from at most 4,096 rows spread over the index.
SKETCH_DIM = 32
_SKETCH_SAMPLE = 4096


def _basis(vectors: np.ndarray) -> np.ndarray:
    n, dim = vectors.shape
    d = min(SKETCH_DIM, dim, n)
    if d == 0:
        return np.zeros((0, dim), dtype=np.float32)
    sample = vectors[:: max(1, n // _SKETCH_SAMPLE)].astype(np.float64)
    _, _, vt = np.linalg.svd(sample, full_matrices=False)
    return np.ascontiguousarray(vt[:d], dtype=np.float32)


def _project(basis: np.ndarray, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    sketch = np.ascontiguousarray(vectors @ basis.T, dtype=np.float32)
    left = np.einsum("ij,ij->i", vectors, vectors, dtype=np.float64) - np.einsum(
        "ij,ij->i", sketch, sketch, dtype=np.float64
    )
    return sketch, np.sqrt(np.maximum(left, 0.0)).astype(np.float32)


@dataclass(frozen=True)
class Suggestion:
    crime_id: int
    score: float
    text: float
    near: float
    metres: float | None
    days: float | None


def near_repeat(metres: np.ndarray, days: np.ndarray) -> np.ndarray:
    """1 at the same place and time, falling away over NEAR_REPEAT_* (0 when unknown)."""
    near = np.exp(-metres / NEAR_REPEAT_METRES - np.abs(days) / NEAR_REPEAT_DAYS)
    return np.nan_to_num(near, nan=0.0)


# Beyond this many scales in time the near-repeat term is below e^-5 (< 0.7%): not computed.
_NEAR_CUTOFF = 5.0
# How many of the nearest crimes in space and time are scored exactly before deciding whether
# the rest can be skipped (a few times k: series members, repeat addresses).
_PREFILTER = 64

_blas_lock = threading.Lock()
_blas: "ThreadpoolController | None" = None


def _scan(vectors: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The full scan: every row's dot product with x."""
    return _one_thread(vectors, x)


def _one_thread(vectors: np.ndarray, x: np.ndarray) -> np.ndarray:
    """vectors @ x on one BLAS thread: the scan is memory-bound, and a second thread on two
    cores shared with the web server's other work only contends for them. The lock keeps
    concurrent scans from restoring each other's thread limits out of order."""
    global _blas
    if _blas is None:
        _blas = ThreadpoolController()
    with _blas_lock, _blas.limit(limits=1, user_api="blas"):
        return vectors @ x


def suggest(
    index: LinkIndex,
    vector: np.ndarray,
    *,
    lat: float | None,
    lon: float | None,
    t: float,
    k: int = 5,
    exclude: int | None = None,
) -> list[Suggestion]:
    """The k crimes scoring highest on TEXT_WEIGHT x cosine + NEAR_WEIGHT x near-repeat, the
    near-repeat term counted for crimes within _NEAR_CUTOFF time scales (beyond, it is below
    e^-5 and taken as 0).

    Exact, in two steps. First the near-repeat window: the crimes within _NEAR_CUTOFF x 14
    days (a binary search on the time order) get their near-repeat term, and the _PREFILTER
    nearest of them get an exact score. Every other crime scores at most TEXT_WEIGHT x |x| x
    the largest row norm (the cosine's ceiling) plus the largest near-repeat term left out;
    when the k-th best exact score beats that bound, no other crime can enter the top k and
    the answer is complete without reading the other rows (the usual case where crimes
    cluster: series, hot spots). Otherwise, one matrix-vector product over every row."""
    n = len(index.ids)
    if n == 0 or k <= 0:
        return []
    x = np.asarray(vector, dtype=index.vectors.dtype)
    window = np.zeros(0, dtype=np.int64)
    near_w = np.zeros(0)
    located = lat is not None and lon is not None and not math.isnan(lat) and not math.isnan(lon)
    if located and NEAR_WEIGHT:
        span = _NEAR_CUTOFF * NEAR_REPEAT_DAYS * 86_400.0
        # One second wider than the window, then the exact test on days as computed below.
        lo, hi = np.searchsorted(index.t_sorted, [t - span - 1.0, t + span + 1.0])
        window = index.by_time[lo:hi]
        days_w = (index.t_sorted[lo:hi] - t) / 86_400.0
        dx = (index.lon_sorted[lo:hi] - math.radians(lon)) * math.cos(math.radians(lat))  # type: ignore[arg-type]
        dy = index.lat_sorted[lo:hi] - math.radians(lat)  # type: ignore[arg-type]
        # near_repeat() on the equirectangular distance (_metres), fused; 0 beyond the cutoff.
        near_w = np.exp(
            np.sqrt(dx * dx + dy * dy) * (-6_371_000.0 / NEAR_REPEAT_METRES)
            - np.abs(days_w) / NEAR_REPEAT_DAYS
        )
        near_w *= NEAR_WEIGHT
        near_w[np.abs(days_w) >= _NEAR_CUTOFF * NEAR_REPEAT_DAYS] = 0.0

    found, reached = _from_nearest(index, x, window, near_w, k, exclude)
    if found is None:
        found = _from_sketch(index, x, window, near_w, k, exclude, reached)
    if found is None:
        score = TEXT_WEIGHT * _scan(index.vectors, x)
        score[window] += near_w
        if exclude is not None:
            score[index.ids == exclude] = -np.inf
        k = min(k, n)
        top = np.argpartition(-score, k - 1)[:k]
        found = [
            int(i) for i in top[np.argsort(-score[top], kind="stable")] if np.isfinite(score[i])
        ]
    return [_suggestion(index, i, x, lat if located else None, lon, t) for i in found]


def _from_nearest(
    index: LinkIndex,
    x: np.ndarray,
    window: np.ndarray,
    near_w: np.ndarray,
    k: int,
    exclude: int | None,
) -> tuple[list[int] | None, float | None]:
    """The top k rows (best first) when the nearest crimes in space and time settle it, else
    None (see suggest()); and the k-th best score among them, a score the answer reaches
    (None when fewer than k were scored)."""
    n = len(index.ids)
    m = min(len(window), _PREFILTER)
    if m == 0:
        return None, None
    if m < len(window):
        part = np.argpartition(-near_w, m)
        chosen, left_out = part[:m], float(near_w[part[m]])
    else:
        chosen, left_out = np.arange(len(window)), 0.0
    rows = window[chosen]
    score = TEXT_WEIGHT * (index.vectors[rows] @ x) + near_w[chosen]
    if exclude is not None:
        score[index.ids[rows] == exclude] = -np.inf
    order = np.argsort(-score, kind="stable")
    best = [int(rows[i]) for i in order[:k] if np.isfinite(score[i])]
    if m == n:
        return best, None  # every crime was scored exactly
    if len(best) < k:
        return None, None
    reached = float(score[order[k - 1]])
    ceiling = TEXT_WEIGHT * float(np.linalg.norm(x)) * index.max_norm + left_out
    # 1e-6: room for the rounding of a float32 dot product against Cauchy-Schwarz's bound.
    return (best if reached > ceiling + 1e-6 else None), reached


# Rounding room for the sketch's bound (float32 products against exact arithmetic): far more
# than the error, and it only adds candidates.
_SKETCH_SLACK = 1e-4


def _from_sketch(
    index: LinkIndex,
    x: np.ndarray,
    window: np.ndarray,
    near_w: np.ndarray,
    k: int,
    exclude: int | None,
    reached: float | None,
) -> list[int] | None:
    """The top k rows (best first) from the sketch's bound, else None (then the full scan).
    Every row gets an upper bound on its score: TEXT_WEIGHT x the sketch's bound on the dot
    product, plus its near-repeat term. `reached` is a score the answer reaches (the k-th best
    of the nearest crimes); only rows whose bound reaches it can be in the top k, and those
    are scored exactly. When there is none, or it leaves more than 4 x _PREFILTER rows, the
    _PREFILTER rows with the highest bounds are scored exactly and their k-th best is tried
    too; when the higher leaves more than an eighth of the index, None: the scan is
    cheaper."""
    n = len(index.ids)
    assert index.basis is not None
    assert index.sketch is not None
    assert index.residual is not None
    bx = index.basis @ x
    rest = math.sqrt(max(float(x @ x) - float(bx @ bx), 0.0))
    near = np.zeros(n)
    near[window] = near_w
    bound = _one_thread(index.sketch, bx)
    bound += rest * index.residual
    bound *= TEXT_WEIGHT
    bound += near + _SKETCH_SLACK
    if exclude is not None:
        bound[index.ids == exclude] = -np.inf
    limit = n // 8
    rows = np.flatnonzero(bound >= reached) if reached is not None else None
    if rows is None or len(rows) > 4 * _PREFILTER:
        m = min(n, max(_PREFILTER, k))
        seed = np.argpartition(-bound, m - 1)[:m] if m < n else np.arange(n)
        seed = seed[np.isfinite(bound[seed])]
        if len(seed) < k:
            return None
        best = float(-np.partition(-_exact(index, x, seed, near), k - 1)[k - 1])
        if rows is None or reached is None or best > reached:
            rows = np.flatnonzero(bound >= best)
    # rows are in row order: ties fall as in the scan.
    if len(rows) > limit:
        return None
    score = _exact(index, x, rows, near)
    order = np.argsort(-score, kind="stable")[:k]
    return [int(rows[i]) for i in order]


def _exact(index: LinkIndex, x: np.ndarray, rows: np.ndarray, near: np.ndarray) -> np.ndarray:
    """These rows' scores, as the full scan computes them."""
    return TEXT_WEIGHT * (index.vectors[rows] @ x) + near[rows]


def _metres(index: LinkIndex, rows: np.ndarray, lat: float, lon: float) -> np.ndarray:
    # Equirectangular distance: ample at county scale, and cheap. NaN where unknown.
    x = np.radians(index.lon[rows] - lon) * math.cos(math.radians(lat))
    y = np.radians(index.lat[rows] - lat)
    return 6_371_000.0 * np.sqrt(x * x + y * y)


def _suggestion(
    index: LinkIndex, i: int, x: np.ndarray, lat: float | None, lon: float | None, t: float
) -> Suggestion:
    text = float(index.vectors[i] @ x)
    days = (float(index.t[i]) - t) / 86_400.0
    metres = math.nan
    if (
        lat is not None
        and lon is not None
        and NEAR_WEIGHT
        and abs(days) < _NEAR_CUTOFF * NEAR_REPEAT_DAYS
    ):
        metres = float(_metres(index, np.array([i]), lat, lon)[0])
    # near_repeat() for one crime, in scalars (the arrays' overhead is most of the cost here).
    near = (
        0.0
        if math.isnan(metres)
        else math.exp(-metres / NEAR_REPEAT_METRES - abs(days) / NEAR_REPEAT_DAYS)
    )
    return Suggestion(
        crime_id=int(index.ids[i]),
        score=TEXT_WEIGHT * text + NEAR_WEIGHT * near,
        text=text,
        near=near,
        metres=None if math.isnan(metres) else metres,
        days=days,
    )


# --- Storage ---------------------------------------------------------------------------------


def next_revision() -> int:
    """Bump the link index's revision, in the caller's transaction (its row lock is held to
    commit, so revisions commit in order)."""
    from django.db.models import F

    from .models import LinkIndexState

    if not LinkIndexState.objects.filter(pk=1).update(revision=F("revision") + 1):
        LinkIndexState.objects.get_or_create(pk=1)
        LinkIndexState.objects.filter(pk=1).update(revision=F("revision") + 1)
    return LinkIndexState.objects.values_list("revision", flat=True).get(pk=1)


def store_vector(crime: "CrimeRecord") -> None:
    """Encode the crime's text and store it (in the caller's transaction)."""
    from .models import TextVector

    name, encode = encoder()
    text = crime_text(
        crime.offence, crime.summary, crime.modus_operandi, crime.property_description
    )
    vector = encode([text])[0].astype(np.float32)
    TextVector.objects.update_or_create(
        crime=crime,
        defaults={"model": name, "vector": vector.tobytes(), "revision": next_revision()},
    )


def touch(crime: "CrimeRecord") -> None:
    """The crime's place or time changed, not its text: processes holding the index reload
    its row (in the caller's transaction)."""
    from .models import TextVector

    TextVector.objects.filter(crime=crime).update(revision=next_revision())


def store_missing_vectors(*, batch: int = 256, rebuild: bool = False) -> tuple[str, int]:
    """Encode and store the vector of every crime that has none from the current encoder (all
    of them with rebuild), in batches, each batch in its own transaction. Derived data, like
    store_vector's: not audited. Returns the encoder's name and how many were stored."""
    from django.db import transaction

    from .models import CrimeRecord, TextVector

    name, encode = encoder()
    crimes = CrimeRecord.objects.order_by("pk")
    if not rebuild:
        crimes = crimes.exclude(text_vector__model=name)
    fields = ("pk", "offence", "summary", "modus_operandi", "property_description")
    pending = list(crimes.values_list(*fields))
    for start in range(0, len(pending), batch):
        rows = pending[start : start + batch]
        vectors = encode([crime_text(*row[1:]) for row in rows]).astype(np.float32)
        with transaction.atomic():
            revision = next_revision()
            for row, vector in zip(rows, vectors, strict=True):
                TextVector.objects.update_or_create(
                    crime_id=row[0],
                    defaults={"model": name, "vector": vector.tobytes(), "revision": revision},
                )
    return name, len(pending)


@dataclass
class _Loaded:
    revision: int
    at: float
    index: LinkIndex


_cache: dict[str, _Loaded] = {}
_cache_lock = threading.Lock()
# A full reload now and then: the revision sees every change but a deleted crime (a purged
# training exercise), which until then only takes a place among the suggestions that the
# pages drop.
FULL_RELOAD_SECONDS = 600.0
_ROW = ("crime_id", "vector", "crime__latitude", "crime__longitude", "crime__occurred_from")


def _arrays(rows: list[tuple], dim: int) -> dict[str, np.ndarray]:  # type: ignore[type-arg]
    return {
        "ids": np.array([r[0] for r in rows], dtype=np.int64),
        "vectors": (
            np.frombuffer(b"".join(bytes(r[1]) for r in rows), dtype=np.float32).reshape(-1, dim)
            if rows
            else np.zeros((0, dim), dtype=np.float32)
        ),
        "lat": np.array([np.nan if r[2] is None else r[2] for r in rows], dtype=np.float64),
        "lon": np.array([np.nan if r[3] is None else r[3] for r in rows], dtype=np.float64),
        "t": np.array([(r[4] or r[5]).timestamp() for r in rows], dtype=np.float64),
    }


def index_from_db() -> LinkIndex:
    """The index of every stored vector of the current encoder, held in the process. Each call
    reads one row (LinkIndexState) to learn whether anything changed; if so, only the rows
    past the revision it holds are read and patched in (a new index; the old one stays whole
    for any query still using it); a full reload every FULL_RELOAD_SECONDS."""
    from .models import LinkIndexState, TextVector

    name, _ = encoder()
    dim = DIMENSIONS[name]
    revision = LinkIndexState.objects.filter(pk=1).values_list("revision", flat=True).first() or 0
    with _cache_lock:
        held = _cache.get(name)
        if held and held.revision == revision and time.monotonic() - held.at < FULL_RELOAD_SECONDS:
            return held.index
        fields = (*_ROW, "crime__reported_at")
        if held and held.revision < revision and time.monotonic() - held.at < FULL_RELOAD_SECONDS:
            changed = list(
                TextVector.objects.filter(revision__gt=held.revision).values_list(
                    *fields, "model", "revision"
                )
            )
            fresh = _arrays([r for r in changed if r[6] == name], dim)
            old = held.index
            index = old.patched(~np.isin(old.ids, [r[0] for r in changed]), fresh)
            seen = max([held.revision, *(r[7] for r in changed)])
            _cache[name] = _Loaded(max(seen, revision), held.at, index)
            return index
        rows = list(TextVector.objects.filter(model=name).order_by("crime_id").values_list(*fields))
        index = LinkIndex(**_arrays(rows, dim))
        _cache[name] = _Loaded(revision, time.monotonic(), index)
        return index


def suggestions_for(crime: "CrimeRecord", *, k: int = 5) -> list[Suggestion]:
    from .models import TextVector

    name, encode = encoder()
    stored = TextVector.objects.filter(crime=crime, model=name).first()
    if stored is not None:
        vector = np.frombuffer(bytes(stored.vector), dtype=np.float32)
    else:
        text = crime_text(
            crime.offence, crime.summary, crime.modus_operandi, crime.property_description
        )
        vector = encode([text])[0]
    when = crime.occurred_from or crime.reported_at
    return suggest(
        index_from_db(),
        vector,
        lat=crime.latitude,
        lon=crime.longitude,
        t=when.timestamp(),
        k=k,
        exclude=crime.pk,
    )
