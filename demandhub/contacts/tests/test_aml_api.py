"""AML over the API: every message kept; positions attached to the caller's 999 call as a
candidate the handler chooses to use."""

import json

from django.test import override_settings
from django.utils import timezone

from demandhub.contacts.actions import set_location, take_contact, use_handset_location
from demandhub.contacts.models import AmlMessage, Contact

from .factories import ContactFactory

SMS = (
    'A"ML=1;lt=+51.53321;lg=-0.12601;rd=14;top=20220131171748;lc=68;pm=W;'
    "si=234159000000000;ei=123456789012345;mcc=234;mnc=15;ml=126"
)
HTTPS = (
    "v=1&device_number=%2B447477593102&location_latitude=55.85732&location_longitude=-4.26325"
    "&location_time=1476189444435&location_accuracy=10.4&location_source=GPS"
)
SIGNED = (
    "v=1&device_number=%2B33611223344&location_latitude=0.85732&location_longitude=-4.26325"
    "&location_time=1604912121000&location_accuracy=10.4&location_source=GPS"
    "&location_certainty=83&hmac=f64c70eb238bb239e00e8ac8c023bf2b5d3c41dd"
)


def _sms(client, auth, text, sender="07700 900123"):  # type: ignore[no-untyped-def]
    body = json.dumps({"sender": sender, "text": text})
    return client.post("/api/contacts/aml/sms", body, content_type="application/json", headers=auth)


def _https(client, auth, body):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/contacts/aml/https",
        body,
        content_type="application/x-www-form-urlencoded",
        headers=auth,
    )


def test_an_sms_position_is_attached_to_the_live_999_call_from_the_same_number(
    client, gateway_auth
):
    call = ContactFactory(channel="999", caller_number="+447700900123")

    response = _sms(client, gateway_auth, SMS)

    assert response.status_code == 200
    assert response.json()["status"] == "matched"
    message = AmlMessage.objects.get()
    assert (message.contact, message.latitude, message.accuracy_m) == (call, 51.53321, 14.0)
    assert message.warnings == ["ml says 126 characters but the message has 127"]
    call.refresh_from_db()
    assert call.latitude is None  # a candidate only: the handler decides


def test_a_position_with_no_recent_999_call_is_kept_unmatched(client, gateway_auth):
    ContactFactory(
        channel="999",
        caller_number="+447700900123",
        ago=3600,
        status="completed",
        outcome="advice_given",
    )
    ContactFactory(channel="101", caller_number="+447700900123")

    response = _sms(client, gateway_auth, SMS)

    assert response.json()["status"] == "unmatched"
    assert AmlMessage.objects.get().contact is None


@override_settings(AML_MATCH_WINDOW=120)
def test_the_match_window_is_configurable(client, gateway_auth):
    ContactFactory(
        channel="999",
        caller_number="+447700900123",
        ago=300,
        status="completed",
        outcome="advice_given",
    )

    assert _sms(client, gateway_auth, SMS).json()["status"] == "unmatched"


def test_a_position_that_arrives_before_the_call_is_attached_when_the_call_is_offered(
    client, gateway_auth
):
    _https(client, gateway_auth, HTTPS.replace("location_time=1476189444435", "location_time=1"))
    assert AmlMessage.objects.get().status == "unmatched"

    response = client.post(
        "/api/contacts/telephony/events",
        json.dumps(
            {
                "call_id": "K9",
                "event": "offered",
                "line": "999",
                "occurred_at": timezone.now().isoformat(),
                "cli": "+447477593102",
            }
        ),
        content_type="application/json",
        headers=gateway_auth,
    )

    message = AmlMessage.objects.get()
    assert message.status == "matched"
    assert message.contact_id == response.json()["contact"]


def test_an_unreadable_sms_is_kept_and_refused_with_the_reason(client, gateway_auth):
    response = _sms(client, gateway_auth, 'A"ML=1;lt=+g4.7d397;lg=-0.18305')

    assert response.status_code == 422
    assert "not a decimal number" in response.json()["detail"]
    message = AmlMessage.objects.get()
    assert (message.status, message.raw) == ("discarded", 'A"ML=1;lt=+g4.7d397;lg=-0.18305')


def test_an_sms_request_that_is_not_json_is_kept_raw(client, gateway_auth):
    response = client.post(
        "/api/contacts/aml/sms", SMS, content_type="text/plain", headers=gateway_auth
    )

    assert response.status_code == 422
    assert AmlMessage.objects.get().raw == SMS


def test_the_https_receiver_answers_2xx_even_for_a_message_it_discards(client, gateway_auth):
    response = _https(client, gateway_auth, "device_number=nonsense")

    assert response.status_code == 200
    assert response.json()["status"] == "discarded"
    assert AmlMessage.objects.get().error.startswith("missing location_latitude")


@override_settings(AML_HMAC_KEY="AML")
def test_with_a_key_configured_the_hmac_is_verified(client, gateway_auth):
    good = _https(client, gateway_auth, SIGNED).json()
    tampered = _https(client, gateway_auth, SIGNED.replace("0.85732", "1.85732")).json()
    unsigned = _https(client, gateway_auth, HTTPS).json()

    assert good["status"] == "unmatched"
    assert (tampered["status"], tampered["error"]) == ("discarded", "HMAC does not match")
    assert (unsigned["status"], unsigned["error"]) == ("discarded", "HMAC missing")
    assert AmlMessage.objects.count() == 3


def test_a_handset_position_never_replaces_a_location_the_handler_set(
    client, gateway_auth, call_handler
):
    call = take_contact(
        ContactFactory(channel="999", caller_number="+447700900123"), by=call_handler
    )
    set_location(call, by=call_handler, latitude=52.2, longitude=0.12, text="Outside the station")

    _sms(client, gateway_auth, SMS)

    call.refresh_from_db()
    assert (call.latitude, call.location_text, call.location_source) == (
        52.2,
        "Outside the station",
        "handler",
    )
    use_handset_location(call, by=call_handler, message=AmlMessage.objects.get())
    call.refresh_from_db()
    assert (call.latitude, call.longitude, call.location_source) == (51.53321, -0.12601, "aml")


def test_aml_needs_the_gateway_permission(client, call_handler):
    client.force_login(call_handler)
    assert _https(client, {}, HTTPS).status_code == 403
    assert not AmlMessage.objects.exists()
    assert Contact.objects.count() == 0
