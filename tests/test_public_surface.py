"""The hardened public surface: security headers, CSRF on every form, no inline script,
unguessable tracking links. (Rate limits: contacts/tests; uploads: test_uploads_hardening.)"""

import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

import demandhub
from demandhub.contacts.models import Contact
from demandhub.contacts.tests.test_public_pages import _report
from demandhub.core.middleware import content_security_policy

TEMPLATES = sorted(Path(demandhub.__file__).parent.rglob("templates/**/*.html"))


def test_every_page_carries_the_content_security_policy_and_frame_denial(client):
    response = client.get(reverse("accounts:login"))

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_configured_tile_server_may_serve_map_images():
    policy = content_security_policy("https://{s}.tiles.force.internal/{z}/{x}/{y}.png")

    assert "img-src 'self' data: blob: https://*.tiles.force.internal" in policy


def test_hsts_is_sent_over_tls_only(client):
    assert "Strict-Transport-Security" not in client.get("/login/")

    secure = client.get("/login/", secure=True)

    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
def test_session_and_csrf_cookies_are_secure_and_http_only(client, dispatcher):
    from demandhub.accounts.tests.factories import PASSWORD

    client.get("/login/", secure=True)
    csrf = client.cookies["csrftoken"]
    signed_in = client.post(
        "/login/", {"username": "dispatcher", "password": PASSWORD}, secure=True
    )
    session = signed_in.cookies["sessionid"]

    assert csrf["httponly"]
    assert csrf["secure"]
    assert csrf["samesite"] == "Lax"
    assert session["httponly"]
    assert session["secure"]
    assert session["samesite"] == "Lax"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p).split("demandhub/", 1)[-1])
def test_no_template_has_inline_script_handlers_or_styles(path):
    text = path.read_text()

    scripts = re.findall(r"<script\b([^>]*)>", text)
    assert all("src=" in attrs for attrs in scripts), scripts  # json_script renders type=json
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    assert not re.search(r"\shx-on[:-]", text), "hx-on runs inline code"
    assert not re.search(r"\sstyle\s*=", text), "inline style"
    assert "javascript:" not in text


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p).split("demandhub/", 1)[-1])
def test_every_post_form_carries_the_csrf_token(path):
    text = path.read_text()

    for form in re.findall(r"<form\b[^>]*>.*?</form>", text, re.S | re.I):
        if re.search(r'method\s*=\s*"post"', form, re.I):
            assert "{% csrf_token %}" in form, form[:200]


def test_a_public_form_posted_without_its_csrf_token_is_refused(db):
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(reverse("contacts:report_crime"), _report())

    assert response.status_code == 403
    assert not Contact.objects.exists()


def test_a_staff_form_posted_without_its_csrf_token_is_refused(supervisor, dispatcher):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(supervisor)

    response = strict.post(
        reverse("accounts:staff_session_action", args=[dispatcher.pk, "revoke"]), {"reason": "x"}
    )

    assert response.status_code == 403


def test_tracking_links_carry_256_random_bits_and_only_their_hash_is_kept(client):
    pages = [
        client.post(reverse("contacts:report_crime"), _report()).content.decode() for _ in "ab"
    ]
    tokens = [re.search(r"/track/\?t=([\w-]+)", page).group(1) for page in pages]  # type: ignore[union-attr]

    assert all(len(t) >= 43 for t in tokens)  # token_urlsafe(32): 32 bytes from the OS
    assert tokens[0] != tokens[1]
    for contact in Contact.objects.all():
        assert contact.public_token_hash not in tokens
        assert all(t not in str(contact.__dict__) for t in tokens)
    # A link differing in one character, an id, or a reference finds nothing.
    reference = Contact.objects.first().reference  # type: ignore[union-attr]
    for guess in (tokens[0][:-1] + ("A" if tokens[0][-1] != "A" else "B"), "1", reference, ""):
        assert client.get(reverse("contacts:track"), {"t": guess}).status_code in (200, 404)
        assert reference not in client.get(reverse("contacts:track"), {"t": guess}).content.decode()


@override_settings(CONTACTS_RATE_LIMITS={"track": (5, 600)})
def test_guessing_tracking_links_is_rate_limited(client):
    cache.clear()
    statuses = [
        client.get(reverse("contacts:track"), {"t": f"guess{n}"}).status_code for n in range(7)
    ]

    assert statuses == [404] * 5 + [429] * 2
