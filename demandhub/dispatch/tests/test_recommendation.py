"""Ranking units for a target: suitability, capabilities, diversions, ETA against the deadline."""

from datetime import UTC, datetime, timedelta

import pytest

from demandhub.dispatch.recommendation import Fleet, Target, Unit, recommend
from demandhub.dispatch.requirements import required_capabilities
from demandhub.dispatch.travel import (
    DETOUR_FACTOR,
    SPEED_KMH,
    TURNOUT_SECONDS,
    turnout_seconds,
    turnout_table,
)

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
SCENE = (52.2053, 0.1218)  # Cambridge market square


def unit(call_sign: str, km_north: float, **kw: object) -> Unit:
    values: dict[str, object] = {
        "pk": abs(hash(call_sign)) % 10_000,
        "call_sign": call_sign,
        "kind": "response_car",
        "capabilities": frozenset(),
        "status": "available",
        "latitude": SCENE[0] + km_north / 111.195,
        "longitude": SCENE[1],
    }
    values.update(kw)
    return Unit(**values)  # type: ignore[arg-type]


def target(grade: int = 1, **kw: object) -> Target:
    values: dict[str, object] = {
        "latitude": SCENE[0],
        "longitude": SCENE[1],
        "grade": grade,
        "area_type": "urban",
    }
    values.update(kw)
    return Target(**values)  # type: ignore[arg-type]


def calls(recs) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.unit.call_sign for r in recs]


def test_available_units_are_ranked_nearest_first():
    fleet = Fleet([unit("FAR", 9), unit("NEAR", 1), unit("MID", 4)])

    assert calls(recommend(target(), fleet, now=NOW)) == ["NEAR", "MID", "FAR"]


def test_the_eta_is_distance_times_detour_over_the_kinds_speed():
    rec = recommend(target(area_type="rural"), Fleet([unit("R1", 10)]), now=NOW)[0]

    expected = 10 * DETOUR_FACTOR["rural"] / SPEED_KMH["response_car"]["rural"] * 3600
    assert rec.distance_km == pytest.approx(10, rel=1e-3)
    assert rec.eta_seconds == pytest.approx(expected, rel=1e-3)
    assert rec.eta_source == "estimate"
    assert rec.arrives_at == NOW + timedelta(seconds=rec.eta_seconds)


def test_a_faster_kind_further_away_can_arrive_first():
    fleet = Fleet([unit("NH", 3, kind="neighbourhood"), unit("RP", 4, kind="roads_policing")])

    assert calls(recommend(target(), fleet, now=NOW)) == ["RP", "NH"]


def test_units_not_available_are_not_offered():
    fleet = Fleet(
        [
            unit("MEAL", 1, status="refreshment"),
            unit("BROKEN", 1, status="unavailable"),
            unit("CUSTODY", 1, status="at_custody", commitment_grade=3),
            unit("FREE", 8),
        ]
    )

    assert calls(recommend(target(), fleet, now=NOW)) == ["FREE"]


def test_a_firearms_incident_is_offered_only_armed_units():
    armed = frozenset({"firearms", "taser"})
    fleet = Fleet([unit("R1", 1), unit("AR1", 6, kind="armed_response", capabilities=armed)])
    needs = required_capabilities("crime-firearms", [])

    assert calls(recommend(target(required=needs), fleet, now=NOW)) == ["AR1"]


def test_a_dangerous_dog_warning_needs_a_dog_unit():
    dogs = frozenset({"police_dog", "search"})
    fleet = Fleet([unit("R1", 1), unit("DOG1", 6, kind="dog_unit", capabilities=dogs)])
    needs = required_capabilities("CRIME-VIOLENCE", ["dangerous_dog", "domestic_abuse"])

    assert needs == {"police_dog"}
    assert calls(recommend(target(grade=2, required=needs), fleet, now=NOW)) == ["DOG1"]


def test_a_capability_nobody_has_leaves_no_recommendation():
    fleet = Fleet([unit("R1", 1)])

    assert recommend(target(required=frozenset({"helicopter"})), fleet, now=NOW) == []


