"""The scene panel on the incident page: create, show once, withdraw; and who may use it."""

import pytest
from django.urls import reverse

from demandhub.scene import actions, links
from demandhub.scene.models import SceneLink


def test_the_incident_page_loads_the_panel_for_handlers_and_dispatchers(
    client, call_handler, sergeant, incident
):
    client.force_login(call_handler)
    panel_url = reverse("scene:panel", args=[incident.pk])

    assert panel_url.encode() in client.get(reverse("incidents:detail", args=[incident.pk])).content
    client.force_login(sergeant)  # sees incidents, but does not handle scene video
    assert (
        panel_url.encode()
        not in client.get(reverse("incidents:detail", args=[incident.pk])).content
    )


def test_the_panel_renders_within_a_query_budget(
    client, dispatcher, incident, django_assert_max_num_queries
):
    actions.create_link(incident, by=dispatcher)
    client.force_login(dispatcher)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("scene:panel", args=[incident.pk]))

    assert response.status_code == 200
    assert b"Create a link for the caller" in response.content
    assert b'data-socket="/ws/scene/incident/' in response.content


def test_creating_a_link_shows_it_once_as_text_and_qr_code(client, call_handler, incident):
    client.force_login(call_handler)

    response = client.post(reverse("scene:create", args=[incident.pk]))

    assert response.status_code == 200
    link = SceneLink.objects.get()
    html = response.content.decode()
    url = html.split('id="scene-url" class="scene-url" value="', 1)[1].split('"', 1)[0]
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert url.startswith("http://testserver/scene/")
    assert links.digest(token) == link.token_hash
    assert "<svg" in html
    assert token not in client.get(reverse("scene:panel", args=[incident.pk])).content.decode()


def test_the_public_address_is_used_for_links_when_configured(
    client, call_handler, incident, settings
):
    settings.SCENE_PUBLIC_URL = "https://scene.example.org"
    client.force_login(call_handler)

    response = client.post(reverse("scene:create", args=[incident.pk]))

    assert b'value="https://scene.example.org/scene/' in response.content


def test_withdrawing_a_link_from_the_panel(client, dispatcher, call_handler, incident):
    link, _ = actions.create_link(incident, by=call_handler)
    client.force_login(dispatcher)

    response = client.post(reverse("scene:revoke", args=[incident.pk, link.pk]))

    assert response.status_code == 200
    link.refresh_from_db()
    assert link.revoked_by == dispatcher


def test_a_link_of_another_incident_cannot_be_withdrawn_through_this_one(
    client, call_handler, incident
):
    from demandhub.incidents.tests.factories import IncidentFactory

    other, _ = actions.create_link(IncidentFactory(), by=call_handler)
    client.force_login(call_handler)

    response = client.post(reverse("scene:revoke", args=[incident.pk, other.pk]))

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


@pytest.mark.parametrize("persona", ["outsider", "sergeant", "switchboard_operator"])
def test_staff_without_scene_permission_are_refused(client, incident, persona, request):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("scene:panel", args=[incident.pk])).status_code in (403, 404)
    assert client.post(reverse("scene:create", args=[incident.pk])).status_code in (403, 404)
    assert not SceneLink.objects.exists()
