"""The status API: thin over change_status; forbidden moves are 409 and change nothing."""

from demandhub.dispatch.actions import book_on
from demandhub.dispatch.models import Resource

from .factories import ResourceFactory

Status = Resource.Status


def url(unit: Resource) -> str:
    return f"/api/dispatch/resources/{unit.pk}/status"


def test_a_dispatcher_changes_a_units_status(client, dispatcher):
    unit = ResourceFactory(status=Status.AVAILABLE)
    client.force_login(dispatcher)

    response = client.post(
        url(unit), {"status": "unavailable", "reason": "tyre"}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "unavailable"
    unit.refresh_from_db()
    assert unit.status == Status.UNAVAILABLE


def test_a_forbidden_move_is_a_409_with_the_reason_and_changes_nothing(client, dispatcher):
    unit = ResourceFactory(status=Status.OFF_DUTY)
    client.force_login(dispatcher)

    response = client.post(url(unit), {"status": "at_scene"}, content_type="application/json")

    assert response.status_code == 409
    assert response.json() == {
        "detail": f"{unit.call_sign} cannot go from Off duty to At scene.",
        "code": "transition_not_allowed",
    }
    unit.refresh_from_db()
    assert unit.status == Status.OFF_DUTY
    assert not unit.status_changes.exists()


def test_an_unknown_status_is_a_422(client, dispatcher):
    unit = ResourceFactory(status=Status.AVAILABLE)
    client.force_login(dispatcher)

    response = client.post(url(unit), {"status": "flying"}, content_type="application/json")

    assert response.status_code == 422
    unit.refresh_from_db()
    assert unit.status == Status.AVAILABLE


def test_a_crew_changes_its_own_unit_but_not_another(client, response_officer):
    own, other = ResourceFactory(status=Status.OFF_DUTY), ResourceFactory(status=Status.AVAILABLE)
    book_on(own, by=response_officer)
    client.force_login(response_officer)

    ok = client.post(url(own), {"status": "refreshment"}, content_type="application/json")
    refused = client.post(url(other), {"status": "refreshment"}, content_type="application/json")

    assert (ok.status_code, refused.status_code) == (200, 403)
    other.refresh_from_db()
    assert other.status == Status.AVAILABLE


def test_staff_without_the_role_get_403_before_their_body_is_read(client, outsider, analyst):
    unit = ResourceFactory(status=Status.AVAILABLE)
    missing = f"/api/dispatch/resources/{unit.pk + 1000}/status"

    for user in (outsider, analyst):  # no role; sees units but never changes them
        client.force_login(user)
        answers = [
            client.post(url(unit), {"status": "refreshment"}, content_type="application/json"),
            client.post(url(unit), {}, content_type="application/json"),
            client.post(missing, {"status": "refreshment"}, content_type="application/json"),
        ]
        assert [a.status_code for a in answers] == [403, 403, 403], user.username

    unit.refresh_from_db()
    assert unit.status == Status.AVAILABLE


def test_a_unit_that_does_not_exist_is_a_404_to_a_dispatcher(client, dispatcher):
    client.force_login(dispatcher)

    response = client.post(
        "/api/dispatch/resources/999999/status",
        {"status": "refreshment"},
        content_type="application/json",
    )

    assert response.status_code == 404