def test_a_unit_on_a_less_urgent_incident_is_offered_for_a_grade_1_as_a_diversion():
    fleet = Fleet(
        [
            unit("ON_G2", 1, status="en_route", commitment_grade=2),
            unit("ON_G1", 1, status="at_scene", commitment_grade=1),
            unit("FREE", 5),
        ]
    )

    recs = recommend(target(grade=1), fleet, now=NOW)

    assert calls(recs) == ["ON_G2", "FREE"]
    assert [r.diversion for r in recs] == [True, False]


def test_no_diversions_for_anything_less_urgent_than_grade_1():
    fleet = Fleet([unit("ON_G3", 1, status="assigned", commitment_grade=3), unit("FREE", 5)])

    assert calls(recommend(target(grade=2), fleet, now=NOW)) == ["FREE"]


def test_a_committed_unit_whose_incident_grade_is_unknown_is_not_diverted():
    fleet = Fleet([unit("ON_X", 1, status="en_route", commitment_grade=None)])

    assert recommend(target(grade=1), fleet, now=NOW) == []


def test_on_equal_eta_the_unit_not_diverted_comes_first():
    fleet = Fleet([unit("DIV", 2, status="en_route", commitment_grade=3), unit("FREE", 2)])

    assert calls(recommend(target(grade=1), fleet, now=NOW)) == ["FREE", "DIV"]


def test_each_recommendation_shows_its_eta_against_the_deadline():
    deadline = NOW + timedelta(minutes=15)
    fleet = Fleet([unit("NEAR", 2), unit("FAR", 30)])

    near, far = recommend(target(deadline=deadline), fleet, now=NOW)

    assert near.in_time is True
    assert near.margin_seconds == pytest.approx((deadline - near.arrives_at).total_seconds())
    assert far.in_time is False
    assert far.margin_seconds < 0


def test_without_a_deadline_there_is_no_margin():
    rec = recommend(target(), Fleet([unit("R1", 1)]), now=NOW)[0]

    assert (rec.margin_seconds, rec.in_time) == (None, None)


def test_the_list_is_cut_at_the_limit():
    fleet = Fleet([unit(f"R{i}", i + 1) for i in range(20)])

    assert calls(recommend(target(), fleet, now=NOW, limit=3)) == ["R0", "R1", "R2"]


def test_road_times_reorder_the_candidates_and_fill_gaps_with_estimates():
    fleet = Fleet([unit("NEAR", 1), unit("ACROSS_RIVER", 2), unit("FAR", 3)])
    asked = []

    def road(origins, destination):  # type: ignore[no-untyped-def]
        asked.append((list(origins), destination))
        # NEAR is across a river with no bridge; FAR cannot be routed at all.
        return [900.0, 120.0, None]

    recs = recommend(target(), fleet, now=NOW, road_seconds=road)

    origins, destination = asked[0]
    assert [round(lat, 4) for lat, _ in origins] == [
        round(u.latitude, 4) for u in (fleet.units[0], fleet.units[1], fleet.units[2])
    ]
    assert destination == SCENE
    assert calls(recs) == ["ACROSS_RIVER", "FAR", "NEAR"]
    assert [r.eta_source for r in recs] == ["road", "estimate", "road"]
    assert recs[0].eta_seconds == 120.0


def test_an_empty_fleet_recommends_nothing():
    assert recommend(target(), Fleet([]), now=NOW) == []


def test_a_firearms_certificate_at_the_address_needs_armed_officers():
    assert required_capabilities("CRIME-BURGLARY-DWELLING", ["firearms_certificate"]) == {
        "firearms"
    }
    assert required_capabilities("CRIME-THEFT", ["drugs", "mental_health"]) == frozenset()


# Turn-out: the time before a sent unit is moving, added to every ETA.

DRIVE_3KM_URBAN = 3 * DETOUR_FACTOR["urban"] / SPEED_KMH["response_car"]["urban"] * 3600  # 378 s


