"""API operations that name their permission (accounts.auth.holding) refuse a caller without
it before reading the body or looking the record up: 403 whatever is sent, never a 422 that
tells them what their input lacks; a caller not signed in still gets 401."""

import pytest

from demandhub.accounts.actions import issue_token
from demandhub.incidents.tests.factories import IncidentFactory

GRADE = "/api/incidents/{}/grade"
NOT_A_BODY = {"assessment": "not an assessment"}


@pytest.fixture
def incident(db):  # type: ignore[no-untyped-def]
    return IncidentFactory()


@pytest.mark.parametrize("body", [{}, NOT_A_BODY, {"assessment": {}}])
def test_without_the_role_the_answer_is_403_whatever_the_body(client, analyst, incident, body):
    client.force_login(analyst)  # may read incidents, may not grade them

    response = client.post(GRADE.format(incident.pk), body, content_type="application/json")

    assert response.status_code == 403
    assert response.json() == {"detail": "You do not have permission."}


def test_with_the_role_a_bad_body_is_422(client, call_handler, incident):
    client.force_login(call_handler)

    response = client.post(GRADE.format(incident.pk), {}, content_type="application/json")

    assert response.status_code == 422


def test_without_the_role_a_missing_record_is_403_too(client, analyst):
    """The refusal is about the role, so it is the same for a record that does not exist."""
    client.force_login(analyst)

    response = client.post(GRADE.format(999999), {}, content_type="application/json")

    assert response.status_code == 403


def test_not_signed_in_is_401(client, incident):
    response = client.post(GRADE.format(incident.pk), {}, content_type="application/json")

    assert response.status_code == 401


def test_a_token_without_the_role_is_403_and_a_bad_token_401(client, analyst, incident):
    _, secret = issue_token(analyst, by=None, name="reporting tool")
    url = GRADE.format(incident.pk)

    good = client.post(
        url, {}, content_type="application/json", headers={"Authorization": f"Bearer {secret}"}
    )
    bad = client.post(
        url, {}, content_type="application/json", headers={"Authorization": "Bearer dh_nope"}
    )

    assert (good.status_code, bad.status_code) == (403, 401)


def test_contact_work_is_refused_to_non_handlers_before_the_body(client, analyst):
    client.force_login(analyst)

    for url, body in [
        ("/api/contacts/take-next", {"channels": "not a list"}),
        ("/api/contacts/1/location", {"latitude": "north"}),
        ("/api/contacts/1/outcome", {}),
    ]:
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 403, url
