"""The caller's page: consent, one device, and a clear page for every refusal."""

import pytest
from django.test import Client
from django.urls import reverse

from demandhub.audit.models import Action, Event
from demandhub.scene import actions
from demandhub.scene.models import SceneLink


@pytest.fixture
def link_and_token(call_handler, incident):  # type: ignore[no-untyped-def]
    return actions.create_link(incident, by=call_handler)


def url(token: str) -> str:
    return reverse("scene:caller", args=[token])


def consent(client: Client, token: str):  # type: ignore[no-untyped-def]
    client.get(url(token))
    return client.post(url(token), {"consent": "yes"})


def test_the_caller_sees_the_consent_screen_first(client, link_and_token):
    link, token = link_and_token

    response = client.get(url(token))

    assert response.status_code == 200
    assert b"I agree: start sharing" in response.content
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "no-store"
    link.refresh_from_db()
    assert link.first_used_at is not None
    assert link.consent_at is None


def test_consenting_opens_the_streaming_page_in_this_browser(client, link_and_token):
    link, token = link_and_token

    response = consent(client, token)

    assert response.status_code == 302
    page = client.get(url(token))
    assert page.status_code == 200
    assert f'data-socket="/ws/scene/{token}/"'.encode() in page.content
    link.refresh_from_db()
    assert link.consent_at is not None


def test_a_second_device_is_refused_once_the_link_is_in_use(client, link_and_token):
    _, token = link_and_token
    consent(client, token)

    other = Client()
    response = other.get(url(token))

    assert response.status_code == 403
    assert b"This link has already been used" in response.content
    assert other.post(url(token), {"consent": "yes"}).status_code == 403
    assert Event.objects.filter(action=Action.SCENE_LINK_REFUSED).count() == 2


def test_an_expired_link_gets_a_clear_page_and_no_stream(client, link_and_token, clock, settings):
    _, token = link_and_token
    consent(client, token)

    clock.advance(minutes=settings.SCENE_LINK_MINUTES)
    response = client.get(url(token))

    assert response.status_code == 410
    assert b"This link has expired" in response.content
    assert b"data-socket" not in response.content


def test_a_revoked_link_gets_a_clear_page(client, link_and_token, call_handler):
    link, token = link_and_token
    actions.revoke_link(link, by=call_handler)

    response = client.get(url(token))

    assert response.status_code == 410
    assert b"withdrawn" in response.content


def test_a_forged_link_gets_a_clear_page(client, link_and_token):
    response = client.get(url("forged-token-that-matches-nothing"))

    assert response.status_code == 404
    assert b"This link does not work" in response.content
    assert not Event.objects.filter(action=Action.SCENE_LINK_REFUSED).exists()


def test_declining_shares_nothing(client, link_and_token):
    link, token = link_and_token
    client.get(url(token))

    response = client.post(url(token), {"consent": "no"})

    assert response.status_code == 200
    assert b"Nothing has been shared" in response.content
    assert SceneLink.objects.get(pk=link.pk).consent_at is None
