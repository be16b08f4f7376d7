from demandhub.accounts.actions import issue_token
from demandhub.audit.models import Action, Event
from demandhub.incidents.models import Incident

from .factories import IncidentFactory, thrive


def _auth(user):  # type: ignore[no-untyped-def]
    _, secret = issue_token(user, by=None, name="console client")
    return {"Authorization": f"Bearer {secret}"}


def test_grading_over_the_api_records_thrive_and_moves_the_incident_on(client, call_handler):
    incident = IncidentFactory()
    body = {"assessment": thrive("high", circumstances=("threat_to_life",)).as_dict()}

    response = client.post(
        f"/api/incidents/{incident.pk}/grade",
        body,
        content_type="application/json",
        headers=_auth(call_handler),
    )

    assert response.status_code == 200
    assert response.json()["grade"] == 1
    assert response.json()["status"] == Incident.Status.AWAITING_DEPLOYMENT
    assert Event.objects.filter(action=Action.INCIDENT_GRADED).count() == 1


def test_an_incomplete_assessment_is_a_422_naming_the_problem(client, call_handler):
    incident = IncidentFactory()

    response = client.post(
        f"/api/incidents/{incident.pk}/grade",
        {"assessment": {"elements": {}}},
        content_type="application/json",
        headers=_auth(call_handler),
    )

    assert response.status_code == 422
    assert "Threat: choose a level" in response.json()["detail"]
    incident.refresh_from_db()
    assert incident.status == Incident.Status.OPEN


def test_a_graded_incident_is_not_graded_again(client, call_handler):
    incident = IncidentFactory(status=Incident.Status.AWAITING_DEPLOYMENT, grade=2)

    response = client.post(
        f"/api/incidents/{incident.pk}/grade",
        {"assessment": thrive().as_dict()},
        content_type="application/json",
        headers=_auth(call_handler),
    )

    assert response.status_code == 409


def test_the_list_filters_by_status(client, dispatcher):
    waiting = IncidentFactory(status=Incident.Status.AWAITING_DEPLOYMENT, grade=1)
    IncidentFactory(status=Incident.Status.OPEN)
    headers = _auth(dispatcher)

    response = client.get("/api/incidents", {"status": "awaiting_deployment"}, headers=headers)

    assert [i["reference"] for i in response.json()] == [waiting.reference]


def test_staff_who_may_not_see_incidents_are_refused(client, administrator):
    IncidentFactory()

    response = client.get("/api/incidents", headers=_auth(administrator))

    assert response.status_code == 403
