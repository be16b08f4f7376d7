"""Bulk positions: the API a vehicle locator calls, and the action behind it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from demandhub.accounts.actions import issue_token
from demandhub.audit.models import Action, Event
from demandhub.dispatch.models import Position, Resource

from .factories import ResourceFactory

URL = "/api/dispatch/positions"


@pytest.fixture
def token(vehicle_locator, administrator) -> str:
    _, secret = issue_token(vehicle_locator, by=administrator, name="AVL gateway")
    return secret


def post(client, token: str, positions: object):  # type: ignore[no-untyped-def]
    return client.post(
        URL,
        {"positions": positions},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def at(seconds_ago: float = 0) -> str:
    return (timezone.now() - timedelta(seconds=seconds_ago)).isoformat()


def test_a_locator_reports_many_units_and_each_gets_its_latest_position_and_a_track(
    client, token, listener, django_capture_on_commit_callbacks
):
    units = [ResourceFactory(call_sign=f"R{i:02d}") for i in range(3)]

    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            token,
            [
                {
                    "call_sign": u.call_sign,
                    "latitude": 52.2 + i / 100,
                    "longitude": 0.1,
                    "recorded_at": at(5),
                }
                for i, u in enumerate(units)
            ],
        )

    assert response.status_code == 200, response.json()
    assert response.json()["accepted"] == 3
    for i, unit in enumerate(units):
        unit.refresh_from_db()
        assert (unit.latitude, unit.longitude) == (pytest.approx(52.2 + i / 100), 0.1)
        assert unit.positions.count() == 1
    event = Event.objects.get(action=Action.POSITIONS_REPORTED)
    assert event.data["accepted"] == 3
    assert event.actor.username == "vehicle_locator"
    assert listener.notices() == [("resource.positions", "0")]


def test_bad_items_are_refused_one_by_one_and_the_good_ones_kept(client, token):
    good = ResourceFactory(call_sign="R01")
    other = ResourceFactory(
        call_sign="R02", latitude=52.0, longitude=0.0, position_at=timezone.now()
    )
    before = (other.latitude, other.longitude, other.position_at)

    response = post(
        client,
        token,
        [
            {"call_sign": "R01", "latitude": 52.21, "longitude": 0.13, "recorded_at": at(1)},
            {"call_sign": "R02", "latitude": 95.0, "longitude": 0.13, "recorded_at": at(1)},
            {"call_sign": "R02", "latitude": 52.3, "longitude": 0.13, "recorded_at": at(-3600)},
            {"call_sign": "NOPE", "latitude": 52.3, "longitude": 0.13, "recorded_at": at(1)},
            {"call_sign": "R02", "latitude": "north", "longitude": 0.13, "recorded_at": at(1)},
            {"call_sign": "R02", "longitude": 0.13, "recorded_at": at(1)},
        ],
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["accepted"], body["refused"]) == (1, 5)
    errors = [r["error"] for r in body["results"]]
    assert errors[0] == ""
    assert "off the map" in errors[1]
    assert "in the future" in errors[2]
    assert errors[3] == "no unit has this call sign"
    assert errors[4].startswith("latitude:")
    assert errors[5].startswith("latitude:")
    assert "required" in errors[5].lower()
    assert [r["index"] for r in body["results"]] == list(range(6))
    other.refresh_from_db()
    assert (other.latitude, other.longitude, other.position_at) == before
    assert not other.positions.exists()
    assert good.positions.count() == 1


def test_a_report_with_nothing_acceptable_is_a_422_and_stores_nothing(client, token):
    ResourceFactory(call_sign="R01")

    response = post(
        client,
        token,
        [{"call_sign": "R01", "latitude": 52.2, "longitude": 400, "recorded_at": at()}],
    )

    assert response.status_code == 422
    assert response.json()["results"][0]["error"].startswith("off the map")
    assert not Position.objects.exists()


@pytest.mark.parametrize("payload", [{"positions": []}, {"positions": "many"}, {}, [1, 2]])
def test_a_malformed_envelope_is_a_422(client, token, payload):
    response = client.post(
        URL, payload, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 422
    assert not Position.objects.exists()


def test_a_late_fix_joins_the_track_but_does_not_move_the_unit_back(client, token):
    unit = ResourceFactory(call_sign="R01")
    post(
        client,
        token,
        [{"call_sign": "R01", "latitude": 52.3, "longitude": 0.1, "recorded_at": at(10)}],
    )

    response = post(
        client,
        token,
        [{"call_sign": "R01", "latitude": 52.1, "longitude": 0.1, "recorded_at": at(60)}],
    )

    assert response.status_code == 200
    unit.refresh_from_db()
    assert unit.latitude == 52.3
    assert unit.positions.count() == 2


def test_positions_outside_the_configured_box_are_refused(client, token, settings):
    settings.DISPATCH_POSITION_BOUNDS = "52.0,-0.6,52.8,0.5"
    ResourceFactory(call_sign="R01")

    response = post(
        client,
        token,
        [{"call_sign": "R01", "latitude": 51.5, "longitude": -0.12, "recorded_at": at()}],
    )

    assert response.json()["results"][0]["error"] == "outside the force's area"


def test_without_a_setting_the_box_is_the_force_areas_with_a_margin(client, token, settings):
    from demandhub.forces.tests.factories import PolicingAreaFactory

    settings.DISPATCH_POSITION_MARGIN_KM = 10
    ring = [[0.0, 52.0], [0.2, 52.0], [0.2, 52.2], [0.0, 52.2], [0.0, 52.0]]
    PolicingAreaFactory(boundary={"type": "Polygon", "coordinates": [ring]})
    ResourceFactory(call_sign="R01")

    response = post(
        client,
        token,
        [
            {"call_sign": "R01", "latitude": 52.25, "longitude": 0.1, "recorded_at": at(2)},
            {"call_sign": "R01", "latitude": 52.5, "longitude": 0.1, "recorded_at": at(1)},
        ],
    )

    assert [r["error"] for r in response.json()["results"]] == ["", "outside the force's area"]


def test_a_report_costs_the_same_queries_for_one_unit_as_for_forty(
    client, token, django_assert_num_queries
):
    units = [ResourceFactory(call_sign=f"R{i:02d}") for i in range(40)]

    def report(n: int) -> None:
        fixes = [
            {"call_sign": u.call_sign, "latitude": 52.2, "longitude": 0.1, "recorded_at": at(1)}
            for u in units[:n]
        ]
        assert post(client, token, fixes).status_code == 200

    report(1)  # the token's last-used stamp is written at most once a minute; take it now
    # the token with its account's permissions (one statement, accounts/bearer.py); the
    # areas' box; lock the units; insert the track (ON CONFLICT DO NOTHING: no read of the
    # fixes the track already has); update the units; audit (head hash, with the chain lock
    # on PostgreSQL; insert); plus the savepoint pair the test transaction turns the action's
    # atomic block into (the audit entry takes no savepoint of its own). 12 before the unique
    # (unit, recorded time) constraint, 11 before the one-statement token.
    expected = 9
    with django_assert_num_queries(expected, exact=True):
        report(1)
    with django_assert_num_queries(expected, exact=True):
        report(40)


def test_a_retried_batch_stores_nothing_and_costs_one_statement_less_than_a_new_one(
    client, token, django_assert_num_queries
):
    units = [ResourceFactory(call_sign=f"R{i:02d}") for i in range(40)]
    when = at(5)
    fixes = [
        {"call_sign": u.call_sign, "latitude": 52.2, "longitude": 0.1, "recorded_at": when}
        for u in units
    ]
    first = post(client, token, fixes)  # also takes the token's last-used stamp

    # As a new report, less the units' update (nothing moves): the insert is sent and
    # stores nothing. Before the constraint a retry read the stored fixes instead.
    with django_assert_num_queries(8, exact=True):
        again = post(client, token, fixes)

    assert again.json() == first.json()
    assert again.json()["accepted"] == 40
    assert Position.objects.count() == 40
    report = Event.objects.filter(action=Action.POSITIONS_REPORTED).latest("id")
    assert (report.data["accepted"], report.data["already_stored"]) == (40, 40)


def test_a_batch_mixing_new_and_stored_fixes_stores_only_the_new(client, token):
    unit = ResourceFactory(call_sign="R01")
    old, new = at(20), at(10)
    post(
        client,
        token,
        [{"call_sign": "R01", "latitude": 52.2, "longitude": 0.1, "recorded_at": old}],
    )

    response = post(
        client,
        token,
        [
            {"call_sign": "R01", "latitude": 52.9, "longitude": 0.1, "recorded_at": old},
            {"call_sign": "R01", "latitude": 52.3, "longitude": 0.1, "recorded_at": new},
        ],
    )

    assert [r["accepted"] for r in response.json()["results"]] == [True, True]
    track = list(Position.objects.filter(resource=unit).order_by("recorded_at"))
    assert [p.latitude for p in track] == [52.2, 52.3]  # the stored fix is not overwritten
    unit.refresh_from_db()
    assert unit.latitude == 52.3
    report = Event.objects.filter(action=Action.POSITIONS_REPORTED).latest("id")
    assert (report.data["accepted"], report.data["already_stored"]) == (2, 1)


def test_the_track_cannot_hold_a_fix_twice(db):
    unit = ResourceFactory(call_sign="R01")
    when = timezone.now()
    fix = {"latitude": 52.2, "longitude": 0.1, "recorded_at": when, "received_at": when}
    Position.objects.create(resource=unit, **fix)

    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.create(resource=unit, **fix)


def test_dispatchers_cannot_report_positions_and_anonymous_callers_are_refused(client, dispatcher):
    ResourceFactory(call_sign="R01")
    fixes = {
        "positions": [{"call_sign": "R01", "latitude": 52.2, "longitude": 0.1, "recorded_at": at()}]
    }

    assert client.post(URL, fixes, content_type="application/json").status_code == 401
    client.force_login(dispatcher)
    assert client.post(URL, fixes, content_type="application/json").status_code == 403
    assert not Position.objects.exists()


def test_positions_are_listed_with_their_staleness(client, dispatcher, settings):
    settings.DISPATCH_STALE_POSITION_SECONDS = 300
    now = timezone.now()
    ResourceFactory(call_sign="FRESH", latitude=52.2, longitude=0.1, position_at=now)
    ResourceFactory(
        call_sign="OLD", latitude=52.2, longitude=0.1, position_at=now - timedelta(minutes=6)
    )
    ResourceFactory(call_sign="NEVER")
    client.force_login(dispatcher)

    rows = client.get("/api/dispatch/resources").json()

    assert {r["call_sign"]: r["stale"] for r in rows} == {
        "FRESH": False,
        "OLD": True,
        "NEVER": True,
    }


def test_a_naive_timestamp_is_refused_not_guessed(client, token):
    ResourceFactory(call_sign="R01")
    naive = datetime.now(UTC).replace(tzinfo=None).isoformat()

    response = post(
        client,
        token,
        [{"call_sign": "R01", "latitude": 52.2, "longitude": 0.1, "recorded_at": naive}],
    )

    assert "needs a time zone" in response.json()["results"][0]["error"]
    assert Resource.objects.get().position_at is None


def test_a_retried_report_gives_the_first_answer_and_stores_no_fix_twice(client, token):
    a, b = ResourceFactory(call_sign="R01"), ResourceFactory(call_sign="R02")
    when = at(5)
    fixes = [
        {"call_sign": "R01", "latitude": 52.2, "longitude": 0.1, "recorded_at": when},
        {"call_sign": "R02", "latitude": 52.3, "longitude": 0.2, "recorded_at": when},
        {"call_sign": "R99", "latitude": 52.3, "longitude": 0.2, "recorded_at": when},
    ]
    first = post(client, token, fixes)

    again = post(client, token, fixes)
    # The same unit and time inside one report is one fix too.
    twice = post(client, token, [fixes[0], {**fixes[0], "latitude": 52.25}])

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert first.json()["accepted"] == 2
    assert [r["accepted"] for r in twice.json()["results"]] == [True, True]
    assert Position.objects.filter(resource=a).count() == 1
    assert Position.objects.filter(resource=b).count() == 1
    assert Position.objects.get(resource=a).latitude == 52.2
    reports = Event.objects.filter(action=Action.POSITIONS_REPORTED).order_by("id")
    assert [(e.data["accepted"], e.data["already_stored"]) for e in reports] == [
        (2, 0),
        (2, 2),
        (2, 2),
    ]
