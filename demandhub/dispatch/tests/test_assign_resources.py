import pytest

from demandhub.audit.models import Action, Event
from demandhub.dispatch.actions import change_status
from demandhub.dispatch.assignments import assign_resources, reassign, stand_down
from demandhub.dispatch.errors import (
    AssignmentAlreadyCleared,
    IncidentNotAwaitingDeployment,
    NothingToAssign,
    ResourceNotAvailable,
    ResourceNotReassignable,
    TrainingIncident,
)
from demandhub.dispatch.models import Assignment, Resource
from demandhub.dispatch.models import StatusChange as ResourceStatusChange
from demandhub.incidents.models import Incident
from demandhub.incidents.models import StatusChange as IncidentStatusChange

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


def state() -> tuple[object, ...]:
    """Everything a reassignment touches, to show a refusal changed nothing."""
    return (
        sorted(Assignment.objects.values_list("pk", "incident_id", "resource_id", "cleared_at")),
        sorted(Resource.objects.values_list("pk", "status", "status_changed_at")),
        sorted(Incident.objects.values_list("pk", "status")),
        ResourceStatusChange.objects.count(),
        IncidentStatusChange.objects.count(),
        Event.objects.count(),
    )


@pytest.fixture
def published(monkeypatch):  # type: ignore[no-untyped-def]
    """Every channel-layer message sent on commit, as (group, message)."""
    from demandhub.core import realtime

    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(
        realtime, "_publish_all", lambda sends: sent.extend((g, m) for g, m, _ in sends)
    )
    return sent


def test_reassigning_moves_a_unit_en_route_straight_to_the_new_incident(
    dispatcher, response_officer, published, django_capture_on_commit_callbacks
):
    first, second = incident_awaiting(grade=2), incident_awaiting(grade=1)
    unit = ResourceFactory(call_sign="R01")
    with django_capture_on_commit_callbacks(execute=True):  # the set-up's notices go first
        (assignment,) = assign_resources(first, [unit], by=dispatcher)
        change_status(unit, Status.EN_ROUTE, by=response_officer)
    events = Event.objects.count()
    published.clear()

    with django_capture_on_commit_callbacks(execute=True):
        new = reassign(assignment, second, by=dispatcher)

    assignment.refresh_from_db()
    unit.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (new.incident, new.resource, new.assigned_by, new.diversion) == (
        second,
        unit,
        dispatcher,
        False,
    )
    assert (assignment.clear_reason, assignment.cleared_by) == ("reassigned", dispatcher)
    assert Assignment.objects.filter(cleared_at__isnull=True).get() == new
    # en route -> assigned in one move, never through available
    assert list(unit.status_changes.values_list("old_status", "new_status")) == [
        ("available", "assigned"),
        ("assigned", "en_route"),
        ("en_route", "assigned"),
    ]
    assert unit.status == Status.ASSIGNED
    assert first.status == IStatus.AWAITING_DEPLOYMENT  # back on the stack: nobody else on it
    assert second.status == IStatus.RESOURCES_ASSIGNED
    made = list(Event.objects.order_by("pk")[events:].values_list("action", "data"))
    assert [a for a, _ in made] == [Action.RESOURCE_STOOD_DOWN, Action.RESOURCE_ASSIGNED]
    assert made[0][1]["reason"] == f"reassigned to {second.reference}"
    assert made[1][1]["reassigned_from"] == first.reference
    # One message per group, naming every change once.
    assert [(g, m["type"]) for g, m in published if g != "audit"] == [
        ("resources", "changed"),
        ("incidents", "changes"),
    ]
    live = dict(published)
    assert live["resources"]["pk"] == str(unit.pk)
    assert {(c["kind"], c["pk"]) for c in live["incidents"]["changes"]} == {
        ("incident.status", str(first.pk)),
        ("incident.deployment", str(first.pk)),
        ("incident.status", str(second.pk)),
        ("incident.deployment", str(second.pk)),
    }


