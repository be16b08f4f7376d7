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
