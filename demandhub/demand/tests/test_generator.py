"""The generator follows its profile: channel shares, hour-of-week shape, incident-type mix,
locations inside the areas and the follow-on behaviour, checked on fixed seeds."""

import math
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from demandhub.contacts.aml import parse_sms
from demandhub.contacts.phones import to_e164
from demandhub.demand import generator as g
from demandhub.demand import profile as p
from demandhub.demand.gateway import aml_text
from demandhub.demand.geography import area_from_geojson, demo_areas, sample_point
from demandhub.incidents.classifications import DEFAULT_CLASSIFICATIONS

MONDAY = datetime(2026, 1, 5, tzinfo=UTC)  # Monday 00:00 in London (GMT)
PRIMARY = (g.FIRST, g.REPEAT)


def chi2_critical(df: int, z: float = 3.09) -> float:
    """The chi-square value exceeded with probability about 0.001 (Wilson-Hilferty)."""
    return df * (1 - 2 / (9 * df) + z * math.sqrt(2 / (9 * df))) ** 3


def chi2(observed: list[int], expected: list[float]) -> float:
    return sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True) if e > 0)


@pytest.fixture(scope="module")
def four_weeks() -> list[g.Send]:
    end = MONDAY + timedelta(weeks=4)
    return list(g.generate(p.Profile(), areas=demo_areas(), seed=11, start=MONDAY, end=end))


def primary(sends: list[g.Send], channel: str | None = None) -> list[g.Send]:
    return [s for s in sends if s.role in PRIMARY and channel in (None, s.channel)]


def test_each_channel_gets_its_share_of_the_contacts(four_weeks):
    profile = p.Profile()
    firsts = primary(four_weeks)
    counts = Counter(s.channel for s in firsts)

    expected = [profile.share(c) * len(firsts) for c in p.CHANNELS]
    assert chi2([counts[c] for c in p.CHANNELS], expected) < chi2_critical(len(p.CHANNELS) - 1)
    assert len(firsts) == pytest.approx(sum(profile.daily(c) for c in p.CHANNELS) * 28, rel=0.02)
    assert counts["web_chat"] > counts["101"] > counts["999"] > counts["online_report"]


@pytest.mark.parametrize("channel", ["999", "101", "web_chat"])
def test_arrivals_follow_the_hour_of_week_shape(four_weeks, channel):
    calls = primary(four_weeks, channel)
    by_hour = Counter(g.hour_of_week(s.at, g.LONDON) for s in calls)

    expected = [share * len(calls) for share in p.weekly_shape(channel)]
    assert chi2([by_hour[h] for h in range(p.HOURS_PER_WEEK)], expected) < chi2_critical(167)


def test_the_small_hours_are_quieter_than_the_evening_and_friday_night_is_busy_on_999(four_weeks):
    calls = primary(four_weeks, "999")
    local_hours = Counter(s.at.astimezone(g.LONDON).hour for s in calls)
    friday_23 = sum(1 for s in calls if g.hour_of_week(s.at, g.LONDON) == 4 * 24 + 23)
    tuesday_23 = sum(1 for s in calls if g.hour_of_week(s.at, g.LONDON) == 1 * 24 + 23)

    assert local_hours[4] * 2 < local_hours[18]
    assert friday_23 > tuesday_23


def test_incident_types_follow_each_channels_mix_and_use_the_incident_codes(four_weeks):
    known = {c.code for c in DEFAULT_CLASSIFICATIONS}
    calls = primary(four_weeks, "999")
    counts = Counter(s.classification for s in calls)
    mix = p.TYPE_MIX["999"]
    total = sum(mix.values())

    assert {s.classification for s in four_weeks} <= known
    expected = [mix[code] / total * len(calls) for code in mix]
    assert chi2([counts[code] for code in mix], expected) < chi2_critical(len(mix) - 1)


def test_every_location_is_inside_its_policing_area(four_weeks):
    areas = {a.code: a for a in demo_areas()}

    located = [s for s in four_weeks if s.latitude is not None]
    assert len(located) == len(four_weeks)
    assert all(areas[s.area].contains(s.longitude, s.latitude) for s in located)
    assert {s.area for s in located} == set(areas)


def test_points_fall_inside_an_irregular_boundary_and_never_in_its_hole():
    ring = [[0, 0], [4, 0], [4, 4], [2, 1], [0, 4], [0, 0]]
    hole = [[0.5, 0.2], [1, 0.2], [1, 0.6], [0.5, 0.6], [0.5, 0.2]]
    area = area_from_geojson("X", "X", {"type": "Polygon", "coordinates": [ring, hole]})
    rng = g.random.Random(3)

    points = [sample_point(rng, area) for _ in range(500)]
    assert all(area.contains(lon, lat) for lat, lon in points)
    assert not any(0.5 < lon < 1 and 0.2 < lat < 0.6 for lat, lon in points)
    assert not any(1.5 < lon < 2.5 and lat > 2 for lat, lon in points)  # the notch


