"""Recording a crime: a daily reference, the 24-hour recording clock, trail and audit."""

from datetime import UTC, date, datetime, timedelta

from demandhub.audit.models import Action, Event
from demandhub.crimes import workflow
from demandhub.crimes.actions import record_crime
from demandhub.crimes.deadlines import recording_deadline
from demandhub.crimes.models import CrimeRecord
from demandhub.crimes.references import format_reference, next_reference


def test_every_status_has_a_row_in_the_transition_table():
    assert set(workflow.NEXT) == set(CrimeRecord.Status)


def test_crime_references_count_up_per_day():
    day = date(2026, 11, 23)

    assert [next_reference(day), next_reference(day)] == ["CR-20261123-0001", "CR-20261123-0002"]
    assert format_reference(day, 7) == "CR-20261123-0007"


def test_the_recording_decision_is_due_24_hours_after_the_report():
    reported = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)

    assert recording_deadline(reported) == reported + timedelta(hours=24)


def test_recording_a_crime_starts_it_awaiting_review_and_audits_it(call_handler):
    crime = record_crime(by=call_handler, summary="Shed broken into", offence="Burglary")

    assert crime.status == CrimeRecord.Status.AWAITING_REVIEW
    assert crime.recording_deadline == crime.reported_at + timedelta(hours=24)
    assert crime.status_changes.get().new_status == "awaiting_review"
    event = Event.objects.get(action=Action.CRIME_RECORDED)
    assert (event.actor, event.data["reference"]) == (call_handler, crime.reference)
    assert "investigations team" in crime.reporter_status
