"""Retry-safe intake: the same Idempotency-Key twice does the work once and answers the same.

Covers every intake entry point (telephony events, AML, gateway messages, unit positions, the
online report and chat forms, an API status change) and the races: threads sending the same
key at once on PostgreSQL leave exactly one record and all get the first answer.
"""

import io
import json
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from demandhub.accounts.actions import issue_token
from demandhub.accounts.tests.factories import UserFactory
from demandhub.audit.models import Action, Event
from demandhub.contacts.models import AmlMessage, Attachment, Contact, TelephonyEvent
from demandhub.core.models import IdempotencyKey
from demandhub.dispatch.models import Position, Resource
from demandhub.dispatch.tests.factories import ResourceFactory

EVENTS = "/api/contacts/telephony/events"
OFFERED = {"call_id": "C1", "event": "offered", "line": "999", "occurred_at": "2026-11-23T14:00Z"}


@pytest.fixture
def gateway_auth(db: None) -> dict[str, str]:
    gateway = UserFactory(username="gateway", roles=["contact_gateway"])
    _, secret = issue_token(gateway, by=None, name="telephony")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path


def _post(client, url, payload, auth, key=None):  # type: ignore[no-untyped-def]
    headers = {**auth, **({"Idempotency-Key": key} if key else {})}
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post(url, body, content_type="application/json", headers=headers)


def test_a_retried_telephony_event_with_its_key_gets_the_first_answer_and_stores_nothing_more(
    client, gateway_auth
):
    first = _post(client, EVENTS, OFFERED, gateway_auth, key="k-1")
    retry = _post(client, EVENTS, OFFERED, gateway_auth, key="k-1")

    assert first.status_code == retry.status_code == 200
    assert retry.content == first.content
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert retry.headers["Content-Type"] == first.headers["Content-Type"]
    assert TelephonyEvent.objects.count() == 1
    assert Contact.objects.count() == 1
    assert Event.objects.filter(action=Action.CONTACT_RECEIVED).count() == 1


@pytest.mark.parametrize("key", [None, "k-form"])
def test_a_form_encoded_body_sent_to_the_api_is_answered_not_crashed(client, gateway_auth, key):
    """API views read the raw body: the middleware must not parse it as a form first
    (multipart parsing consumes the stream; found by the schemathesis run)."""
    headers = {**gateway_auth, **({"Idempotency-Key": key} if key else {})}
    response = client.post(EVENTS, {"call_id": "C1"}, headers=headers)  # multipart

    assert response.status_code == 422
    assert TelephonyEvent.objects.count() == 1  # the refused body is kept, as any other
    assert Contact.objects.count() == 0


def test_without_a_key_a_repeated_telephony_event_is_idempotent_by_its_natural_key(
    client, gateway_auth
):
    _post(client, EVENTS, OFFERED, gateway_auth)
    again = _post(client, EVENTS, OFFERED, gateway_auth)

    # The payload is kept for inspection (as received) but the call is applied once.
    assert again.json()["status"] == "duplicate"
    assert Contact.objects.count() == 1
    assert Event.objects.filter(action=Action.CONTACT_RECEIVED).count() == 1


def test_a_key_reused_with_a_different_body_is_refused_and_changes_nothing(client, gateway_auth):
    _post(client, EVENTS, OFFERED, gateway_auth, key="k-1")
    other = _post(client, EVENTS, {**OFFERED, "call_id": "C2"}, gateway_auth, key="k-1")

    assert other.status_code == 422
    assert "already used for a different request" in other.json()["detail"]
    assert list(Contact.objects.values_list("external_id", flat=True)) == ["C1"]
    assert TelephonyEvent.objects.count() == 1


def test_a_refused_event_is_kept_once_and_its_422_replayed(client, gateway_auth):
    first = _post(client, EVENTS, {"event": "offered"}, gateway_auth, key="bad-1")
    retry = _post(client, EVENTS, {"event": "offered"}, gateway_auth, key="bad-1")

    assert first.status_code == retry.status_code == 422
    assert retry.content == first.content
    assert TelephonyEvent.objects.filter(status="rejected").count() == 1


def test_the_same_key_from_two_clients_is_two_keys(client, gateway_auth):
    other = UserFactory(username="gateway2", roles=["contact_gateway"])
    _, secret = issue_token(other, by=None, name="second")

    _post(client, EVENTS, OFFERED, gateway_auth, key="k-1")
    second = _post(
        client, EVENTS, {**OFFERED, "call_id": "C2"}, {"Authorization": f"Bearer {secret}"}, "k-1"
    )

    assert second.status_code == 200
    assert "Idempotent-Replayed" not in second.headers
    assert Contact.objects.count() == 2


