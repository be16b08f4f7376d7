"""Raising an incident: a human reference unique per force and day, audited and announced."""

import threading
from datetime import date

import pytest
from django.db import connection
from django.test import override_settings

from demandhub.audit.models import Action, Event
from demandhub.core import realtime
from demandhub.incidents.actions import raise_incident
from demandhub.incidents.models import Incident
from demandhub.incidents.references import format_reference, next_reference


def test_references_read_force_day_and_a_four_digit_number():
    assert format_reference("CC", date(2026, 11, 23), 42) == "CC-20261123-0042"


def test_references_count_up_within_a_day_and_restart_the_next():
    day, next_day = date(2026, 11, 23), date(2026, 11, 24)

    numbers = [next_reference("CC", day) for _ in range(3)] + [next_reference("CC", next_day)]

    assert numbers == [
        "CC-20261123-0001",
        "CC-20261123-0002",
        "CC-20261123-0003",
        "CC-20261124-0001",
    ]


def test_each_force_has_its_own_sequence():
    day = date(2026, 11, 23)

    assert [next_reference("CC", day), next_reference("BD", day)] == [
        "CC-20261123-0001",
        "BD-20261123-0001",
    ]


@override_settings(FORCE_CODE="CC")
def test_raising_an_incident_audits_it_and_announces_it_on_commit(
    call_handler, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        incident = raise_incident(by=call_handler, summary="Shed broken into")

    assert incident.reference.startswith("CC-")
    assert incident.status == Incident.Status.OPEN
    event = Event.objects.get(action=Action.INCIDENT_RAISED)
    assert (event.actor, event.subject_id) == (call_handler, str(incident.pk))
    # Two announcements (the audit notice and the incidents notice), one publish when it commits;
    # the other callback forgets the audit chain head the transaction held.
    announced = [c for c in callbacks if getattr(c, "__func__", None) is realtime._Batch.publish]
    assert len(announced) == 2
    assert len(callbacks) == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_handlers_never_get_the_same_reference():
    references: list[str] = []
    start = threading.Barrier(6)

    def handler() -> None:
        try:
            start.wait()
            for _ in range(5):
                references.append(raise_incident(by=None, summary="x").reference)
        finally:
            connection.close()

    threads = [threading.Thread(target=handler) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert len(references) == 30
    assert len(set(references)) == 30
    assert sorted(int(r[-4:]) for r in references) == list(range(1, 31))
