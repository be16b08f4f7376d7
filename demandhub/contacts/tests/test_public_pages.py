"""The public's pages: online reports with photos, tracking, starting a chat, rate limits."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from demandhub.contacts.actions import record_outcome, take_contact
from demandhub.contacts.models import Attachment, Contact


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


def _report(**extra):  # type: ignore[no-untyped-def]
    return {
        "name": "Sam Reporter",
        "email": "sam@example.com",
        "phone": "",
        "what_happened": "My bicycle was taken from outside the library.",
        "where": "Library, Market Street, Cambridge",
        "when": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "stolen_or_damaged": "Blue bicycle",
        **extra,
    }


def test_an_online_crime_report_with_a_photo_is_queued_and_gets_a_reference_and_link(
    client, settings
):
    photo = SimpleUploadedFile("bike.png", _png(), content_type="image/png")

    response = client.post(reverse("contacts:report_crime"), {**_report(), "photos": [photo]})

    assert response.status_code == 200
    contact = Contact.objects.get()
    assert (contact.channel, contact.status, contact.report_kind) == (
        "online_report",
        "queued",
        "crime",
    )
    assert contact.reference.startswith("WEB-")
    page = response.content.decode()
    assert contact.reference in page
    assert "/track/?t=" in page
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"
    stored = (settings.DATA_DIR / "uploads" / attachment.stored_as).read_bytes()
    with Image.open(io.BytesIO(stored)) as image:  # re-encoded without metadata, same pixels
        assert (image.format, image.size, image.getpixel((0, 0))) == ("PNG", (8, 8), (255, 0, 0))
    import hashlib

    assert attachment.sha256 == hashlib.sha256(stored).hexdigest()


def test_a_file_that_is_not_a_photo_is_refused_whatever_its_name(client):
    fake = SimpleUploadedFile(
        "holiday.jpg", b"MZ\x90\x00 this is a program", content_type="image/jpeg"
    )

    response = client.post(reverse("contacts:report_crime"), {**_report(), "photos": [fake]})

    assert response.status_code == 422
    assert "is not a photo we can accept" in response.content.decode()
    assert not Contact.objects.exists()


@override_settings()
def test_a_photo_over_the_size_cap_is_refused(client, monkeypatch):
    from demandhub.contacts import uploads

    monkeypatch.setattr(uploads, "MAX_BYTES", 100)
    big = SimpleUploadedFile("big.png", _png() + b"\0" * 200, content_type="image/png")

    response = client.post(reverse("contacts:report_crime"), {**_report(), "photos": [big]})

    assert response.status_code == 422
    assert "larger than" in response.content.decode()


def test_the_form_explains_what_is_missing_in_plain_english(client):
    response = client.post(
        reverse("contacts:report_asb"),
        {"name": "", "email": "not-an-email", "what_happened": "Noise", "when": "2999-01-01"},
    )

    page = response.content.decode()
    assert response.status_code == 422
    for message in (
        "Tell us your name.",
        "Enter an email address like name@example.com.",
        "Tell us a little more about what happened",
        "Tell us where it happened.",
        "The date cannot be in the future.",
        "Tell us whether it is still happening.",
    ):
        assert message in page
    assert not Contact.objects.exists()


def test_a_report_needs_a_way_to_contact_the_reporter(client):
    response = client.post(reverse("contacts:report_crime"), _report(email=""))

    assert "Give us an email address or a phone number" in response.content.decode()


def test_the_tracking_page_shows_the_status_and_updates_for_the_reporter(client, call_handler):
    client.post(reverse("contacts:report_crime"), _report())
    link = Contact.objects.get()
    tracking = client.post(reverse("contacts:report_crime"), _report()).content.decode()
    url = tracking.split('id="tracking-link" href="')[1].split('"')[0]
    contact = Contact.objects.order_by("-id").first()
    assert "Waiting to be looked at" in client.get(url).content.decode()

    take_contact(contact, by=call_handler)
    record_outcome(contact, by=call_handler, outcome="crime_recorded", summary="Cycle theft")

    page = client.get(url).content.decode()
    crime = contact.crime_records.get()
    assert f"Recorded as crime <strong>{crime.reference}</strong>" in page
    assert f"We have recorded your report as crime {crime.reference}." in page
    assert link.reference not in page


def test_a_wrong_tracking_token_finds_nothing(client):
    client.post(reverse("contacts:report_crime"), _report())

    assert client.get(reverse("contacts:track") + "?t=guess").status_code == 404
    assert client.get(reverse("contacts:track")).status_code == 200


@override_settings(CONTACTS_RATE_LIMITS={"report": (2, 600)})
def test_online_reports_are_rate_limited_per_address(client):
    statuses = [
        client.post(reverse("contacts:report_crime"), _report()).status_code for _ in range(3)
    ]

    assert statuses == [200, 200, 429]
    assert Contact.objects.count() == 2


def test_starting_a_chat_queues_it_and_opens_the_private_chat_page(client):
    response = client.post(
        reverse("contacts:chat"), {"name": "Jo", "message": "Someone keeps ringing my bell"}
    )

    contact = Contact.objects.get()
    assert (contact.channel, contact.status, contact.caller_name) == ("web_chat", "queued", "Jo")
    assert contact.chat_messages.get().body == "Someone keeps ringing my bell"
    page = client.get(response.headers["Location"]).content.decode()
    assert "Someone keeps ringing my bell" in page
    assert "/ws/chat/public/" in page


def test_a_chat_link_with_a_wrong_token_finds_nothing(client):
    client.post(reverse("contacts:chat"), {"name": "Jo"})

    assert client.get(reverse("contacts:chat") + "?t=nope").status_code == 404


def test_starting_a_chat_without_a_name_is_refused_plainly(client):
    response = client.post(reverse("contacts:chat"), {"name": "", "phone": "12"})

    assert response.status_code == 422
    assert "Tell us your name." in response.content.decode()
    assert "Enter a phone number like 07700 900123." in response.content.decode()


def test_a_member_of_the_public_who_leaves_a_waiting_chat_abandons_it(client):
    response = client.post(reverse("contacts:chat"), {"name": "Jo"})
    chat_url = response.headers["Location"]

    client.post(chat_url, {"leave": "1"})

    contact = Contact.objects.get()
    assert (contact.status, contact.outcome) == ("abandoned", "abandoned")
    assert contact.abandoned_at is not None
    assert contact.chat_messages.last().body == "The member of the public has left the chat."
    assert "End chat" not in client.get(chat_url).content.decode()


def test_leaving_an_answered_chat_tells_the_operator_who_still_records_the_outcome(
    client, call_handler
):
    response = client.post(reverse("contacts:chat"), {"name": "Jo"})
    contact = take_contact(Contact.objects.get(), by=call_handler)

    client.post(response.headers["Location"], {"leave": "1"})

    contact.refresh_from_db()
    assert (contact.status, contact.ended_at is not None) == ("in_progress", True)
    record_outcome(contact, by=call_handler, outcome="advice_given")
