from datetime import timedelta

import pytest
from django.utils import timezone

from demandhub.audit.models import Action, Event
from demandhub.dispatch.actions import change_status
from demandhub.dispatch.errors import StatusSetByAssignment, TransitionNotAllowed
from demandhub.dispatch.models import Resource, StatusChange

from .factories import ResourceFactory

Status = Resource.Status


def test_a_permitted_move_records_the_change_audits_it_and_tells_the_board(
    dispatcher, listener, django_capture_on_commit_callbacks
):
    unit = ResourceFactory(status=Status.AVAILABLE)

    with django_capture_on_commit_callbacks(execute=True):
        change_status(unit, Status.REFRESHMENT, by=dispatcher, reason="meal")

    unit.refresh_from_db()
    assert unit.status == Status.REFRESHMENT
    assert unit.status_changed_at is not None
    change = StatusChange.objects.get(resource=unit)
    assert (change.old_status, change.new_status, change.changed_by, change.reason) == (
        Status.AVAILABLE,
        Status.REFRESHMENT,
        dispatcher,
        "meal",
    )
    assert change.changed_at == unit.status_changed_at
    event = Event.objects.get(action=Action.RESOURCE_STATUS_CHANGED)
    assert (event.actor, event.subject_id) == (dispatcher, str(unit.pk))
    assert event.data["old"] == "available"
    assert event.data["new"] == "refreshment"
    assert listener.notices() == [("resource.status", str(unit.pk))]


def test_a_move_the_lifecycle_forbids_is_refused_and_changes_nothing(dispatcher, listener):
    unit = ResourceFactory(status=Status.OFF_DUTY)

    with pytest.raises(TransitionNotAllowed, match="cannot go from Off duty to At scene"):
        change_status(unit, Status.AT_SCENE, by=dispatcher)

    unit.refresh_from_db()
    assert unit.status == Status.OFF_DUTY
    assert not StatusChange.objects.exists()
    assert not Event.objects.filter(action=Action.RESOURCE_STATUS_CHANGED).exists()
    assert listener.notices() == []


def test_assigned_cannot_be_chosen_without_an_assignment(dispatcher):
    unit = ResourceFactory(status=Status.AVAILABLE)

    with pytest.raises(StatusSetByAssignment):
        change_status(unit, Status.ASSIGNED, by=dispatcher)

    unit.refresh_from_db()
    assert unit.status == Status.AVAILABLE


def test_a_day_on_duty_leaves_a_complete_trail(response_officer):
    unit = ResourceFactory(status=Status.OFF_DUTY)
    day = [Status.AVAILABLE, Status.REFRESHMENT, Status.AVAILABLE, Status.UNAVAILABLE]

    for status in [*day, Status.OFF_DUTY]:
        change_status(unit, status, by=response_officer)

    trail = list(StatusChange.objects.filter(resource=unit).values_list("new_status", flat=True))
    assert trail == [*day, Status.OFF_DUTY]
    assert Event.objects.filter(action=Action.RESOURCE_STATUS_CHANGED).count() == 5


def test_a_unit_moved_since_it_was_read_is_re_read_and_moved_from_its_real_status(dispatcher):
    unit = ResourceFactory(status=Status.AVAILABLE)
    stale = Resource.objects.get(pk=unit.pk)
    change_status(unit, Status.REFRESHMENT, by=dispatcher)

    moved = change_status(stale, Status.UNAVAILABLE, by=dispatcher)

    assert moved.status == Status.UNAVAILABLE
    trail = StatusChange.objects.filter(resource=unit).values_list("old_status", "new_status")
    assert list(trail) == [
        (Status.AVAILABLE, Status.REFRESHMENT),
        (Status.REFRESHMENT, Status.UNAVAILABLE),
    ]
    event = Event.objects.filter(action=Action.RESOURCE_STATUS_CHANGED).last()
    assert (event.data["old"], event.data["new"]) == ("refreshment", "unavailable")


def test_a_unit_assigned_since_it_was_read_has_its_assignment_cleared_by_the_move(dispatcher):
    from demandhub.dispatch.assignments import assign_resources
    from demandhub.dispatch.models import Assignment

    from .incident_helpers import incident_awaiting

    unit = ResourceFactory(status=Status.AVAILABLE)
    stale = Resource.objects.get(pk=unit.pk)
    assign_resources(incident_awaiting(grade=2), [unit], by=dispatcher)

    change_status(stale, Status.UNAVAILABLE, by=dispatcher)

    unit.refresh_from_db()
    assert unit.status == Status.UNAVAILABLE
    assignment = Assignment.objects.get(resource=unit)
    assert assignment.cleared_at is not None
    assert assignment.clear_reason == Assignment.ClearReason.UNAVAILABLE
    assert StatusChange.objects.filter(resource=unit).last().old_status == Status.ASSIGNED


def test_a_unit_moved_away_and_back_since_the_clock_was_read_keeps_its_history_in_order(
    dispatcher,
):
    # Another node moved the unit away and back after this request read its clock (A→B→A):
    # its last move is stamped later than this one's `now` would be, though the status matches.
    unit = ResourceFactory(status=Status.AVAILABLE)
    later = timezone.now() + timedelta(seconds=5)
    Resource.objects.filter(pk=unit.pk).update(status_changed_at=later)

    change_status(unit, Status.REFRESHMENT, by=dispatcher)

    change = StatusChange.objects.get(resource=unit)
    assert change.changed_at > later
    unit.refresh_from_db()
    assert (unit.status, unit.status_changed_at) == (Status.REFRESHMENT, change.changed_at)
