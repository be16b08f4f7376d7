from demandhub.dispatch import workflow
from demandhub.dispatch.models import Resource

Status = Resource.Status


def test_every_status_has_a_row_in_the_transition_table():
    assert set(workflow.NEXT) == set(Status)
    assert all(targets <= set(Status) for targets in workflow.NEXT.values())


def test_no_status_moves_to_itself():
    assert all(status not in targets for status, targets in workflow.NEXT.items())


def test_an_off_duty_unit_can_only_come_on_duty():
    assert workflow.NEXT[Status.OFF_DUTY] == {Status.AVAILABLE}


def test_assigned_is_never_offered_as_a_choice():
    for status in Status:
        assert Status.ASSIGNED not in workflow.choices_from(status)


def test_a_crew_en_route_may_arrive_or_clear():
    assert workflow.choices_from(Status.EN_ROUTE) == [
        Status.AT_SCENE,
        Status.AVAILABLE,
        Status.UNAVAILABLE,
    ]


def test_every_status_a_person_may_pick_has_a_place_in_the_button_order():
    assert set(workflow.CHOICE_ORDER) == set(Status) - workflow.SET_BY_ASSIGNMENT


def test_units_with_a_person_in_their_care_are_never_divertible():
    assert Status.TRANSPORTING not in workflow.DIVERTIBLE
    assert Status.AT_CUSTODY not in workflow.DIVERTIBLE
    assert workflow.DIVERTIBLE <= workflow.COMMITTED
    assert not workflow.COMMITTED & workflow.CLEAR
