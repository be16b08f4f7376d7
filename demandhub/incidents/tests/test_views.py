"""The consoles: status codes, partials, refusals, and nothing stored on bad input."""

from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from demandhub.incidents import grading
from demandhub.incidents.actions import raise_incident
from demandhub.incidents.models import Incident, LinkedContact

from .factories import ContactFactory, IncidentFactory, WarningMarkerFactory, minutes_ago, thrive


def thrive_post(
    level: str = "low", circumstances: tuple[str, ...] = (), **levels: str
) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for k in grading.ELEMENTS:
        data[f"{k}_level"] = levels.get(k, level)
        data[f"{k}_rationale"] = f"{k} considered"
    data["circumstances"] = list(circumstances)
    data["plus"] = list(grading.plus_checklist())
    return data


def incident_post(**extra: Any) -> dict[str, Any]:
    return {
        "classification": "CRIME-BURGLARY-DWELLING",
        "summary": "Caller hears someone breaking in downstairs",
        "location": "TL 45000 58000",
        "address": "14 Mill Road",
        "caller_name": "Pat Smith",
        "caller_phone": "+447700900123",
        "persons-TOTAL_FORMS": "2",
        "persons-INITIAL_FORMS": "0",
        "persons-MIN_NUM_FORMS": "0",
        "persons-MAX_NUM_FORMS": "10",
        "persons-0-role": "victim",
        "persons-0-name": "Pat Smith",
        "persons-1-role": "suspect",
        "persons-1-name": "",
        **thrive_post(circumstances=("crime_in_progress",)),
        "decision": "accept",
        **extra,
    }


def test_the_call_handler_screen_opens_from_a_contact(client, call_handler):
    contact = ContactFactory(caller_number="+447700900555")
    client.force_login(call_handler)

    response = client.get(reverse("incidents:new") + f"?contact={contact.pk}")

    assert response.status_code == 200
    assert b"+447700900555" in response.content
    assert f'name="contact" value="{contact.pk}"'.encode() in response.content


def test_raising_and_accepting_the_proposed_grade_in_one_step(client, call_handler, cambridge):
    contact = ContactFactory()
    client.force_login(call_handler)

    response = client.post(reverse("incidents:create"), {**incident_post(), "contact": contact.pk})

    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("incidents:detail", args=[incident.pk])
    assert (incident.status, incident.grade, incident.area, incident.contact) == (
        "awaiting_deployment",
        1,
        cambridge,
        contact,
    )
    assert [p.role for p in incident.persons.all()] == ["caller", "victim"]
    page = client.get(response.headers["Location"]).content.decode()
    assert "Awaiting deployment" in page
    assert "data-deadline" in page


def test_an_override_without_a_reason_is_refused_and_nothing_is_stored(client, call_handler):
    client.force_login(call_handler)

    response = client.post(
        reverse("incidents:create"), incident_post(decision="override", override_grade="3")
    )

    assert response.status_code == 422
    assert "An override needs a reason." in response.content.decode()
    assert not Incident.objects.exists()


def test_a_nonsense_location_is_refused_with_the_reason(client, call_handler):
    client.force_login(call_handler)

    response = client.post(reverse("incidents:create"), incident_post(location="AB 12 34"))

    assert response.status_code == 422
    assert "not a square of the British National Grid" in response.content.decode()
    assert not Incident.objects.exists()


def test_an_incomplete_thrive_is_refused(client, call_handler):
    client.force_login(call_handler)

    response = client.post(reverse("incidents:create"), incident_post(threat_rationale=""))

    assert response.status_code == 422
    assert not Incident.objects.exists()


def test_a_lost_call_can_be_raised_ungraded(client, call_handler):
    client.force_login(call_handler)

    response = client.post(
        reverse("incidents:create"), incident_post(decision="none", threat_level="")
    )

    assert response.status_code == 302
    assert Incident.objects.get().status == "open"


def test_live_feedback_shows_location_area_warnings_and_duplicates(client, call_handler, cambridge):
    WarningMarkerFactory(latitude=52.20116, longitude=0.12032, details="Bites")
    existing = IncidentFactory(
        latitude=52.2012,
        longitude=0.1203,
        opened_at=minutes_ago(5),
        classification="CRIME-BURGLARY-OTHER",
    )
    client.force_login(call_handler)

    response = client.post(reverse("incidents:assist"), incident_post())

    page = response.content.decode()
    assert response.status_code == 200
    assert "TL 45000 58000" in page
    assert "Cambridge City" in page
    assert "Dangerous dog" in page
    assert existing.reference in page
    assert "same kind of incident" in page


def test_live_feedback_explains_a_bad_location(client, call_handler):
    client.force_login(call_handler)

    response = client.post(reverse("incidents:assist"), {"location": "///only.two"})

    assert "not a what3words address" in response.content.decode()


def test_the_proposal_shows_the_grade_and_why(client, call_handler):
    client.force_login(call_handler)

    response = client.post(reverse("incidents:propose"), incident_post())

    page = response.content.decode()
    assert "Grade 1: emergency" in page
    assert "Crime in progress" in page


