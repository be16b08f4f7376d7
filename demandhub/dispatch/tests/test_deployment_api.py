import pytest
from django.utils import timezone

from demandhub.dispatch.models import Assignment

from .factories import ResourceFactory
from .incident_helpers import incident_awaiting


def test_recommend_then_assign_over_the_api(client, dispatcher):
    incident = incident_awaiting(grade=1, latitude=52.2053, longitude=0.1218)
    ResourceFactory(call_sign="R01", latitude=52.21, longitude=0.12, position_at=timezone.now())
    client.force_login(dispatcher)

    recs = client.get(f"/api/dispatch/incidents/{incident.pk}/recommendations").json()
    made = client.post(
        f"/api/dispatch/incidents/{incident.pk}/assignments",
        {"call_signs": [recs["recommendations"][0]["call_sign"]]},
        content_type="application/json",
    )

    assert recs["recommendations"][0]["call_sign"] == "R01"
    assert recs["recommendations"][0]["margin_seconds"] > 0
    assert made.status_code == 201
    assert made.json()[0]["call_sign"] == "R01"


def test_assigning_a_busy_unit_over_the_api_is_a_409_with_the_reason(client, dispatcher):
    first, second = incident_awaiting(grade=2), incident_awaiting(grade=2)
    ResourceFactory(call_sign="R01")
    client.force_login(dispatcher)
    url = "/api/dispatch/incidents/{}/assignments"
    client.post(url.format(first.pk), {"call_signs": ["R01"]}, content_type="application/json")

    response = client.post(
        url.format(second.pk), {"call_signs": ["r01"]}, content_type="application/json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "resource_not_available"
    assert f"already assigned to {first.reference}" in response.json()["detail"]
    assert Assignment.objects.get().incident == first


def test_unknown_call_signs_are_a_422(client, dispatcher):
    incident = incident_awaiting(grade=2)
    client.force_login(dispatcher)

    response = client.post(
        f"/api/dispatch/incidents/{incident.pk}/assignments",
        {"call_signs": ["NOPE"]},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert not Assignment.objects.exists()


def test_response_times_for_a_period_with_a_constant_query_count(
    client, dispatcher, response_officer, analyst, django_assert_num_queries
):
    from datetime import timedelta

    from demandhub.dispatch.actions import change_status
    from demandhub.dispatch.assignments import assign_resources
    from demandhub.dispatch.models import Resource

    now = timezone.now()
    late = incident_awaiting(grade=1, opened_at=now - timedelta(minutes=20))
    prompt = incident_awaiting(grade=1)
    for incident in (late, prompt):
        unit = ResourceFactory()
        assign_resources(incident, [unit], by=dispatcher)
        change_status(unit, Resource.Status.AT_SCENE, by=response_officer)
    client.force_login(analyst)
    url = "/api/dispatch/response-times"
    period = {
        "start": (now - timedelta(hours=1)).isoformat(),
        "end": (now + timedelta(hours=1)).isoformat(),
    }
    client.get(url, period)

    # session, user, user and group permissions, the deployments with incidents, areas and units
    with django_assert_num_queries(5, exact=True):
        rows = client.get(url, period).json()
    for _ in range(5):
        assign_resources(incident_awaiting(grade=2), [ResourceFactory()], by=dispatcher)
    with django_assert_num_queries(5, exact=True):
        assert len(client.get(url, period).json()) == 7

    by_incident = {r["incident"]: r for r in rows}
    assert by_incident[late.reference]["met"] is False
    assert by_incident[late.reference]["seconds_to_arrive"] >= 20 * 60
    assert by_incident[prompt.reference]["met"] is True
    assert by_incident[prompt.reference]["target_seconds"] == 15 * 60


def test_response_times_refuse_a_bad_period_and_dispatchers_and_default_to_a_day(
    client, dispatcher, analyst
):
    now = timezone.now()
    url = "/api/dispatch/response-times"
    client.force_login(analyst)

    backwards = client.get(url, {"start": now.isoformat(), "end": now.isoformat()})
    huge = client.get(url, {"start": "2026-01-01T00:00:00Z", "end": "2026-03-01T00:00:00Z"})
    nonsense = client.get(url, {"start": "yesterday"})
    # Found by schemathesis: an offset PostgreSQL refuses, and a day before the first one.
    odd_offset = client.get(url, {"end": "1096-10-31T09:58:55.1-21:29"})
    before_time = client.get(url, {"end": "0001-01-01T00:00:00Z"})
    default = client.get(url)
    client.force_login(dispatcher)
    refused = client.get(url, {"start": "2026-01-01T00:00:00Z", "end": "2026-01-02T00:00:00Z"})

    assert (backwards.status_code, huge.status_code, nonsense.status_code) == (422, 422, 422)
    assert (odd_offset.status_code, odd_offset.json()) == (200, [])
    assert before_time.status_code == 422
    assert default.status_code == 200
    assert refused.status_code == 403


def test_active_assignments_say_where_each_unit_is_going_in_constant_queries(
    client, dispatcher, django_assert_num_queries
):
    ResourceFactory(call_sign="R01")
    ResourceFactory(call_sign="R02")
    first = incident_awaiting(grade=1, latitude=52.2, longitude=0.12)
    second = incident_awaiting(grade=2, latitude=52.3, longitude=0.1)
    client.force_login(dispatcher)
    url = "/api/dispatch/incidents/{}/assignments"
    client.post(url.format(first.pk), {"call_signs": ["R01"]}, content_type="application/json")
    client.post(url.format(second.pk), {"call_signs": ["R02"]}, content_type="application/json")

    with django_assert_num_queries(5):  # session, user, two for permissions, the assignments
        response = client.get("/api/dispatch/assignments")

    jobs = {a["call_sign"]: a for a in response.json()}
    assert set(jobs) == {"R01", "R02"}
    assert (jobs["R01"]["incident_latitude"], jobs["R01"]["incident_longitude"]) == (52.2, 0.12)
    assert jobs["R02"]["incident_id"] == second.pk
    assert jobs["R01"]["resource_status"] == "assigned"


NORTH_KM = 1 / 111.195  # degrees of latitude per kilometre, near enough


def units_around_a_station() -> object:
    """An incident 3 km north of the factories' station (52.2, 0.12), and three cars: HOME has
    never reported (placed at its station), YARD reported 100 m from it, PATROL is on the road
    3 km beyond the incident (as far from it as HOME, 6 km from the station)."""
    now = timezone.now()
    incident = incident_awaiting(grade=1, latitude=52.2 + 3 * NORTH_KM, longitude=0.12)
    ResourceFactory(call_sign="HOME")
    ResourceFactory(
        call_sign="YARD", latitude=52.2 + 0.1 * NORTH_KM, longitude=0.12, position_at=now
    )
    ResourceFactory(
        call_sign="PATROL", latitude=52.2 + 6 * NORTH_KM, longitude=0.12, position_at=now
    )
    return incident


def test_recommendations_add_turn_out_for_units_at_their_station(client, dispatcher):
    incident = units_around_a_station()
    client.force_login(dispatcher)

    recs = client.get(f"/api/dispatch/incidents/{incident.pk}/recommendations").json()

    by_call = {r["call_sign"]: r for r in recs["recommendations"]}
    assert [r["call_sign"] for r in recs["recommendations"]] == ["PATROL", "YARD", "HOME"]
    assert {c: r["turnout_seconds"] for c, r in by_call.items()} == {
        "PATROL": 0,
        "YARD": 120,
        "HOME": 120,
    }
    assert by_call["HOME"]["eta_seconds"] - by_call["PATROL"]["eta_seconds"] == pytest.approx(
        120, abs=0.2
    )


def test_turn_out_and_the_station_radius_come_from_the_settings(client, dispatcher, settings):
    settings.DISPATCH_TURNOUT_SECONDS = {"at_station": 45, "response_car:mobile": 5}
    settings.DISPATCH_AT_STATION_METRES = 50
    incident = units_around_a_station()
    client.force_login(dispatcher)

    recs = client.get(f"/api/dispatch/incidents/{incident.pk}/recommendations").json()

    assert {r["call_sign"]: r["turnout_seconds"] for r in recs["recommendations"]} == {
        "PATROL": 5,
        "YARD": 5,  # 100 m out: beyond the 50 m radius, so on the road
        "HOME": 45,
    }


def test_a_bad_turn_out_setting_fails_the_system_check(settings):
    from demandhub.dispatch.checks import BAD_TURNOUT, check_turnout

    settings.DISPATCH_TURNOUT_SECONDS = {"at_station": 60}
    assert check_turnout(None) == []
    settings.DISPATCH_TURNOUT_SECONDS = {"lunch": 60}
    (error,) = check_turnout(None)
    assert error.id == BAD_TURNOUT
    assert "'lunch'" in error.msg


def test_reassigning_over_the_api(client, dispatcher):
    first, second = incident_awaiting(grade=2), incident_awaiting(grade=1)
    ResourceFactory(call_sign="R01")
    client.force_login(dispatcher)
    made = client.post(
        f"/api/dispatch/incidents/{first.pk}/assignments",
        {"call_signs": ["R01"]},
        content_type="application/json",
    ).json()

    response = client.post(
        f"/api/dispatch/assignments/{made[0]['id']}/reassign",
        {"incident_id": second.pk},
        content_type="application/json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["incident"], body["call_sign"], body["cleared_at"]) == (
        second.reference,
        "R01",
        None,
    )
    old = Assignment.objects.get(pk=made[0]["id"])
    assert (old.clear_reason, old.cleared_by) == ("reassigned", dispatcher)


def test_reassigning_over_the_api_is_refused_and_changes_nothing(client, dispatcher):
    from demandhub.dispatch.models import Resource
    from demandhub.incidents.models import Incident

    first = incident_awaiting(grade=2)
    closed = incident_awaiting(grade=2, status=Incident.Status.CLOSED)
    ResourceFactory(call_sign="R01")
    client.force_login(dispatcher)
    (made,) = client.post(
        f"/api/dispatch/incidents/{first.pk}/assignments",
        {"call_signs": ["R01"]},
        content_type="application/json",
    ).json()
    url = f"/api/dispatch/assignments/{made['id']}/reassign"

    def post(body):  # type: ignore[no-untyped-def]
        return client.post(url, body, content_type="application/json")

    to_closed, unknown, malformed, same = (
        post({"incident_id": closed.pk}),
        post({"incident_id": 999_999}),
        post({"incident": "x"}),
        post({"incident_id": first.pk}),
    )

    assert (to_closed.status_code, to_closed.json()["code"]) == (
        409,
        "incident_not_awaiting_deployment",
    )
    assert unknown.status_code == 422
    assert unknown.json()["detail"] == "No incident 999999 to send R01 to."
    assert malformed.status_code == 422
    assert (same.status_code, same.json()["code"]) == (409, "resource_not_available")
    assert (
        client.post(
            "/api/dispatch/assignments/999999/reassign",
            {"incident_id": first.pk},
            content_type="application/json",
        ).status_code
        == 404
    )
    (active,) = Assignment.objects.filter(cleared_at__isnull=True)
    assert (active.pk, active.incident_id) == (made["id"], first.pk)
    assert Resource.objects.get().status == Resource.Status.ASSIGNED
    first.refresh_from_db()
    assert first.status == Incident.Status.RESOURCES_ASSIGNED
