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
import time
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

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
    unknown) and times (epoch seconds)."""

    ids: np.ndarray
    vectors: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    t: np.ndarray


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
    """The k crimes scoring highest on TEXT_WEIGHT x cosine + NEAR_WEIGHT x near-repeat.

    One matrix-vector product for the text; the near-repeat term only for crimes within
    _NEAR_CUTOFF time scales (the rest add next to nothing), so a query over 100,000 crimes
    is a few milliseconds of numpy."""
    n = len(index.ids)
    if n == 0:
        return []
    score = index.vectors @ vector.astype(index.vectors.dtype, copy=False)
    text = score.copy()
    score *= TEXT_WEIGHT
    days = (index.t - t) / 86_400.0
    metres = np.full(n, np.nan)
    if lat is not None and lon is not None and not math.isnan(lat) and NEAR_WEIGHT:
        close = np.flatnonzero(np.abs(days) < _NEAR_CUTOFF * NEAR_REPEAT_DAYS)
        # Equirectangular distance: ample at county scale, and cheap.
        x = np.radians(index.lon[close] - lon) * math.cos(math.radians(lat))
        y = np.radians(index.lat[close] - lat)
        metres[close] = 6_371_000.0 * np.sqrt(x * x + y * y)
        score[close] += NEAR_WEIGHT * near_repeat(metres[close], days[close])
    if exclude is not None:
        score[index.ids == exclude] = -np.inf
    k = min(k, n)
    top = np.argpartition(-score, k - 1)[:k]
    top = top[np.argsort(-score[top])]
    return [
        Suggestion(
            crime_id=int(index.ids[i]),
            score=float(score[i]),
            text=float(text[i]),
            near=float(near_repeat(metres[i : i + 1], days[i : i + 1])[0]),
            metres=None if math.isnan(float(metres[i])) else float(metres[i]),
            days=float(days[i]),
        )
        for i in top
        if np.isfinite(score[i])
    ]


# --- Storage ---------------------------------------------------------------------------------


def store_vector(crime: "CrimeRecord") -> None:
    """Encode the crime's text and store it (in the caller's transaction)."""
    from .models import TextVector

    name, encode = encoder()
    text = crime_text(
        crime.offence, crime.summary, crime.modus_operandi, crime.property_description
    )
    vector = encode([text])[0].astype(np.float32)
    TextVector.objects.update_or_create(
        crime=crime, defaults={"model": name, "vector": vector.tobytes()}
    )
    _cache.clear()


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
            for row, vector in zip(rows, vectors, strict=True):
                TextVector.objects.update_or_create(
                    crime_id=row[0], defaults={"model": name, "vector": vector.tobytes()}
                )
    _cache.clear()
    return name, len(pending)


_cache: dict[str, tuple[float, tuple[int, int], LinkIndex]] = {}
CACHE_SECONDS = 60.0


def index_from_db() -> LinkIndex:
    """The index of every stored vector of the current encoder; cached in the process for
    CACHE_SECONDS, or until the number or newest of the vectors changes."""
    from django.db.models import Count, Max

    from .models import TextVector

    name, _ = encoder()
    rows = TextVector.objects.filter(model=name)
    key = tuple(rows.aggregate(n=Count("pk"), last=Max("pk")).values())
    cached = _cache.get(name)
    if cached and cached[1] == key and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[2]
    data = list(
        rows.values_list(
            "crime_id",
            "vector",
            "crime__latitude",
            "crime__longitude",
            "crime__occurred_from",
            "crime__reported_at",
        )
    )
    dim = DIMENSIONS[name]
    index = LinkIndex(
        ids=np.array([r[0] for r in data], dtype=np.int64),
        vectors=(
            np.frombuffer(b"".join(bytes(r[1]) for r in data), dtype=np.float32).reshape(-1, dim)
            if data
            else np.zeros((0, dim), dtype=np.float32)
        ),
        lat=np.array([np.nan if r[2] is None else r[2] for r in data], dtype=np.float64),
        lon=np.array([np.nan if r[3] is None else r[3] for r in data], dtype=np.float64),
        t=np.array([(r[4] or r[5]).timestamp() for r in data], dtype=np.float64),
    )
    _cache[name] = (time.monotonic(), key, index)  # type: ignore[assignment]
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
