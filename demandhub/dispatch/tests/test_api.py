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


def test_staff_who_cannot_see_resources_get_404(client, outsider):
    unit = ResourceFactory()
    client.force_login(outsider)

    response = client.post(url(unit), {"status": "refreshment"}, content_type="application/json")

    assert response.status_code == 404