def test_a_request_refused_for_permission_stores_no_key_so_a_retry_is_judged_again(
    client, gateway_auth, call_handler
):
    client.force_login(call_handler)  # a member of staff without the gateway's permission
    refused = client.post(
        EVENTS,
        json.dumps(OFFERED),
        content_type="application/json",
        headers={"Idempotency-Key": "x"},
    )
    assert refused.status_code == 403
    # Ninja answers 403 itself; a refusal is an answer like any other, and replayed as such,
    # but it created nothing.
    assert Contact.objects.count() == 0
    assert TelephonyEvent.objects.count() == 0


def test_an_overlong_key_is_refused_with_the_limit(client, gateway_auth):
    response = _post(client, EVENTS, OFFERED, gateway_auth, key="k" * 256)

    assert response.status_code == 422
    assert "at most 255 characters" in response.json()["detail"]
    assert Contact.objects.count() == 0


def test_a_server_error_stores_no_key_and_rolls_the_work_back(client, gateway_auth, monkeypatch):
    from demandhub.contacts import api

    def broken(raw, *, by):  # type: ignore[no-untyped-def]
        from demandhub.contacts.actions import receive_call_event

        receive_call_event(raw, by=by)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(api, "receive_call_event", broken)
    client.raise_request_exception = False
    failed = _post(client, EVENTS, OFFERED, gateway_auth, key="k-1")
    assert failed.status_code == 500
    assert (IdempotencyKey.objects.count(), Contact.objects.count()) == (0, 0)

    monkeypatch.undo()
    retried = _post(client, EVENTS, OFFERED, gateway_auth, key="k-1")
    assert retried.status_code == 200
    assert Contact.objects.count() == 1


SMS = (
    'A"ML=1;lt=+51.53321;lg=-0.12601;rd=14;top=20220131171748;lc=68;pm=W;'
    "si=234159000000000;ei=123456789012345;mcc=234;mnc=15;ml=126"
)


def test_a_retried_aml_sms_is_stored_once(client, gateway_auth):
    body = {"sender": "07700 900123", "text": SMS}
    first = _post(client, "/api/contacts/aml/sms", body, gateway_auth, key="aml-1")
    retry = _post(client, "/api/contacts/aml/sms", body, gateway_auth, key="aml-1")

    assert (first.status_code, retry.content) == (200, first.content)
    assert AmlMessage.objects.count() == 1


def test_a_retried_aml_https_post_is_stored_once(client, gateway_auth):
    form = (
        "v=1&device_number=%2B447477593102&location_latitude=55.85732&location_longitude=-4.26325"
        "&location_time=1476189444435&location_accuracy=10.4&location_source=GPS"
    )
    for _ in range(2):
        response = client.post(
            "/api/contacts/aml/https",
            form,
            content_type="application/x-www-form-urlencoded",
            headers={**gateway_auth, "Idempotency-Key": "aml-2"},
        )
        assert response.status_code == 200
    assert AmlMessage.objects.count() == 1


MESSAGE = {"channel": "email", "external_id": "m-1", "sender": "a@example.com", "body": "Help"}


def test_a_retried_gateway_message_gets_the_first_answer_exactly(client, gateway_auth):
    first = _post(client, "/api/contacts/messages", MESSAGE, gateway_auth, key="msg-1")
    retry = _post(client, "/api/contacts/messages", MESSAGE, gateway_auth, key="msg-1")

    assert first.json()["created"] is True
    assert retry.content == first.content
    assert Contact.objects.count() == 1


def test_a_repeated_gateway_message_without_a_key_is_one_contact_by_its_message_id(
    client, gateway_auth
):
    first = _post(client, "/api/contacts/messages", MESSAGE, gateway_auth)
    again = _post(client, "/api/contacts/messages", MESSAGE, gateway_auth)

    assert again.json() == {**first.json(), "created": False}
    assert Contact.objects.count() == 1


def test_a_retried_position_report_joins_the_track_once(client):
    locator = UserFactory(username="locator", roles=["vehicle_locator"])
    _, secret = issue_token(locator, by=None, name="avl")
    ResourceFactory(call_sign="CA01")
    fix = {
        "call_sign": "CA01",
        "latitude": 52.2,
        "longitude": 0.12,
        "recorded_at": timezone.now().isoformat(),
    }
    auth = {"Authorization": f"Bearer {secret}"}
    for _ in range(2):
        response = _post(client, "/api/dispatch/positions", {"positions": [fix]}, auth, "p-1")
        assert response.status_code == 200
    assert Position.objects.count() == 1


