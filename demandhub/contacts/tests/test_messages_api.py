"""Social media and email messages from their gateways land in the work queue."""

import json

from demandhub.audit.models import Action, Event
from demandhub.contacts.models import Contact

URL = "/api/contacts/messages"


def _post(client, auth, payload):  # type: ignore[no-untyped-def]
    return client.post(URL, json.dumps(payload), content_type="application/json", headers=auth)


EMAIL = {
    "channel": "email",
    "external_id": "<abc@mail.example>",
    "sender": "kim@example.com",
    "sender_name": "Kim",
    "subject": "Parcel stolen",
    "body": "My parcel was taken from my doorstep.",
}


def test_an_email_lands_in_the_queue_as_an_email_contact(client, gateway_auth):
    response = _post(client, gateway_auth, EMAIL)

    assert response.status_code == 200
    assert response.json()["created"] is True
    contact = Contact.objects.get(pk=response.json()["contact"])
    assert (contact.channel, contact.status, contact.priority) == ("email", "queued", 3)
    assert (contact.caller_email, contact.caller_name, contact.subject) == (
        "kim@example.com",
        "Kim",
        "Parcel stolen",
    )
    assert Event.objects.filter(action=Action.CONTACT_RECEIVED, subject_id=str(contact.pk)).exists()


def test_a_social_media_post_keeps_the_account_handle(client, gateway_auth):
    post = {"channel": "social_media", "external_id": "tw-1", "sender": "@resident", "body": "Help"}

    contact = Contact.objects.get(pk=_post(client, gateway_auth, post).json()["contact"])

    assert (contact.channel, contact.caller_handle) == ("social_media", "@resident")


def test_the_same_message_posted_twice_is_one_contact(client, gateway_auth):
    first = _post(client, gateway_auth, EMAIL).json()
    second = _post(client, gateway_auth, EMAIL).json()

    assert first["contact"] == second["contact"]
    assert second["created"] is False
    assert Contact.objects.count() == 1


def test_a_malformed_message_is_refused_with_the_reasons(client, gateway_auth):
    response = _post(client, gateway_auth, {**EMAIL, "channel": "fax", "body": ""})

    assert response.status_code == 422
    fields = {e["loc"][-1] for e in response.json()["errors"]}
    assert {"channel", "body"} <= fields
    assert not Contact.objects.exists()


def test_an_emergency_sms_is_queued_with_the_emergencies(client, gateway_auth):
    sms = {
        "channel": "emergency_sms",
        "external_id": "sms-9",
        "sender": "07700 900123",
        "body": "Deaf caller. Man breaking into car outside 4 Mill Road.",
    }

    contact = Contact.objects.get(pk=_post(client, gateway_auth, sms).json()["contact"])

    assert (contact.channel, contact.priority, contact.caller_number) == (
        "emergency_sms",
        0,
        "+447700900123",
    )


def test_a_nul_character_anywhere_is_refused_and_nothing_is_stored(client, gateway_auth):
    """PostgreSQL text cannot hold NUL: refused up front (core/api_parser.py), on both engines."""
    in_a_value = _post(client, gateway_auth, {**EMAIL, "sender_name": "K\x00m"})
    in_a_key = _post(client, gateway_auth, {**EMAIL, "extra": {"a\x00": 1}})
    # Parameters are parsed before the route checks permissions, so a 422 shows the parser.
    in_a_query = client.get(
        "/api/dispatch/response-times", {"start": "2026\x00"}, headers=gateway_auth
    )

    assert in_a_value.status_code == in_a_key.status_code == 400
    assert in_a_query.status_code == 422
    assert "NUL" in in_a_query.json()["detail"]
    assert Contact.objects.count() == 0
