"""Many dispatchers assigning the same unit at the same moment: exactly one wins."""

import threading

import pytest
from django.db import connection

from demandhub.accounts.tests.factories import UserFactory
from demandhub.audit.models import Action, Event
from demandhub.dispatch.assignments import assign_resources
from demandhub.dispatch.errors import ResourceNotAvailable
from demandhub.dispatch.models import Assignment, Resource

from .factories import ResourceFactory
from .incident_helpers import incident_awaiting

ATTEMPTS = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_simultaneous_assignments_of_one_unit_let_exactly_one_through():
    unit = ResourceFactory(call_sign="R01")
    incidents = [incident_awaiting(grade=2) for _ in range(ATTEMPTS)]
    dispatchers = [UserFactory(username=f"d{i}", roles=["dispatcher"]) for i in range(ATTEMPTS)]
    start = threading.Barrier(ATTEMPTS)
    won: list[str] = []
    refused: list[str] = []
    crashed: list[BaseException] = []

    def attempt(i: int) -> None:
        try:
            start.wait()
            assign_resources(incidents[i], [unit], by=dispatchers[i])
            won.append(incidents[i].reference)
        except ResourceNotAvailable as e:
            refused.append(str(e))
        except BaseException as e:
            crashed.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(ATTEMPTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert crashed == []
    assert len(won) == 1
    assert len(refused) == ATTEMPTS - 1
    assert all(f"R01 is already assigned to {won[0]}" in reason for reason in refused)
    assert Assignment.objects.filter(cleared_at__isnull=True).count() == 1
    assert Assignment.objects.get().incident.reference == won[0]
    assert Resource.objects.get().status == Resource.Status.ASSIGNED
    assert Event.objects.filter(action=Action.RESOURCE_ASSIGNED).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_reassignments_never_deadlock_and_one_wins():
    """Four dispatchers move R01 off X to four incidents at once while a fifth moves R02 the
    other way (off Y0 on to X): the incidents-first lock order lets them all finish."""
    from demandhub.dispatch.assignments import reassign
    from demandhub.dispatch.errors import AssignmentAlreadyCleared

    x = incident_awaiting(grade=2)
    ys = [incident_awaiting(grade=1) for _ in range(4)]
    dispatchers = [UserFactory(username=f"r{i}", roles=["dispatcher"]) for i in range(5)]
    (r01,) = assign_resources(x, [ResourceFactory(call_sign="R01")], by=dispatchers[0])
    (r02,) = assign_resources(ys[0], [ResourceFactory(call_sign="R02")], by=dispatchers[0])
    start = threading.Barrier(5)
    won: list[str] = []
    refused: list[str] = []
    crashed: list[BaseException] = []

    def attempt(i: int) -> None:
        try:
            start.wait()
            if i == 4:
                reassign(r02, x, by=dispatchers[i])
                won.append("R02")
            else:
                reassign(r01, ys[i], by=dispatchers[i])
                won.append(ys[i].reference)
        except AssignmentAlreadyCleared as e:
            refused.append(str(e))
        except BaseException as e:
            crashed.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert crashed == []
    assert "R02" in won
    assert len(won) == 2
    assert refused == ["R01 is no longer assigned to that incident."] * 3
    active = dict(
        Assignment.objects.filter(cleared_at__isnull=True).values_list(
            "resource__call_sign", "incident__reference"
        )
    )
    assert active == {"R01": next(w for w in won if w != "R02"), "R02": x.reference}
