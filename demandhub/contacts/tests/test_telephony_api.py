"""The telephony event API: duplicates and any order of arrival leave the contact right."""

import itertools
import json

import pytest

from demandhub.audit.models import Action, Event
from demandhub.contacts.models import Contact, TelephonyEvent

URL = "/api/contacts/telephony/events"
T0 = "2026-11-23T14:00:00Z"
T_ANSWER = "2026-11-23T14:00:07Z"
T_END = "2026-11-23T14:03:00Z"


def _post(client, auth, payload):  # type: ignore[no-untyped-def]
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
    return client.post(URL, body, content_type="application/json", headers=auth)


def _event(kind, at, call_id="C1", line="999", **extra):  # type: ignore[no-untyped-def]
    return {"call_id": call_id, "event": kind, "line": line, "occurred_at": at, **extra}


def test_an_offered_999_call_is_queued_with_the_caller_and_network_address(client, gateway_auth):
    response = _post(
        client,
        gateway_auth,
        _event("offered", T0, cli="07700 900123", address="1 High Street, Cambridge"),
    )

    assert response.status_code == 200
    contact = Contact.objects.get(pk=response.json()["contact"])
    assert (contact.channel, contact.status, contact.external_id) == ("999", "queued", "C1")
    assert contact.caller_number == "+447700900123"
    assert contact.caller_number_as_given == "07700 900123"
    assert contact.network_address == "1 High Street, Cambridge"
    assert contact.offered_at.isoformat() == "2026-11-23T14:00:00+00:00"


def test_a_duplicated_event_is_kept_but_applied_once(client, gateway_auth):
    first = _post(client, gateway_auth, _event("offered", T0))
    second = _post(client, gateway_auth, _event("offered", T0))

    assert (first.json()["status"], second.json()["status"]) == ("applied", "duplicate")
    assert Contact.objects.count() == 1
    assert TelephonyEvent.objects.count() == 2
    assert Event.objects.filter(action=Action.CONTACT_CALL_UPDATED).count() == 1


CALL = [_event("offered", T0), _event("answered", T_ANSWER), _event("ended", T_END)]


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_an_answered_call_ends_up_the_same_whatever_order_its_events_arrive_in(
    client, gateway_auth, order
):
    for i in order:
        assert _post(client, gateway_auth, CALL[i]).status_code == 200

    contact = Contact.objects.get()
    assert contact.status == Contact.Status.IN_PROGRESS
    assert contact.offered_at.isoformat() == "2026-11-23T14:00:00+00:00"
    assert contact.answered_at.isoformat() == "2026-11-23T14:00:07+00:00"
    assert contact.ended_at.isoformat() == "2026-11-23T14:03:00+00:00"
    assert contact.abandoned_at is None
    assert contact.outcome == ""


def test_an_abandoned_call_is_recorded_as_abandoned(client, gateway_auth):
    _post(client, gateway_auth, _event("offered", T0))
    _post(client, gateway_auth, _event("abandoned", T_ANSWER))

    contact = Contact.objects.get()
    assert (contact.status, contact.outcome) == ("abandoned", "abandoned")
    assert contact.abandoned_at.isoformat() == "2026-11-23T14:00:07+00:00"


def test_a_late_answer_event_reopens_a_call_wrongly_taken_as_abandoned(client, gateway_auth):
    _post(client, gateway_auth, _event("offered", T0))
    _post(client, gateway_auth, _event("ended", T_END))  # looks abandoned: no answer yet
    _post(client, gateway_auth, _event("answered", T_ANSWER, agent="call_handler"))

    contact = Contact.objects.get()
    assert (contact.status, contact.outcome, contact.abandoned_at) == ("in_progress", "", None)
    assert [c.new_status for c in contact.status_changes.order_by("id")] == [
        "queued",
        "abandoned",
        "in_progress",
    ]


