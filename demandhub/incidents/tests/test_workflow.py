import pytest

from demandhub.incidents import workflow
from demandhub.incidents.errors import TransitionNotAllowed
from demandhub.incidents.models import Incident

from .factories import IncidentFactory


def test_every_status_has_a_row_in_the_transition_table():
    assert set(workflow.NEXT) == set(Incident.Status)
    assert all(nxt <= set(Incident.Status) for nxt in workflow.NEXT.values())


def test_closed_is_final():
    assert workflow.NEXT[Incident.Status.CLOSED] == frozenset()


def test_a_move_records_who_from_what_to_what_and_why(dispatcher):
    incident = IncidentFactory(status=Incident.Status.AWAITING_DEPLOYMENT, grade=2)

    change = workflow.move(
        incident, Incident.Status.RESOURCES_ASSIGNED, by=dispatcher, reason="PC 123 assigned"
    )

    assert incident.status == Incident.Status.RESOURCES_ASSIGNED
    assert (change.old_status, change.new_status, change.changed_by, change.reason) == (
        "awaiting_deployment",
        "resources_assigned",
        dispatcher,
        "PC 123 assigned",
    )


def test_an_illegal_move_is_refused_and_leaves_no_trace(dispatcher):
    incident = IncidentFactory(status=Incident.Status.OPEN)

    with pytest.raises(TransitionNotAllowed):
        workflow.move(incident, Incident.Status.AT_SCENE, by=dispatcher)

    assert incident.status == Incident.Status.OPEN
    assert not incident.status_changes.exists()
