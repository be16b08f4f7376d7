"""Stills and recordings: stored with their SHA-256, audited, and opened only with permission."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from demandhub.audit.models import Action, Event
from demandhub.scene import actions
from demandhub.scene.errors import EvidenceRejected
from demandhub.scene.evidence import path_of
from demandhub.scene.models import Evidence

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WEBM = b"\x1a\x45\xdf\xa3" + b"\x01" * 64


@pytest.fixture
def link(call_handler, incident):  # type: ignore[no-untyped-def]
    return actions.create_link(incident, by=call_handler)[0]


def test_a_still_is_stored_with_its_hash_and_audited(link, dispatcher, evidence_dir):
    item = actions.record_evidence(
        link, by=dispatcher, kind="still", content_type="image/png", chunks=[PNG[:10], PNG[10:]]
    )

    assert item.sha256 == hashlib.sha256(PNG).hexdigest()
    assert item.size == len(PNG)
    stored = path_of(item.path)
    assert stored.read_bytes() == PNG
    assert evidence_dir in stored.parents
    assert stored.stat().st_mode & 0o077 == 0  # readable by the service account only
    event = Event.objects.get(action=Action.SCENE_EVIDENCE_CAPTURED)
    assert (event.actor, event.data["sha256"]) == (dispatcher, item.sha256)


def test_a_recording_keeps_its_type_without_codec_parameters(link, call_handler):
    item = actions.record_evidence(
        link,
        by=call_handler,
        kind="recording",
        content_type="video/webm;codecs=vp8,opus",
        chunks=[WEBM],
    )

    assert (item.kind, item.content_type, item.path.endswith(".webm")) == (
        "recording",
        "video/webm",
        True,
    )


@pytest.mark.parametrize(
    ("kind", "content_type", "content"),
    [
        ("still", "text/html", b"<script>alert(1)</script>"),
        ("still", "image/png", b"<script>alert(1)</script>"),  # lies about its type
        ("recording", "image/png", PNG),
        ("still", "image/png", b""),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused_and_leave_nothing(
    link, call_handler, evidence_dir, kind, content_type, content
):
    with pytest.raises(EvidenceRejected):
        actions.record_evidence(
            link, by=call_handler, kind=kind, content_type=content_type, chunks=[content]
        )

    assert not Evidence.objects.exists()
    assert not [p for p in evidence_dir.rglob("*") if p.is_file()]


def test_an_oversized_still_is_refused(link, call_handler, settings, evidence_dir):
    settings.SCENE_STILL_MAX_BYTES = 32

    with pytest.raises(EvidenceRejected):
        actions.record_evidence(
            link, by=call_handler, kind="still", content_type="image/png", chunks=[PNG]
        )

    assert not [p for p in evidence_dir.rglob("*") if p.is_file()]


def _upload(client, link, content=PNG, kind="still"):  # type: ignore[no-untyped-def]
    url = reverse("scene:capture", args=[link.incident_id, link.pk])
    upload = SimpleUploadedFile("still.png", content, content_type="image/png")
    return client.post(url, {"kind": kind, "file": upload})


def test_the_panel_uploads_a_still_and_lists_it_with_its_hash(client, link, dispatcher):
    client.force_login(dispatcher)

    response = _upload(client, link)

    assert response.status_code == 200
    item = Evidence.objects.get()
    assert item.captured_by == dispatcher
    assert item.sha256.encode() in response.content


def test_downloading_evidence_is_audited_and_never_inline(client, link, dispatcher):
    item = actions.record_evidence(
        link, by=dispatcher, kind="still", content_type="image/png", chunks=[PNG]
    )
    client.force_login(dispatcher)

    response = client.get(reverse("scene:evidence", args=[item.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store, private"
    viewed = Event.objects.get(action=Action.SCENE_EVIDENCE_VIEWED)
    assert (viewed.actor, viewed.subject_id) == (dispatcher, str(item.pk))


@pytest.mark.parametrize("persona", ["outsider", "sergeant", "analyst"])
def test_staff_without_the_permission_cannot_capture_or_open_evidence(
    client, link, call_handler, persona, request
):
    item = actions.record_evidence(
        link, by=call_handler, kind="still", content_type="image/png", chunks=[PNG]
    )
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("scene:evidence", args=[item.pk])).status_code in (403, 404)
    assert _upload(client, link).status_code in (403, 404)
    assert not Event.objects.filter(action=Action.SCENE_EVIDENCE_VIEWED).exists()
    assert Evidence.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in_for_evidence(client, link, call_handler):
    item = actions.record_evidence(
        link, by=call_handler, kind="still", content_type="image/png", chunks=[PNG]
    )

    response = client.get(reverse("scene:evidence", args=[item.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
