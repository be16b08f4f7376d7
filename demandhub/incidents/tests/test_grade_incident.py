"""Raising and grading: assessment versions kept, status moves, deadlines, overrides, regrades."""

from datetime import timedelta

import pytest

from demandhub.audit.models import Action, Event
from demandhub.incidents.actions import (
    PersonDetails,
    grade_incident,
    raise_incident,
    regrade_incident,
    set_location,
)
from demandhub.incidents.errors import NotGradeable, ReasonRequired
from demandhub.incidents.locations import parse
from demandhub.incidents.models import Assessment, Incident

from .factories import ContactFactory, thrive


def test_raise_incident_still_works_with_just_the_original_arguments(call_handler):
    incident = raise_incident(by=call_handler, summary="Shed broken into", contact=None)

    assert incident.status == Incident.Status.OPEN
    assert incident.log_entries.get().text == "Incident raised: Shed broken into"


def test_raising_at_a_grid_reference_finds_the_policing_area(call_handler, cambridge, fens):
    incident = raise_incident(
        by=call_handler,
        summary="Fight outside pub",
        classification="CRIME-VIOLENCE",
        location=parse("TL 45000 58000"),
        persons=[PersonDetails("caller", "Pat Smith", phone="+447700900123")],
    )

    incident.refresh_from_db()
    assert incident.area == cambridge
    assert incident.location["grid_reference"] == "TL 45000 58000"
    assert incident.persons.get().name == "Pat Smith"
    assert Event.objects.filter(
        action=Action.INCIDENT_LOCATED, subject_id=str(incident.pk)
    ).exists()


def test_accepting_the_proposed_grade_1_sets_the_urban_deadline_and_awaits_deployment(
    call_handler, cambridge, django_capture_on_commit_callbacks
):
    incident = raise_incident(
        by=call_handler,
        summary="Burglary in progress",
        contact=ContactFactory(),
        classification="CRIME-BURGLARY-DWELLING",
        location=parse("TL 45000 58000"),
    )

    with django_capture_on_commit_callbacks() as callbacks:
        grade_incident(
            incident, by=call_handler, assessment=thrive(circumstances=("crime_in_progress",))
        )

    incident.refresh_from_db()
    assert (incident.grade, incident.status) == (1, Incident.Status.AWAITING_DEPLOYMENT)
    assert incident.attendance_deadline == incident.opened_at + timedelta(minutes=15)
    assert [(c.old_status, c.new_status) for c in incident.status_changes.all()] == [
        ("open", "graded"),
        ("graded", "awaiting_deployment"),
    ]
    version = incident.assessments.get()
    assert (version.version, version.proposed_grade, version.grade) == (1, 1, 1)
    assert version.reasons == ["Crime in progress"]
    assert version.thrive["circumstances"] == ["crime_in_progress"]
    event = Event.objects.get(action=Action.INCIDENT_GRADED)
    assert event.data["reasons"] == ["Crime in progress"]
    assert len(callbacks) >= 1


def test_grade_1_in_a_rural_area_has_twenty_minutes(call_handler, fens):
    incident = raise_incident(
        by=call_handler,
        summary="x",
        classification="CRIME-VIOLENCE",
        location=parse("52.399, 0.262"),
        assessment=thrive(circumstances=("threat_to_life",)),
    )

    assert incident.area == fens
    assert incident.attendance_deadline == incident.opened_at + timedelta(minutes=20)


def test_a_grade_4_goes_to_the_resolution_team_without_a_deadline(call_handler):
    incident = raise_incident(
        by=call_handler,
        summary="Bike stolen last week",
        classification="CRIME-THEFT",
        assessment=thrive(),
    )

    assert (incident.grade, incident.status) == (4, Incident.Status.WITH_RESOLUTION_TEAM)
    assert incident.attendance_deadline is None