def test_the_answering_agent_named_by_the_telephony_system_handles_the_contact(
    client, gateway_auth, call_handler
):
    _post(client, gateway_auth, _event("answered", T_ANSWER, agent="call_handler"))

    assert Contact.objects.get().handled_by == call_handler


def test_a_101_call_transferred_on_the_phone_becomes_a_999_call_keeping_its_offered_time(
    client, gateway_auth
):
    _post(client, gateway_auth, _event("offered", T0, line="101", cli="07700900123"))
    _post(client, gateway_auth, _event("answered", T_ANSWER, line="101"))
    _post(client, gateway_auth, _event("transferred", "2026-11-23T14:01:00Z", line="101"))
    _post(client, gateway_auth, _event("offered", "2026-11-23T14:01:01Z", line="999"))

    call_101 = Contact.objects.get(channel="101")
    call_999 = Contact.objects.get(channel="999")
    assert (call_101.status, call_101.outcome) == ("completed", "transferred_to_999")
    assert call_999.parent == call_101
    assert call_999.offered_at == call_101.offered_at
    assert call_999.status == "queued"


def test_a_999_leg_reported_before_the_transfer_is_linked_not_duplicated(client, gateway_auth):
    _post(client, gateway_auth, _event("offered", T0, line="101"))
    _post(client, gateway_auth, _event("offered", "2026-11-23T14:01:01Z", line="999"))
    _post(client, gateway_auth, _event("transferred", "2026-11-23T14:01:00Z", line="101"))

    call_999 = Contact.objects.get(channel="999")
    assert call_999.parent == Contact.objects.get(channel="101")
    assert call_999.offered_at.isoformat() == "2026-11-23T14:00:00+00:00"


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ("not json", "body is not JSON"),
        ("[1, 2]", "body must be a JSON object"),
        (_event("rang", T0), "event: must be one of"),
        (_event("offered", T0, line="112"), "line: must be 999 or 101"),
        (_event("offered", "yesterday"), "occurred_at: not an ISO 8601 time"),
        (_event("offered", "2026-11-23T14:00:00"), "occurred_at: needs a UTC offset"),
        ({"event": "offered", "line": "999", "occurred_at": T0}, "call_id: required"),
        (_event("transferred", T0, line="999"), "only 101 calls can be transferred"),
    ],
)
def test_a_malformed_event_is_kept_for_inspection_and_refused_with_the_reason(
    client, gateway_auth, payload, reason
):
    response = _post(client, gateway_auth, payload)

    assert response.status_code == 422
    assert any(reason in e for e in response.json()["errors"])
    stored = TelephonyEvent.objects.get(pk=response.json()["event"])
    assert stored.status == "rejected"
    assert reason in stored.error
    assert stored.raw == (payload if isinstance(payload, str) else json.dumps(payload))
    assert not Contact.objects.exists()


def test_a_malformed_event_does_not_touch_the_existing_call(client, gateway_auth):
    _post(client, gateway_auth, _event("offered", T0, cli="07700900123"))
    before = Contact.objects.values().get()

    _post(client, gateway_auth, {**_event("ended", T_END), "cli": 12})

    assert Contact.objects.values().get() == before


def test_the_api_refuses_callers_without_a_token_or_the_permission(client, call_handler):
    assert _post(client, {}, _event("offered", T0)).status_code == 401
    client.force_login(call_handler)
    assert _post(client, {}, _event("offered", T0)).status_code in (403,)
    assert not TelephonyEvent.objects.exists()


def test_a_gateway_posts_with_its_token_alone_no_csrf_token_needed(gateway_auth):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    response = _post(strict, gateway_auth, _event("offered", T0))

    assert response.status_code == 200, response.content
    assert Contact.objects.count() == 1


def test_a_signed_in_session_without_its_csrf_token_is_refused(call_handler):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(call_handler)

    assert _post(strict, {}, _event("offered", T0)).status_code == 403
    assert not Contact.objects.exists()