def test_an_incident_keeps_its_place_when_another_unit_is_still_on_it(dispatcher):
    first, second = incident_awaiting(grade=2), incident_awaiting(grade=2)
    r1, r2 = ResourceFactory(call_sign="R01"), ResourceFactory(call_sign="R02")
    one, _ = assign_resources(first, [r1, r2], by=dispatcher)

    reassign(one, second, by=dispatcher)

    first.refresh_from_db()
    assert first.status == IStatus.RESOURCES_ASSIGNED
    assert [a.resource.call_sign for a in first.assignments.filter(cleared_at__isnull=True)] == [
        "R02"
    ]


def test_reassigning_costs_a_fixed_number_of_queries(dispatcher, django_assert_num_queries):
    first, second = incident_awaiting(grade=2), incident_awaiting(grade=2)
    (assignment,) = assign_resources(first, [ResourceFactory()], by=dispatcher)

    # savepoint; lock both incidents (one query), the unit, the assignment; clear it; savepoint,
    # insert, release; two audit entries (the chain's head, read once per transaction, and two
    # inserts); any other unit on the old incident; each incident's status change and save;
    # release. The unit is assigned already: no status move (en route adds a change and a save).
    with django_assert_num_queries(17, exact=True):
        reassign(assignment, second, by=dispatcher)


def test_reassigning_is_refused_and_changes_nothing(dispatcher, response_officer):
    first = incident_awaiting(grade=2)
    closed = incident_awaiting(grade=2, status=IStatus.CLOSED)
    resolved = incident_awaiting(grade=2, status=IStatus.RESOLVED)
    waiting = incident_awaiting(grade=2)
    carrier = ResourceFactory(call_sign="R01")
    at_custody = ResourceFactory(call_sign="R02")
    free = ResourceFactory(call_sign="R03")
    (carrying, custody, done) = assign_resources(first, [carrier, at_custody, free], by=dispatcher)
    for unit, path in (
        (carrier, [Status.AT_SCENE, Status.TRANSPORTING]),
        (at_custody, [Status.AT_SCENE, Status.TRANSPORTING, Status.AT_CUSTODY]),
    ):
        for status in path:
            change_status(unit, status, by=response_officer)
    stand_down(done, by=dispatcher)
    before = state()

    cases = [
        (carrying, waiting, ResourceNotReassignable, "R01 is transporting for"),
        (custody, waiting, ResourceNotReassignable, "R02 is at custody for"),
        (done, waiting, AssignmentAlreadyCleared, "R03 is no longer assigned"),
    ]
    (live,) = assign_resources(waiting, [ResourceFactory(call_sign="R04")], by=dispatcher)
    before = state()
    cases += [
        (live, closed, IncidentNotAwaitingDeployment, f"{closed.reference} is closed"),
        (live, resolved, IncidentNotAwaitingDeployment, f"{resolved.reference} is resolved"),
        (live, waiting, ResourceNotAvailable, f"R04 is already assigned to {waiting.reference}"),
    ]
    for assignment, to, error, text in cases:
        with pytest.raises(error, match=text):
            reassign(assignment, to, by=dispatcher)
        assert state() == before
    assert "a person in its care" in str(ResourceNotReassignable("R01", "transporting", "X"))


def test_live_units_are_never_reassigned_to_a_training_incident(dispatcher):
    from django.utils import timezone

    from demandhub.accounts.tests.factories import UserFactory
    from demandhub.demand.models import Exercise

    exercise = Exercise.objects.create(
        name="Drill", scenario="busy_night", started_at=timezone.now(), gateway=UserFactory()
    )
    drill = incident_awaiting(grade=1, exercise=exercise)
    (assignment,) = assign_resources(incident_awaiting(grade=2), [ResourceFactory()], by=dispatcher)
    before = state()

    with pytest.raises(TrainingIncident):
        reassign(assignment, drill, by=dispatcher)
    assert state() == before