def test_an_override_without_a_reason_is_refused_and_the_incident_stays_as_it_was(call_handler):
    incident = raise_incident(by=call_handler, summary="x", classification="CRIME-THEFT")

    with pytest.raises(ReasonRequired, match="propose grade 4"):
        grade_incident(incident, by=call_handler, assessment=thrive(), grade=2)

    incident.refresh_from_db()
    assert (incident.status, incident.grade) == (Incident.Status.OPEN, None)
    assert not Assessment.objects.exists()
    assert not Event.objects.filter(action=Action.INCIDENT_GRADED).exists()


def test_an_override_with_a_reason_keeps_both_the_proposal_and_the_decision(call_handler):
    incident = raise_incident(by=call_handler, summary="x", classification="CRIME-THEFT")

    grade_incident(
        incident, by=call_handler, assessment=thrive(), grade=2, override_reason="Elderly victim"
    )

    version = Assessment.objects.get(incident=incident)
    assert (version.proposed_grade, version.grade, version.override_reason) == (
        4,
        2,
        "Elderly victim",
    )
    assert Event.objects.get(action=Action.INCIDENT_GRADED).data["override_reason"] == (
        "Elderly victim"
    )


def test_a_graded_incident_cannot_be_graded_again_by_the_handler(call_handler):
    incident = raise_incident(by=call_handler, summary="x", assessment=thrive())

    with pytest.raises(NotGradeable):
        grade_incident(incident, by=call_handler, assessment=thrive())

    assert incident.assessments.count() == 1


def test_a_supervisor_regrade_keeps_every_version_and_restarts_the_clock(
    call_handler, supervisor, cambridge
):
    incident = raise_incident(
        by=call_handler,
        summary="x",
        classification="CRIME-BURGLARY-DWELLING",
        location=parse("TL 45000 58000"),
        assessment=thrive(),
    )
    assert incident.grade == 3

    regrade_incident(incident, by=supervisor, grade=1, reason="Caller now hears intruders")

    incident.refresh_from_db()
    versions = list(incident.assessments.all())
    assert [(v.version, v.kind, v.grade) for v in versions] == [
        (1, "initial", 3),
        (2, "regrade", 1),
    ]
    assert versions[1].thrive == versions[0].thrive
    assert incident.attendance_deadline == versions[1].assessed_at + timedelta(minutes=15)
    event = Event.objects.get(action=Action.INCIDENT_REGRADED)
    assert (event.actor, event.data["old_grade"], event.data["grade"]) == (supervisor, 3, 1)


def test_a_regrade_needs_a_reason(call_handler, supervisor):
    incident = raise_incident(by=call_handler, summary="x", assessment=thrive())

    with pytest.raises(ReasonRequired):
        regrade_incident(incident, by=supervisor, grade=1, reason=" ")

    assert incident.assessments.count() == 1


def test_regrading_to_4_passes_it_to_the_resolution_team(call_handler, supervisor):
    incident = raise_incident(
        by=call_handler,
        summary="x",
        classification="CRIME-BURGLARY-DWELLING",
        assessment=thrive(),
    )

    regrade_incident(incident, by=supervisor, grade=4, reason="Caller happy with a phone call")

    incident.refresh_from_db()
    assert (incident.status, incident.attendance_deadline) == ("with_resolution_team", None)


def test_moving_a_graded_incident_to_a_rural_area_moves_its_deadline(call_handler, cambridge, fens):
    incident = raise_incident(
        by=call_handler,
        summary="x",
        location=parse("TL 45000 58000"),
        assessment=thrive(circumstances=("threat_to_life",)),
    )

    set_location(incident, by=call_handler, location=parse("52.399, 0.262"))

    incident.refresh_from_db()
    assert incident.area == fens
    assert incident.attendance_deadline == incident.opened_at + timedelta(minutes=20)


def test_an_unknown_classification_is_refused_and_nothing_is_stored(call_handler):
    from demandhub.incidents.actions import UnknownClassification

    with pytest.raises(UnknownClassification):
        raise_incident(by=call_handler, summary="x", classification="MADE-UP")

    assert not Incident.objects.exists()