def test_linking_the_call_to_a_likely_duplicate(client, call_handler):
    existing = IncidentFactory()
    contact = ContactFactory()
    client.force_login(call_handler)

    response = client.post(reverse("incidents:link", args=[existing.pk]), {"contact": contact.pk})

    assert response.status_code == 302
    assert LinkedContact.objects.get().incident == existing
    assert Incident.objects.count() == 1


def test_the_board_lists_active_incidents_in_a_bounded_number_of_queries(
    client, dispatcher, cambridge, django_assert_max_num_queries
):
    for _ in range(5):
        IncidentFactory(area=cambridge, status="awaiting_deployment", grade=2)
    client.force_login(dispatcher)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("incidents:board"))

    assert response.status_code == 200
    assert response.content.decode().count("awaiting_deployment") >= 5


def test_the_detail_page_shows_the_timeline(client, call_handler):
    incident = raise_incident(by=call_handler, summary="x", assessment=thrive())
    client.force_login(call_handler)

    page = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()

    assert "Assessment v1" in page
    assert "Open → <strong>Graded</strong>" in page


def test_a_dispatcher_cannot_raise_incidents(client, dispatcher):
    client.force_login(dispatcher)

    assert client.get(reverse("incidents:new")).status_code == 403
    assert client.post(reverse("incidents:create"), incident_post()).status_code == 403


def test_a_call_handler_cannot_regrade(client, call_handler):
    incident = raise_incident(by=call_handler, summary="x", assessment=thrive())
    client.force_login(call_handler)

    response = client.post(
        reverse("incidents:regrade", args=[incident.pk]), {"grade": 1, "reason": "x"}
    )

    assert response.status_code == 403


def test_a_supervisor_regrade_without_reason_is_refused(client, call_handler, supervisor):
    incident = raise_incident(by=call_handler, summary="x", assessment=thrive())
    client.force_login(supervisor)

    response = client.post(reverse("incidents:regrade", args=[incident.pk]), {"grade": 1})

    assert response.status_code == 422
    incident.refresh_from_db()
    assert incident.grade == 3


@override_settings(INCIDENT_QA_SAMPLE_SHARE=1.0)
def test_resolution_then_review_through_the_consoles(
    client, call_handler, resolution_officer, supervisor
):
    incident = raise_incident(
        by=call_handler, summary="x", classification="CRIME-THEFT", assessment=thrive()
    )
    client.force_login(resolution_officer)
    assert incident.reference in client.get(reverse("incidents:resolution_queue")).content.decode()

    response = client.post(
        reverse("incidents:resolve", args=[incident.pk]), {"outcome": "Advice given by phone"}
    )
    assert response.status_code == 302

    client.force_login(supervisor)
    page = client.get(reverse("incidents:reviews")).content.decode()
    assert "Advice given by phone" in page
    review = incident.resolution.review
    client.post(reverse("incidents:review", args=[review.pk]), {"score": 4, "feedback": "Good"})
    review.refresh_from_db()
    assert review.score == 4
    assert (
        "average score <strong>4.00</strong>"
        in client.get(reverse("incidents:reviews")).content.decode()
    )


@pytest.mark.parametrize("name", ["incidents:detail", "incidents:grade"])
def test_missing_incidents_are_404(client, supervisor, name):
    client.force_login(supervisor)

    method = client.get if name == "incidents:detail" else client.post
    assert method(reverse(name, args=[10**9])).status_code == 404


def test_the_detail_page_maps_the_incident_and_only_the_units_still_on_it(
    client, call_handler, dispatcher
):
    from demandhub.dispatch.assignments import assign_resources, stand_down
    from demandhub.dispatch.tests.factories import ResourceFactory

    incident = raise_incident(
        by=call_handler, summary="x", assessment=thrive(), address="12 Mill Road"
    )
    Incident.objects.filter(pk=incident.pk).update(latitude=52.2, longitude=0.12)
    fixed = {"position_at": timezone.now()}
    near = ResourceFactory(call_sign="R01", latitude=52.21, longitude=0.13, **fixed)
    gone = ResourceFactory(call_sign="R02", latitude=52.19, longitude=0.11, **fixed)
    jobs = assign_resources(incident, [near, gone], by=dispatcher)
    stand_down(jobs[1], by=dispatcher, reason="not needed")
    client.force_login(call_handler)

    response = client.get(reverse("incidents:detail", args=[incident.pk]))

    data = response.context["map_data"]
    assert data["incident"]["text"] == "12 Mill Road"
    assert [(u["call_sign"], u["lat"], u["lon"]) for u in data["units"]] == [("R01", 52.21, 0.13)]
    page = response.content.decode()
    assert 'id="incident-map-data"' in page
    assert 'id="incident-map-areas"' in page
    assert 'hx-preserve="true"' in page


def test_the_live_fragment_carries_the_map_data_but_not_the_areas(client, call_handler):
    incident = raise_incident(by=call_handler, summary="x", assessment=thrive())
    client.force_login(call_handler)

    page = client.get(
        reverse("incidents:detail", args=[incident.pk]), headers={"HX-Request": "true"}
    ).content.decode()

    assert 'id="incident-map-data"' in page
    assert "incident-map-areas" not in page
