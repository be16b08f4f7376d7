"""Pure rules for positions: which fixes are refused, what is stale, the distance."""

from datetime import UTC, datetime, timedelta

import pytest

from demandhub.dispatch.positions import Bounds, Fix, haversine_km, is_stale, problem_with

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
SKEW = timedelta(seconds=30)
CAMBS = Bounds(south=52.0, west=-0.6, north=52.8, east=0.5)


def fix(**kw: object) -> Fix:
    values: dict[str, object] = {
        "call_sign": "R01",
        "latitude": 52.2,
        "longitude": 0.12,
        "recorded_at": NOW,
    }
    values.update(kw)
    return Fix(**values)  # type: ignore[arg-type]


def test_a_good_fix_has_no_problem():
    assert problem_with(fix(), now=NOW, clock_skew=SKEW, bounds=CAMBS) is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"latitude": 91.0}, "off the map"),
        ({"longitude": -180.5}, "off the map"),
        ({"latitude": float("nan")}, "must be numbers"),
        ({"longitude": float("inf")}, "must be numbers"),
        ({"latitude": 51.5, "longitude": -0.12}, "outside the force's area"),
        ({"recorded_at": NOW + timedelta(seconds=31)}, "in the future"),
        ({"recorded_at": datetime(2026, 11, 23, 10, 0)}, "needs a time zone"),  # noqa: DTZ001
        ({"speed_kmh": -1.0}, "speed_kmh must be"),
        ({"heading": 360.0}, "heading must be below 360"),
    ],
)
def test_impossible_fixes_are_refused_with_the_reason(change, reason):
    assert reason in (problem_with(fix(**change), now=NOW, clock_skew=SKEW, bounds=CAMBS) or "")


def test_a_fix_a_little_ahead_of_our_clock_is_tolerated():
    ahead = fix(recorded_at=NOW + timedelta(seconds=29))

    assert problem_with(ahead, now=NOW, clock_skew=SKEW, bounds=CAMBS) is None


def test_without_a_box_only_the_earth_limits_positions():
    assert (
        problem_with(fix(latitude=-33.9, longitude=151.2), now=NOW, clock_skew=SKEW, bounds=None)
        is None
    )


def test_a_position_older_than_the_limit_is_stale_and_none_at_all_is_stale():
    limit = timedelta(minutes=5)

    assert not is_stale(NOW - timedelta(minutes=5), now=NOW, max_age=limit)
    assert is_stale(NOW - timedelta(minutes=5, seconds=1), now=NOW, max_age=limit)
    assert is_stale(None, now=NOW, max_age=limit)


def test_bounds_parse_widen_and_refuse_nonsense():
    box = Bounds.parse("52,-0.6,52.8,0.5")
    wide = box.widened(50)

    assert wide.south == pytest.approx(52 - 50 / 111.32)
    assert wide.contains(52.8 + 0.4, 0.5)
    assert not box.contains(52.8 + 0.4, 0.5)
    for text in ["52,0,51,1", "1,2,3", "a,b,c,d", "-91,0,0,1"]:
        with pytest.raises(ValueError):  # noqa: PT011
            Bounds.parse(text)


def test_haversine_matches_a_known_distance():
    # Cambridge (Parkside) to Peterborough (Thorpe Wood): about 50 km as the crow flies.
    assert haversine_km(52.2030, 0.1334, 52.5707, -0.2893) == pytest.approx(49.95, abs=0.05)
