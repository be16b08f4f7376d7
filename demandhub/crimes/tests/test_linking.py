"""Linked-crime suggestions: text similarity plus near-repeat closeness, on known links."""

import random
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command

from demandhub.crimes import linking
from demandhub.crimes.linking import LinkIndex, lexical_encode, lexical_vector, near_repeat
from demandhub.crimes.models import TextVector

from .factories import crime

DAY = 86_400.0


def test_lexical_vectors_are_unit_length_and_similar_texts_are_closer():
    a = lexical_vector("rear door forced with a screwdriver, laptop taken")
    b = lexical_vector("rear door forced using a screwdriver; jewellery taken")
    c = lexical_vector("graffiti sprayed on a bus shelter")

    assert abs(float(np.linalg.norm(a)) - 1.0) < 1e-5
    assert float(a @ b) > 0.5 > float(a @ c)


def test_near_repeat_is_one_at_the_same_place_and_time_and_falls_away():
    near = near_repeat(np.array([0.0, 400.0, 0.0, np.nan]), np.array([0.0, 0.0, 14.0, 0.0]))

    assert np.allclose(near, [1.0, np.exp(-1), np.exp(-1), 0.0])


def _index(texts, positions, days):  # type: ignore[no-untyped-def]
    return LinkIndex(
        ids=np.arange(len(texts)),
        vectors=lexical_encode(texts).astype(np.float32),
        lat=np.array([p[0] for p in positions]),
        lon=np.array([p[1] for p in positions]),
        t=np.array(days) * DAY,
    )


def test_a_similar_crime_nearby_outranks_the_same_words_far_away():
    mo = "rear door forced with a screwdriver, laptop taken"
    index = _index(
        [mo, mo, "rear door forced with a screwdriver, tablet taken", "bike stolen from a rack"],
        [(52.20, 0.12), (52.60, -0.30), (52.201, 0.121), (52.218, 0.12)],
        [0, 1, 3, 0],
    )

    found = linking.suggest(index, index.vectors[0], lat=52.20, lon=0.12, t=0, k=3, exclude=0)

    assert [s.crime_id for s in found] == [2, 1, 3]
    assert found[0].metres is not None
    assert found[0].metres < 200


def test_a_crime_with_no_place_is_matched_on_text_alone():
    index = _index(
        ["catalytic converter cut off", "shoplifting of razors"], [(52.2, 0.1)] * 2, [0, 0]
    )

    found = linking.suggest(
        index, lexical_vector("catalytic converter cut"), lat=None, lon=None, t=0
    )

    assert found[0].crime_id == 0
    assert found[0].near == 0.0


def test_precision_at_5_on_a_generated_set_with_known_series():
    rng = random.Random(3)
    phrases = [
        "rear door forced",
        "window smashed",
        "lock snapped",
        "shed padlock cut",
        "laptop taken",
        "tools taken",
        "bicycle taken",
        "cash taken",
        "overnight",
        "daytime",
        "offender wore gloves",
        "white van seen",
    ]
    texts, positions, days, label = [], [], [], []
    for s in range(20):
        words = rng.sample(phrases, 4)
        lat, lon, day = rng.uniform(52.1, 52.7), rng.uniform(-0.5, 0.4), rng.uniform(0, 365)
        for _ in range(6):
            texts.append(" ".join(words))
            positions.append((lat + rng.gauss(0, 0.001), lon + rng.gauss(0, 0.0015)))
            days.append(day + rng.uniform(-4, 4))
            label.append(s)
    for _ in range(400):
        texts.append(" ".join(rng.sample(phrases, 4)))
        positions.append((rng.uniform(52.1, 52.7), rng.uniform(-0.5, 0.4)))
        days.append(rng.uniform(0, 365))
        label.append(-1)
    index = _index(texts, positions, days)

    hits = 0
    for q in range(120):
        found = linking.suggest(
            index,
            index.vectors[q],
            lat=positions[q][0],
            lon=positions[q][1],
            t=days[q] * DAY,
            exclude=q,
        )
        hits += sum(label[s.crime_id] == label[q] for s in found)

    assert hits / (5 * 120) > 0.8


@pytest.mark.django_db
def test_vectors_command_encodes_crimes_missing_a_vector_of_the_current_encoder(
    monkeypatch: pytest.MonkeyPatch, cambridge: object
) -> None:
    monkeypatch.setenv("DEMANDHUB_TEXT_ENCODER", "lexical")
    first = crime(modus_operandi="rear door forced with a screwdriver")
    crime(modus_operandi="shed padlock cut with bolt croppers")
    assert set(TextVector.objects.values_list("model", flat=True)) == {linking.LEXICAL}
    monkeypatch.setenv("DEMANDHUB_TEXT_ENCODER", "minilm")
    out = StringIO()

    call_command("crimes", "vectors", "--batch", "1", stdout=out)
    call_command("crimes", "vectors", stdout=out)

    assert out.getvalue().splitlines() == [
        f"2 crime vectors stored ({linking.MINILM})",
        f"0 crime vectors stored ({linking.MINILM})",
    ]
    stored = TextVector.objects.get(crime=first)
    assert stored.model == linking.MINILM
    assert len(bytes(stored.vector)) == 384 * 4
    assert len(linking.suggestions_for(first)) == 1


