"""The crew's status changes drive the assignment's times and the incident's status."""

from demandhub.dispatch.actions import change_status
from demandhub.dispatch.assignments import assign_resources
from demandhub.dispatch.models import Assignment, Resource
from demandhub.dispatch.stack import response_times
from demandhub.incidents.models import Incident

from .factories import ResourceFactory
from .incident_helpers import incident_awaiting

Status = Resource.Status


def test_en_route_then_at_scene_stamps_the_times_and_the_incident_is_attended(
    dispatcher, response_officer
):
    incident = incident_awaiting(grade=1)
    unit = ResourceFactory(call_sign="R01")
    assign_resources(incident, [unit], by=dispatcher)

    change_status(unit, Status.EN_ROUTE, by=response_officer)
    change_status(unit, Status.AT_SCENE, by=response_officer)

    assignment = Assignment.objects.get()
    assert assignment.en_route_at is not None
    assert assignment.arrived_at >= assignment.en_route_at
    incident.refresh_from_db()
    assert incident.status == Incident.Status.AT_SCENE
    times = response_times(assignment, incident)
    assert times.to_arrive == assignment.arrived_at - incident.opened_at
    assert times.met is True


def test_arriving_after_the_deadline_is_recorded_as_missed(dispatcher, response_officer):
    from datetime import timedelta

    from django.utils import timezone

    incident = incident_awaiting(grade=1, opened_at=timezone.now() - timedelta(minutes=20))
    unit = ResourceFactory()
    assign_resources(incident, [unit], by=dispatcher)
    change_status(unit, Status.AT_SCENE, by=response_officer)

    times = response_times(Assignment.objects.get(), incident)

    assert times.met is False
    assert times.to_dispatch >= timedelta(minutes=20)
    assert times.target == timedelta(minutes=15)


def test_clearing_after_the_job_completes_the_assignment(dispatcher, response_officer):
    incident = incident_awaiting(grade=2)
    unit = ResourceFactory()
    assign_resources(incident, [unit], by=dispatcher)
    change_status(unit, Status.AT_SCENE, by=response_officer)

    change_status(unit, Status.AVAILABLE, by=response_officer)

    assignment = Assignment.objects.get()
    assert assignment.clear_reason == Assignment.ClearReason.COMPLETED
    incident.refresh_from_db()
    assert incident.status == Incident.Status.AT_SCENE  # the dispatcher resolves it


def test_a_crew_going_unavailable_before_arrival_returns_the_incident_to_the_stack(
    dispatcher, response_officer
):
    incident = incident_awaiting(grade=2)
    unit = ResourceFactory()
    assign_resources(incident, [unit], by=dispatcher)
    change_status(unit, Status.EN_ROUTE, by=response_officer)

    change_status(unit, Status.UNAVAILABLE, by=response_officer, reason="collision on the way")

    assert Assignment.objects.get().clear_reason == Assignment.ClearReason.UNAVAILABLE
    incident.refresh_from_db()
    assert incident.status == Incident.Status.AWAITING_DEPLOYMENT
