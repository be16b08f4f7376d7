import pytest

from demandhub.audit.models import Action, Event
from demandhub.dispatch.assignments import assign_resources, reassign, stand_down
from demandhub.dispatch.errors import (
    AssignmentAlreadyCleared,
    IncidentNotAwaitingDeployment,
    NothingToAssign,
    ResourceNotAvailable,
)
from demandhub.dispatch.models import Assignment, Resource
from demandhub.incidents.models import Incident

from .factories import ResourceFactory
from .incident_helpers import incident_awaiting

Status = Resource.Status
IStatus = Incident.Status


def test_assigning_an_available_unit_records_it_moves_both_and_tells_everyone(
    dispatcher, listener, django_capture_on_commit_callbacks
):
    incident = incident_awaiting(grade=1)
    unit = ResourceFactory(call_sign="R01")

    with django_capture_on_commit_callbacks(execute=True):
        (assignment,) = assign_resources(incident, [unit], by=dispatcher)

    unit.refresh_from_db()
    incident.refresh_from_db()
    assert unit.status == Status.ASSIGNED
    assert incident.status == IStatus.RESOURCES_ASSIGNED
    assert (assignment.assigned_by, assignment.diversion, assignment.active) == (
        dispatcher,
        False,
        True,
    )
    assert unit.status_changes.get().new_status == Status.ASSIGNED
    assert incident.status_changes.filter(new_status=IStatus.RESOURCES_ASSIGNED).exists()
    event = Event.objects.get(action=Action.RESOURCE_ASSIGNED)
    assert event.data["call_sign"] == "R01"
    assert event.data["incident"] == incident.reference
    notices = listener.notices()
    assert ("resource.assigned", str(unit.pk)) in notices
    assert ("incident.deployment", str(incident.pk)) in notices


def test_several_units_go_together_or_not_at_all(dispatcher):
    incident = incident_awaiting(grade=2)
    free = ResourceFactory(call_sign="R01")
    off = ResourceFactory(call_sign="R02", status=Status.OFF_DUTY)

    with pytest.raises(ResourceNotAvailable, match="R02 is off duty, not available"):
        assign_resources(incident, [free, off], by=dispatcher)

    free.refresh_from_db()
    incident.refresh_from_db()
    assert free.status == Status.AVAILABLE
    assert not Assignment.objects.exists()
    assert incident.status == IStatus.AWAITING_DEPLOYMENT
    assert not Event.objects.filter(action=Action.RESOURCE_ASSIGNED).exists()


def test_a_unit_on_a_grade_2_is_not_taken_for_another_grade_2(dispatcher):
    first, second = incident_awaiting(grade=2), incident_awaiting(grade=2)
    unit = ResourceFactory(call_sign="R01")
    assign_resources(first, [unit], by=dispatcher)

    with pytest.raises(ResourceNotAvailable, match=f"already assigned to {first.reference}"):
        assign_resources(second, [unit], by=dispatcher)

    assert Assignment.objects.get().incident == first


def test_a_grade_1_diverts_a_unit_from_a_less_urgent_incident(dispatcher):
    routine = incident_awaiting(grade=3)
    urgent = incident_awaiting(grade=1)
    unit = ResourceFactory(call_sign="R01")
    assign_resources(routine, [unit], by=dispatcher)

    (assignment,) = assign_resources(urgent, [unit], by=dispatcher)

    assert assignment.diversion
    old = Assignment.objects.get(incident=routine)
    assert old.clear_reason == Assignment.ClearReason.DIVERTED
    routine.refresh_from_db()
    assert routine.status == IStatus.AWAITING_DEPLOYMENT
    event = Event.objects.filter(action=Action.RESOURCE_ASSIGNED).last()
    assert event.data["diverted_from"] == routine.reference


def test_a_unit_transporting_a_prisoner_is_never_diverted(dispatcher, response_officer):
    routine, urgent = incident_awaiting(grade=3), incident_awaiting(grade=1)
    unit = ResourceFactory(call_sign="R01")
    assign_resources(routine, [unit], by=dispatcher)
    Resource.objects.filter(pk=unit.pk).update(status=Status.TRANSPORTING)

    with pytest.raises(ResourceNotAvailable, match=r"transporting .* cannot be diverted"):
        assign_resources(urgent, [unit], by=dispatcher)


def test_a_unit_already_on_the_incident_is_not_assigned_twice(dispatcher):
    incident = incident_awaiting(grade=1)
    unit = ResourceFactory(call_sign="R01")
    assign_resources(incident, [unit], by=dispatcher)

    with pytest.raises(ResourceNotAvailable, match="already assigned to"):
        assign_resources(incident, [unit], by=dispatcher)


def test_units_cannot_be_sent_to_a_resolved_incident(dispatcher):
    incident = incident_awaiting(grade=2, status=IStatus.RESOLVED)
    unit = ResourceFactory()

    with pytest.raises(IncidentNotAwaitingDeployment):
        assign_resources(incident, [unit], by=dispatcher)

    unit.refresh_from_db()
    assert unit.status == Status.AVAILABLE


def test_an_empty_choice_is_refused(dispatcher):
    with pytest.raises(NothingToAssign):
        assign_resources(incident_awaiting(), [], by=dispatcher)


def test_standing_down_the_only_unit_puts_the_incident_back_on_the_stack(dispatcher):
    incident = incident_awaiting(grade=2)
    unit = ResourceFactory(call_sign="R01")
    (assignment,) = assign_resources(incident, [unit], by=dispatcher)

    stand_down(assignment, by=dispatcher, reason="caller called back: all fine")

    unit.refresh_from_db()
    incident.refresh_from_db()
    assignment.refresh_from_db()
    assert unit.status == Status.AVAILABLE
    assert incident.status == IStatus.AWAITING_DEPLOYMENT
    assert (assignment.clear_reason, assignment.cleared_by) == ("stood_down", dispatcher)
    assert Event.objects.get(action=Action.RESOURCE_STOOD_DOWN).data["reason"] == (
        "caller called back: all fine"
    )
    with pytest.raises(AssignmentAlreadyCleared):
        stand_down(assignment, by=dispatcher)


def test_reassigning_moves_a_unit_from_one_incident_to_another(dispatcher):
    first, second = incident_awaiting(grade=2), incident_awaiting(grade=2)
    unit = ResourceFactory(call_sign="R01")
    (assignment,) = assign_resources(first, [unit], by=dispatcher)

    new = reassign(assignment, second, by=dispatcher)

    assert new.incident == second
    assert Assignment.objects.filter(cleared_at__isnull=True).get() == new
    first.refresh_from_db()
    assert first.status == IStatus.AWAITING_DEPLOYMENT