@pytest.mark.django_db
def test_stored_minilm_vectors_are_searched_by_default(
    monkeypatch: pytest.MonkeyPatch, cambridge: object
) -> None:
    monkeypatch.delenv("DEMANDHUB_TEXT_ENCODER", raising=False)
    jemmied = crime(
        modus_operandi="rear door jemmied open and a laptop stolen", latitude=None, longitude=None
    )
    prised = crime(
        modus_operandi="burglars prised the back door and took a computer",
        latitude=None,
        longitude=None,
    )
    crime(modus_operandi="graffiti sprayed on a bus shelter", latitude=None, longitude=None)

    found = linking.suggestions_for(jemmied, k=2)

    assert TextVector.objects.get(crime=jemmied).model == linking.MINILM
    assert found[0].crime_id == prised.pk


def _brute_force(index: LinkIndex, q: int, k: int = 5) -> list[int]:
    """The score for every crime, no shortcuts: the definition suggest() must match."""
    text = index.vectors.astype(np.float64) @ index.vectors[q].astype(np.float64)
    days = (index.t - index.t[q]) / DAY
    x = np.radians(index.lon - index.lon[q]) * np.cos(np.radians(index.lat[q]))
    y = np.radians(index.lat - index.lat[q])
    near = near_repeat(6_371_000.0 * np.sqrt(x * x + y * y), days)
    near[np.abs(days) >= linking._NEAR_CUTOFF * linking.NEAR_REPEAT_DAYS] = 0.0
    score = linking.TEXT_WEIGHT * text + linking.NEAR_WEIGHT * near
    score[q] = -np.inf
    return [int(i) for i in np.argsort(-score, kind="stable")[:k]]