def test_the_same_seed_gives_the_same_demand_and_another_seed_does_not():
    def run(seed: int) -> list[tuple[object, ...]]:
        end = MONDAY + timedelta(hours=6)
        sends = g.generate(p.Profile(), areas=demo_areas(), seed=seed, start=MONDAY, end=end)
        return [(s.at, s.kind, s.payload) for s in sends]

    assert run(5) == run(5)
    assert run(5) != run(6)


def test_the_stream_is_in_time_order_and_ends_at_the_end(four_weeks):
    times = [s.at for s in four_weeks]

    assert times == sorted(times)
    assert times[-1] < MONDAY + timedelta(weeks=4)


def test_most_mobile_999_calls_send_aml_from_the_same_number(four_weeks):
    calls = {
        s.payload["call_id"]: s
        for s in four_weeks
        if s.kind == g.TELEPHONY and s.payload["event"] == "offered" and s.channel == "999"
    }
    mobile = [s for s in calls.values() if s.payload["cli"].startswith("07700")]
    aml = [s for s in four_weeks if s.kind == g.AML_SMS]

    assert len(mobile) / len(calls) == pytest.approx(0.75, abs=0.03)
    assert len(aml) / len(mobile) == pytest.approx(0.9, abs=0.03)
    senders = {to_e164(s.payload["cli"]) for s in mobile}
    assert {s.payload["sender"] for s in aml} <= senders
    landlines = [s for s in calls.values() if not s.payload["cli"].startswith("07700")]
    assert all(s.payload["address"] for s in landlines)


def test_callers_ring_off_duplicate_call_back_and_come_back(four_weeks):
    offered = [s for s in four_weeks if s.kind == g.TELEPHONY and s.payload["event"] == "offered"]
    abandoned = [s for s in four_weeks if s.role == g.ABANDONED]
    roles = Counter(s.role for s in four_weeks)
    rtc = [s for s in offered if s.classification == "TRANSPORT-RTC-INJURY"]
    rtc_incidents = {s.incident for s in rtc}

    rate_999 = sum(s.channel == "999" for s in abandoned) / sum(s.channel == "999" for s in offered)
    rate_101 = sum(s.channel == "101" for s in abandoned) / sum(s.channel == "101" for s in offered)
    assert rate_999 == pytest.approx(0.03, abs=0.01)
    assert rate_101 == pytest.approx(0.15, abs=0.02)
    assert len(rtc) / len(rtc_incidents) == pytest.approx(2.6, rel=0.1)  # 1 + 1.6 extra callers
    assert roles[g.CALLBACK] > 0
    assert roles[g.REPEAT] / (roles[g.FIRST] + roles[g.REPEAT]) == pytest.approx(0.06, abs=0.01)
    by_call = {s.payload["call_id"]: s.at for s in offered}
    assert all(s.at > by_call[s.payload["call_id"]] for s in abandoned)


def test_callers_have_fictional_numbers_that_the_hub_reads(four_weeks):
    numbers = {s.payload["cli"] for s in four_weeks if s.kind == g.TELEPHONY and "cli" in s.payload}

    assert all(n.startswith(("07700 900", "01632 960")) for n in numbers)
    assert all(to_e164(n) for n in numbers)
    emails = {s.payload["email"] for s in four_weeks if s.kind in (g.CHAT, g.REPORT)}
    assert all(e.rsplit("@", 1)[1].startswith("example.") for e in emails)


def test_scale_multiplies_demand():
    end = MONDAY + timedelta(days=1)
    normal = g.generate(p.Profile(), areas=demo_areas(), seed=2, start=MONDAY, end=end)
    tenfold = g.generate(p.Profile(scale=10), areas=demo_areas(), seed=2, start=MONDAY, end=end)

    firsts = len(primary(list(normal)))
    assert len(primary(list(tenfold))) == pytest.approx(10 * firsts, rel=0.05)


def test_aml_text_carries_its_own_length():
    text = aml_text({"lt": 52.2, "lg": 0.12, "rd": 8, "lc": 68, "pm": "G"}, MONDAY)

    assert text.endswith(f"ml={len(text)}")
    position = parse_sms(text)
    assert position.warnings == []
    assert position.positioned_at == MONDAY
