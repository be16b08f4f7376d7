"""Photos from the public: metadata stripped, content checked, size capped, never inline."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from demandhub.contacts.models import Attachment, Contact
from demandhub.contacts.uploads import PhotoRefused, check_photo

from .test_public_pages import _report


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (16, 8), "blue")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show upright
    exif[0x8825] = {1: "N", 2: (52.0, 12.0, 30.0), 3: "E", 4: (0.0, 7.0, 15.0)}  # GPS
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_exif_and_gps_are_stripped_and_the_photo_is_turned_upright():
    original = _jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif()  # the test photo does carry EXIF

    checked = check_photo(original, "scene.jpg")

    with Image.open(io.BytesIO(checked.data)) as image:
        assert not image.getexif()
        assert "exif" not in image.info
        assert image.size == (8, 16)  # upright, as the orientation tag asked
    assert b"PhoneMaker" not in checked.data


def test_bytes_hidden_after_the_image_are_dropped():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    polyglot = buffer.getvalue() + b"<script>alert(1)</script>"

    checked = check_photo(polyglot, "x.png")

    assert b"<script>" not in checked.data


@pytest.mark.parametrize(
    "data",
    [b"<svg xmlns='http://www.w3.org/2000/svg'><script>1</script></svg>", b"%PDF-1.4", b"GIF8"],
    ids=["svg", "pdf", "truncated-gif"],
)
def test_content_that_is_not_an_accepted_photo_is_refused(data):
    with pytest.raises(PhotoRefused):
        check_photo(data, "photo.jpg")


def test_a_declared_size_over_the_cap_is_refused_before_reading(client, monkeypatch):
    from demandhub.contacts import forms

    monkeypatch.setattr(forms, "MAX_BYTES", 50)
    big = SimpleUploadedFile("big.jpg", _jpeg_with_gps(), content_type="image/jpeg")

    response = client.post(reverse("contacts:report_crime"), {**_report(), "photos": [big]})

    assert response.status_code == 422
    assert "is larger than" in response.content.decode()
    assert not Contact.objects.exists()


def test_staff_get_a_photo_as_a_download_never_rendered_inline(client, call_handler):
    photo = SimpleUploadedFile("scene.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    client.post(reverse("contacts:report_crime"), {**_report(), "photos": [photo]})
    attachment = Attachment.objects.get()
    client.force_login(call_handler)

    response = client.get(reverse("contacts:photo", args=[attachment.contact_id, attachment.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
