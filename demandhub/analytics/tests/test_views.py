"""The staffing calculator page: who may open it, the figures it shows, its htmx partials."""

import pytest
from django.urls import reverse

URL = reverse("analytics:capacity")
WORKED_EXAMPLE = {
    "channel": "101",
    "arrivals_per_hour": "200",
    "aht_seconds": "180",
    "agents": "14",
    "target_seconds": "20",
    "service_level": "0.8",
}


@pytest.mark.parametrize("role", ["analyst", "supervisor", "administrator"])
def test_planners_open_the_calculator_with_a_channel_preset(client, request, role):
    client.force_login(request.getfixturevalue(role))

    response = client.get(URL)

    assert response.status_code == 200
    assert b"Staffing calculator" in response.content
    assert b'id="agents-needed"' in response.content
    assert b"<svg" in response.content


@pytest.mark.parametrize("role", ["call_handler", "dispatcher", "outsider"])
def test_others_are_refused(client, request, role):
    client.force_login(request.getfixturevalue(role))

    assert client.get(URL).status_code == 403


def test_the_landing_page_lists_the_calculator_for_analysts_only(client, analyst, dispatcher):
    client.force_login(analyst)
    assert URL.encode() in client.get(reverse("accounts:landing")).content

    client.force_login(dispatcher)
    assert URL.encode() not in client.get(reverse("accounts:landing")).content


def test_the_worked_example_shows_the_published_figures(client, analyst):
    client.force_login(analyst)

    response = client.get(URL, WORKED_EXAMPLE)

    ctx = response.context
    assert ctx["needed"].agents == 14
    assert ctx["chosen"].service_level == pytest.approx(0.8884, abs=5e-5)
    assert [r.agents for r in ctx["rows"]] == list(range(11, 19))
    assert b'id="service-level">89%' in response.content


def test_typing_a_figure_returns_only_the_result(client, analyst):
    client.force_login(analyst)

    response = client.get(URL, {**WORKED_EXAMPLE, "agents": "16"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"<form" not in response.content
    assert b"service level with 16 agents" in response.content


def test_choosing_a_channel_fills_in_its_figures(client, analyst):
    client.force_login(analyst)

    response = client.get(URL, {"channel": "web_chat", "preset": "1"}, HTTP_HX_REQUEST="true")

    assert b"<form" in response.content
    assert b'name="aht_seconds" type="number" step="any" value="900"' in response.content


def test_too_few_agents_says_there_is_no_steady_state(client, analyst):
    client.force_login(analyst)

    response = client.get(URL, {**WORKED_EXAMPLE, "agents": "9"}, HTTP_HX_REQUEST="true")

    assert b"no steady state: traffic 10 erlangs needs more than 9 agents" in response.content
    assert b'id="agents-needed">14<' in response.content


def test_bad_figures_are_pointed_out_on_the_field(client, analyst):
    client.force_login(analyst)

    response = client.get(URL, {**WORKED_EXAMPLE, "arrivals_per_hour": "-5"})

    assert response.status_code == 200
    assert "arrivals_per_hour" in response.context["form"].errors
    assert b"Correct the figures" in response.content