def _clustered(
    seed: int, series: int, noise: int, spread: float = 1.0
) -> tuple[LinkIndex, list[int]]:
    """Series of 6 within about spread x 150 m and spread x 3 days, and noise anywhere over a
    year; returns the index and the series members. The text vectors are random in 96
    dimensions, three times the sketch's: its bound is weak, so the full scan is exercised."""
    rng = np.random.default_rng(seed)
    centres = [
        (rng.uniform(52.1, 52.7), rng.uniform(-0.5, 0.4), rng.uniform(0, 365))
        for _ in range(series)
    ]
    lat = [c[0] + rng.normal(0, 0.001 * spread) for c in centres for _ in range(6)]
    lon = [c[1] + rng.normal(0, 0.0015 * spread) for c in centres for _ in range(6)]
    day = [c[2] + rng.uniform(-3, 3) * spread for c in centres for _ in range(6)]
    members = list(range(len(lat)))
    lat += list(rng.uniform(52.1, 52.7, noise))
    lon += list(rng.uniform(-0.5, 0.4, noise))
    day += list(rng.uniform(0, 365, noise))
    vectors = rng.standard_normal((len(lat), 96)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = LinkIndex(
        ids=np.arange(len(lat)),
        vectors=vectors,
        lat=np.array(lat),
        lon=np.array(lon),
        t=np.array(day) * DAY,
    )
    return index, members


def _scans(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    scan = linking._scan

    def counted(vectors: np.ndarray, x: np.ndarray) -> np.ndarray:
        calls.append(len(vectors))
        return scan(vectors, x)

    monkeypatch.setattr(linking, "_scan", counted)
    return calls


@pytest.mark.parametrize("spread", [0.3, 1.0, 3.0])
def test_suggestions_are_the_exact_top_5_whether_or_not_the_scan_is_skipped(
    monkeypatch: pytest.MonkeyPatch, spread: float
) -> None:
    index, members = _clustered(seed=4, series=30, noise=3000, spread=spread)
    scans = _scans(monkeypatch)

    for q in [*members, *range(len(members), len(members) + 60)]:
        found = linking.suggest(
            index,
            index.vectors[q],
            lat=index.lat[q],
            lon=index.lon[q],
            t=index.t[q],
            exclude=q,
        )
        assert [s.crime_id for s in found] == _brute_force(index, q), q

    # A noise crime (no near neighbours) needs the scan of all rows; in a tight series (30-50
    # m, a day) the 5 mates settle it without; looser series are scanned when their 5th mate's
    # score cannot beat the best a text match alone could reach (0.3).
    assert set(scans) == {len(index.ids)}
    if spread == 0.3:
        assert len(scans) == 60
    else:
        assert len(scans) > 60


def test_a_crime_with_no_place_or_no_neighbours_is_scanned_in_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    index, _ = _clustered(seed=5, series=3, noise=200)
    scans = _scans(monkeypatch)

    found = linking.suggest(index, index.vectors[0], lat=None, lon=None, t=index.t[0], exclude=0)

    assert scans == [len(index.ids)]
    assert all(s.metres is None and s.near == 0.0 for s in found)
    text = index.vectors @ index.vectors[0]
    text[0] = -np.inf
    assert [s.crime_id for s in found] == [int(i) for i in np.argsort(-text)[:5]]


def _topical(seed: int, n: int, spread: float) -> LinkIndex:
    """Text vectors near a few topics (like the shared phrasing of MOs, which real encoders
    turn into a few strong directions), 64 dimensions; series of 6 as in _clustered."""
    index, _ = _clustered(seed=seed, series=30, noise=n, spread=spread)
    rng = np.random.default_rng(seed)
    topics = rng.standard_normal((12, 64))
    vectors = rng.standard_normal((len(index.ids), 12)) ** 3 @ topics
    vectors += 0.3 * rng.standard_normal(vectors.shape)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return LinkIndex(
        ids=index.ids, vectors=vectors.astype(np.float32), lat=index.lat, lon=index.lon, t=index.t
    )


@pytest.mark.parametrize("spread", [1.0, 3.0])
def test_the_sketch_bound_settles_loose_series_exactly_without_the_scan(
    monkeypatch: pytest.MonkeyPatch, spread: float
) -> None:
    index = _topical(seed=6, n=3000, spread=spread)
    scans = _scans(monkeypatch)
    nearest = []
    settled_near = linking._from_nearest

    def counted(*args: object) -> tuple[list[int] | None, float | None]:
        found = settled_near(*args)  # type: ignore[arg-type]
        nearest.append(found[0] is not None)
        return found

    monkeypatch.setattr(linking, "_from_nearest", counted)

    queries = [*range(180), *range(180, 3180, 50)]
    for q in queries:
        found = linking.suggest(
            index, index.vectors[q], lat=index.lat[q], lon=index.lon[q], t=index.t[q], exclude=q
        )
        assert [s.crime_id for s in found] == _brute_force(index, q), q

    assert scans == []  # every query settled by the nearest crimes or by the sketch
    # The nearest crimes settle some tight series; the rest were the sketch's (none of the
    # loosest series is settled by its nearest crimes alone).
    assert sum(nearest) < len(queries)
    if spread == 3.0:
        assert sum(nearest) == 0


def test_a_crime_with_no_place_is_found_its_top_5_on_text_from_the_sketch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    index = _topical(seed=7, n=3000, spread=1.0)
    scans = _scans(monkeypatch)

    for q in range(0, 3000, 100):
        found = linking.suggest(
            index, index.vectors[q], lat=None, lon=None, t=index.t[q], exclude=q
        )
        text = index.vectors @ index.vectors[q]
        text[q] = -np.inf
        assert [s.crime_id for s in found] == [int(i) for i in np.argsort(-text)[:5]], q

    assert scans == []


@pytest.mark.django_db
def test_the_index_is_read_once_and_then_patched_with_only_the_changed_rows(
    monkeypatch: pytest.MonkeyPatch,
    cambridge: object,
    django_assert_num_queries: object,
) -> None:
    from demandhub.crimes.actions import set_crime_location

    monkeypatch.setenv("DEMANDHUB_TEXT_ENCODER", "lexical")
    linking._cache.clear()
    first = crime(modus_operandi="rear door forced with a screwdriver")
    second = crime(modus_operandi="shed padlock cut with bolt croppers")
    whole = linking.index_from_db()
    assert sorted(whole.ids.tolist()) == [first.pk, second.pk]

    with django_assert_num_queries(1):  # type: ignore[operator]
        assert linking.index_from_db() is whole  # only the revision is read

    set_crime_location(second, by=None, text="52.2100, 0.1300")  # type: ignore[arg-type]
    third = crime(modus_operandi="garage door forced with a crowbar")
    with django_assert_num_queries(2):  # type: ignore[operator]
        patched = linking.index_from_db()  # the revision, then the two changed rows

    at = {int(i): n for n, i in enumerate(patched.ids)}
    assert sorted(at) == [first.pk, second.pk, third.pk]
    assert (patched.lat[at[second.pk]], patched.lon[at[second.pk]]) == (52.21, 0.13)
    assert whole.lat[list(whole.ids).index(second.pk)] != 52.21  # the old index is untouched
    assert patched.basis is whole.basis  # the sketch's basis is kept; only new rows projected
    assert whole.basis is not None
    assert patched.sketch is not None
    assert np.allclose(patched.sketch, patched.vectors @ whole.basis.T, atol=1e-6)
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert linking.index_from_db() is patched