def test_a_unit_at_its_station_arrives_its_turn_out_later_than_one_on_patrol():
    fleet = Fleet([unit("STATION", 3, at_station=True), unit("PATROL", 3)])

    patrol, station = recommend(target(), fleet, now=NOW)

    assert calls([patrol, station]) == ["PATROL", "STATION"]
    assert TURNOUT_SECONDS["at_station"] == 120
    assert patrol.eta_seconds == pytest.approx(DRIVE_3KM_URBAN, rel=1e-3)
    assert patrol.turnout_seconds == 0
    assert station.turnout_seconds == 120
    assert station.eta_seconds - patrol.eta_seconds == pytest.approx(120, abs=1e-9)
    assert station.arrives_at == NOW + timedelta(seconds=station.eta_seconds)


def test_turn_out_can_put_a_nearer_unit_behind_one_further_away():
    # 1 km from its station: 126 s + 120 s; 1.5 km on patrol: 189 s.
    fleet = Fleet([unit("STATION", 1, at_station=True), unit("PATROL", 1.5)])

    recs = recommend(target(), fleet, now=NOW)

    assert calls(recs) == ["PATROL", "STATION"]
    assert [round(r.eta_seconds) for r in recs] == [189, 246]


def test_turn_out_counts_against_the_deadline():
    deadline = NOW + timedelta(seconds=400)
    fleet = Fleet([unit("STATION", 3, at_station=True), unit("PATROL", 3)])

    patrol, station = recommend(target(deadline=deadline), fleet, now=NOW)

    assert patrol.in_time is True
    assert station.in_time is False
    assert station.margin_seconds == pytest.approx(400 - DRIVE_3KM_URBAN - 120, rel=1e-3)


def test_a_diversion_from_a_scene_has_the_walk_back_to_the_vehicle():
    fleet = Fleet(
        [
            unit("AT_SCENE", 2, status="at_scene", commitment_grade=3),
            unit("EN_ROUTE", 2, status="en_route", commitment_grade=3),
        ]
    )

    recs = recommend(target(grade=1), fleet, now=NOW)

    assert calls(recs) == ["EN_ROUTE", "AT_SCENE"]
    assert [r.turnout_seconds for r in recs] == [0, 60]


def test_turn_out_is_added_to_road_times_too():
    fleet = Fleet([unit("STATION", 1, at_station=True), unit("PATROL", 1)])

    # Asked in estimated order (PATROL first); PATROL is across the river, 300 s by road.
    recs = recommend(target(), fleet, now=NOW, road_seconds=lambda o, d: [300.0, 100.0])

    assert calls(recs) == ["STATION", "PATROL"]
    assert [(r.eta_seconds, r.eta_source) for r in recs] == [(220.0, "road"), (300.0, "road")]


def test_turn_out_overrides_by_key_and_by_kind():
    table = turnout_table({"at_station": 30, "armed_response:at_station": 0, "mobile": 10})
    armed = frozenset({"firearms"})
    fleet = Fleet(
        [
            unit("ARV", 3, kind="armed_response", capabilities=armed, at_station=True),
            unit("CAR", 3, at_station=True),
            unit("PATROL", 3),
        ],
        turnout=table,
    )

    recs = {r.unit.call_sign: r.turnout_seconds for r in recommend(target(), fleet, now=NOW)}

    assert recs == {"ARV": 0, "CAR": 30, "PATROL": 10}
    assert turnout_seconds(table, "dog_unit", "assigned", True) == 30
    assert turnout_seconds(table, "dog_unit", "assigned", False) == 0


@pytest.mark.parametrize(
    "bad",
    [{"lunch": 60}, {"spaceship:at_station": 60}, {"at_station": -1}, {"at_station": "90"}],
)
def test_a_bad_turn_out_override_is_refused_with_its_key(bad):
    with pytest.raises(ValueError, match=repr(next(iter(bad)))):
        turnout_table(bad)
