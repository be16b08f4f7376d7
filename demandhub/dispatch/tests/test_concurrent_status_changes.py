"""Crews and dispatchers changing one unit's status at the same moment: no move is lost."""

import threading
from itertools import pairwise

import pytest
from django.db import connection

from demandhub.accounts.tests.factories import UserFactory
from demandhub.audit import chain
from demandhub.audit.models import Action, Event
from demandhub.dispatch.actions import change_status
from demandhub.dispatch.errors import TransitionNotAllowed
from demandhub.dispatch.models import Resource, StatusChange

from .factories import ResourceFactory

Status = Resource.Status
WRITERS = 8
MOVES_EACH = 6
# Every status here may follow every other, so each move applies whatever came before it.
CYCLE = [Status.UNAVAILABLE, Status.REFRESHMENT, Status.AVAILABLE]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_status_changes_of_one_unit_each_apply_once_in_one_unbroken_trail():
    unit = ResourceFactory(call_sign="R01", status=Status.AVAILABLE)
    users = [UserFactory(username=f"d{i}", roles=["dispatcher"]) for i in range(WRITERS)]
    start = threading.Barrier(WRITERS)
    crashed: list[BaseException] = []
    applied: list[str] = []

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(MOVES_EACH):
                # Every writer starts from the unit as it was read at the start: stale reads.
                to = CYCLE[(n + i) % len(CYCLE)]
                try:
                    change_status(unit, to, by=users[n], reason=f"{n}.{i}")
                    applied.append(to)
                except TransitionNotAllowed:
                    pass  # already in that status: refused, nothing written
        except BaseException as e:
            crashed.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert crashed == []
    trail = list(StatusChange.objects.filter(resource=unit).order_by("id"))
    assert len(trail) == len(applied) > 0
    # Each move starts where the one committed before it ended: none lost or applied twice.
    assert trail[0].old_status == Status.AVAILABLE
    assert all(a.new_status == b.old_status for a, b in pairwise(trail))
    # The history as consoles read it (by time) is the same trail, each move stamped later.
    assert list(StatusChange.objects.filter(resource=unit)) == trail
    assert all(a.changed_at < b.changed_at for a, b in pairwise(trail))
    assert Resource.objects.get(pk=unit.pk).status == trail[-1].new_status
    events = Event.objects.filter(action=Action.RESOURCE_STATUS_CHANGED)
    assert events.count() == len(trail)
    assert sorted(e.data["reason"] for e in events) == sorted(c.reason for c in trail)
    assert chain.verify(Event.objects.order_by("id")).ok