def test_a_retried_status_change_through_the_api_is_applied_once(client, dispatcher):
    unit = ResourceFactory(status=Resource.Status.AVAILABLE)
    client.force_login(dispatcher)
    url = f"/api/dispatch/resources/{unit.pk}/status"
    body = {"status": "unavailable", "reason": "tyre"}

    first = _post(client, url, body, {}, key="s-1")
    retry = _post(client, url, body, {}, key="s-1")

    assert (first.status_code, retry.content) == (200, first.content)
    assert Event.objects.filter(action=Action.RESOURCE_STATUS_CHANGED).count() == 1


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


def _form_key(page: bytes) -> str:
    marker = b'name="idempotency_key" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index(b'"', start)].decode()


def test_a_resent_online_report_with_a_photo_is_one_report_with_the_same_tracking_link():
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    url = reverse("contacts:report_crime")
    page = client.get(url).content
    key = _form_key(page)
    assert _form_key(client.get(url).content) != key  # each form shown gets its own key
    report = {
        "name": "Sam Reporter",
        "email": "sam@example.com",
        "phone": "",
        "what_happened": "My bicycle was taken from outside the library.",
        "where": "Library, Market Street, Cambridge",
        "when": timezone.localdate().isoformat(),
        "stolen_or_damaged": "Blue bicycle",
        "idempotency_key": key,
    }

    answers = [
        client.post(url, {**report, "photos": [SimpleUploadedFile("b.png", _png(), "image/png")]})
        for _ in range(2)
    ]

    assert [a.status_code for a in answers] == [200, 200]
    assert answers[1].content == answers[0].content
    assert b"/track/?t=" in answers[0].content
    assert (Contact.objects.count(), Attachment.objects.count()) == (1, 1)


def test_a_form_shown_again_with_errors_carries_a_new_key_so_the_correction_is_accepted():
    client = Client()
    url = reverse("contacts:chat")
    key = _form_key(client.get(url).content)

    refused = client.post(url, {"name": "", "message": "hello", "idempotency_key": key})
    assert refused.status_code == 422
    corrected = client.post(
        url, {"name": "Sam", "message": "hello", "idempotency_key": _form_key(refused.content)}
    )

    assert corrected.status_code == 302
    assert Contact.objects.count() == 1


def test_a_resent_chat_start_is_one_chat_and_the_same_redirect():
    client = Client()
    url = reverse("contacts:chat")
    form = {"name": "Sam", "message": "hello", "idempotency_key": uuid.uuid4().hex}

    first, second = client.post(url, form), client.post(url, form)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Contact.objects.count() == 1


def test_prune_forgets_old_keys_only(client, gateway_auth):
    from datetime import timedelta

    from django.core.management import call_command

    _post(client, EVENTS, OFFERED, gateway_auth, key="old")
    _post(client, EVENTS, {**OFFERED, "call_id": "C2"}, gateway_auth, key="new")
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=73))

    call_command("idempotency", "prune")

    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


RACERS = 8


def _race(send) -> list:  # type: ignore[no-untyped-def]
    start = threading.Barrier(RACERS)
    answers: list = []
    crashed: list[BaseException] = []

    def attempt() -> None:
        try:
            start.wait()
            answers.append(send())
        except BaseException as e:
            crashed.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(RACERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert crashed == []
    return answers


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_retries_of_one_key_create_exactly_one_contact_and_all_get_the_first_answer(
    gateway_auth,
):
    answers = _race(lambda: _post(Client(), EVENTS, OFFERED, gateway_auth, key="race"))

    assert {a.status_code for a in answers} == {200}
    assert len({a.content for a in answers}) == 1
    assert sum("Idempotent-Replayed" not in a.headers for a in answers) == 1
    assert (Contact.objects.count(), TelephonyEvent.objects.count()) == (1, 1)
    assert IdempotencyKey.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_online_reports_with_one_key_are_one_report():
    report = {
        "name": "Sam Reporter",
        "email": "sam@example.com",
        "what_happened": "My bicycle was taken from outside the library.",
        "where": "Library, Market Street, Cambridge",
        "when": timezone.localdate().isoformat(),
        "idempotency_key": "race-form",
    }
    answers = _race(lambda: Client().post(reverse("contacts:report_crime"), report))

    assert {a.status_code for a in answers} == {200}
    assert len({a.content for a in answers}) == 1
    assert Contact.objects.count() == 1
