from demandhub.accounts.actions import issue_token
from demandhub.audit.models import Action, Event
from demandhub.contacts.models import Contact
from demandhub.incidents.models import Incident

from .factories import ContactFactory


def _auth(user):  # type: ignore[no-untyped-def]
    _, secret = issue_token(user, by=None, name="console client")
    return {"Authorization": f"Bearer {secret}"}


def _post(client, url, body, headers):  # type: ignore[no-untyped-def]
    return client.post(url, body, content_type="application/json", headers=headers)


def test_take_next_answers_the_most_urgent_contact_and_audits_it(client, call_handler):
    ContactFactory(channel=Contact.Channel.NON_EMERGENCY_CALL, ago=300)
    urgent = ContactFactory(channel=Contact.Channel.EMERGENCY_CALL, ago=10)

    response = _post(client, "/api/contacts/take-next", {}, _auth(call_handler))

    assert response.status_code == 200
    assert response.json()["id"] == urgent.pk
    urgent.refresh_from_db()
    assert (urgent.status, urgent.handled_by) == (Contact.Status.IN_PROGRESS, call_handler)
    assert (
        Event.objects.filter(action=Action.CONTACT_ANSWERED, subject_id=str(urgent.pk)).count() == 1
    )


def test_take_next_never_takes_a_contact_someone_holds(client, call_handler, supervisor):
    ContactFactory(status=Contact.Status.IN_PROGRESS, handled_by=supervisor)

    response = _post(client, "/api/contacts/take-next", {}, _auth(call_handler))

    assert response.status_code == 204


def test_take_next_refuses_channels_the_caller_may_not_handle(client, switchboard_operator):
    ContactFactory(channel=Contact.Channel.EMERGENCY_CALL)

    response = _post(
        client, "/api/contacts/take-next", {"channels": ["999"]}, _auth(switchboard_operator)
    )

    assert response.status_code == 422
    assert Contact.objects.get().status == Contact.Status.QUEUED


def test_a_handler_sets_the_location_and_raises_an_incident(client, call_handler):
    contact = ContactFactory(channel=Contact.Channel.EMERGENCY_CALL)
    headers = _auth(call_handler)
    _post(client, "/api/contacts/take-next", {}, headers)

    located = _post(
        client,
        f"/api/contacts/{contact.pk}/location",
        {"latitude": 52.2, "longitude": 0.12, "text": "12 Mill Road"},
        headers,
    )
    done = _post(
        client,
        f"/api/contacts/{contact.pk}/outcome",
        {"outcome": "incident_raised", "summary": "Fight outside the pub"},
        headers,
    )

    assert located.status_code == 200
    assert located.json()["location_text"] == "12 Mill Road"
    assert done.status_code == 200
    incident = Incident.objects.get()
    assert done.json()["incident"] == incident.pk
    assert done.json()["incident_reference"] == incident.reference
    assert (incident.latitude, incident.longitude) == (52.2, 0.12)
    assert done.json()["status"] == Contact.Status.COMPLETED


def test_half_a_position_is_refused_and_nothing_changes(client, call_handler):
    contact = ContactFactory()
    headers = _auth(call_handler)
    _post(client, "/api/contacts/take-next", {}, headers)

    response = _post(client, f"/api/contacts/{contact.pk}/location", {"latitude": 52.2}, headers)

    assert response.status_code == 422
    contact.refresh_from_db()
    assert contact.latitude is None


def test_only_the_holder_may_work_a_contact(client, call_handler, supervisor):
    contact = ContactFactory(status=Contact.Status.IN_PROGRESS, handled_by=supervisor)

    response = _post(
        client,
        f"/api/contacts/{contact.pk}/outcome",
        {"outcome": "advice_given"},
        _auth(call_handler),
    )

    assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.outcome == ""


def test_an_incomplete_outcome_is_a_409_with_the_reason(client, call_handler):
    contact = ContactFactory()
    headers = _auth(call_handler)
    _post(client, "/api/contacts/take-next", {}, headers)

    response = _post(
        client, f"/api/contacts/{contact.pk}/outcome", {"outcome": "incident_raised"}, headers
    )

    assert response.status_code == 409
    assert "summary" in response.json()["detail"]
    assert not Incident.objects.exists()


def test_an_outcome_raising_an_incident_sets_its_classification(client, call_handler):
    contact = ContactFactory()
    headers = _auth(call_handler)
    _post(client, "/api/contacts/take-next", {}, headers)

    response = _post(
        client,
        f"/api/contacts/{contact.pk}/outcome",
        {
            "outcome": "incident_raised",
            "summary": "Smoke from a loft",
            "classification": "TRANSPORT-HAZARD",
        },
        headers,
    )

    assert response.status_code == 200
    assert Incident.objects.get().classification == "TRANSPORT-HAZARD"


def test_an_unknown_classification_raises_nothing_and_leaves_the_contact_held(client, call_handler):
    contact = ContactFactory()
    headers = _auth(call_handler)
    _post(client, "/api/contacts/take-next", {}, headers)

    response = _post(
        client,
        f"/api/contacts/{contact.pk}/outcome",
        {"outcome": "incident_raised", "summary": "Smoke", "classification": "NOT-A-CODE"},
        headers,
    )

    assert response.status_code == 409
    assert "NOT-A-CODE" in response.json()["detail"]
    assert not Incident.objects.exists()
    contact.refresh_from_db()
    assert (contact.status, contact.outcome) == (Contact.Status.IN_PROGRESS, "")
