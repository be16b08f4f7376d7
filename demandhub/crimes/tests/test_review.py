"""The IMU review: the recording clock, asking the reporter, filing and allocating."""

from datetime import timedelta

import pytest
from django.utils import timezone

from demandhub.audit.models import Action, Event
from demandhub.crimes import queries
from demandhub.crimes.actions import (
    allocate_crime,
    decide_not_a_crime,
    file_crime,
    record_crime_from_incident,
    request_information,
)
from demandhub.crimes.errors import (
    AreaDoesNotCoverLocation,
    CrimeError,
    OutcomeNotAllowed,
    ReasonRequired,
    UnknownOutcome,
)
from demandhub.crimes.models import CrimeRecord, Review

from .factories import crime

Status = CrimeRecord.Status


def test_reports_close_to_or_past_the_24_hour_clock_are_listed_first(db):
    now = timezone.now()
    overdue = crime(reported_at=now - timedelta(hours=25))
    due_soon = crime(reported_at=now - timedelta(hours=21))
    crime(reported_at=now - timedelta(hours=2))

    assert list(queries.crimes_near_recording_deadline(now)) == [overdue, due_soon]
    assert list(queries.crimes_awaiting_review())[:2] == [overdue, due_soon]


def test_asking_the_reporter_for_what_is_missing_shows_on_their_tracking_page(
    imu_reviewer, online_report
):
    record = crime(contact=online_report)

    request_information(record, by=imu_reviewer, questions=["When did this happen?"])

    update = online_report.reporter_updates.get()
    assert record.reference in update.text
    assert "When did this happen?" in update.text
    record.refresh_from_db()
    assert record.information_requested_at is not None
    assert Event.objects.filter(action=Action.CRIME_INFORMATION_REQUESTED).exists()


def test_a_reporter_with_no_tracking_page_is_asked_through_the_channel_they_used(imu_reviewer):
    record = crime()  # a 101 call: no tracking page

    with pytest.raises(CrimeError, match="no tracking page"):
        request_information(record, by=imu_reviewer, questions=["When did this happen?"])
    with pytest.raises(CrimeError, match="not a channel"):
        request_information(record, by=imu_reviewer, questions=["When?"], channel="pigeon")
    assert not record.victim_updates.exists()
    assert not Event.objects.filter(action=Action.CRIME_INFORMATION_REQUESTED).exists()

    update = request_information(
        record, by=imu_reviewer, questions=["When did this happen?"], channel="phone"
    )

    assert (update.channel, update.kind) == ("phone", "information_request")
    assert "When did this happen?" in update.text
    record.refresh_from_db()
    assert record.information_requested_at is not None
    event = Event.objects.get(action=Action.CRIME_INFORMATION_REQUESTED)
    assert (event.data["channel"], event.data["asked"]) == ("phone", ["When did this happen?"])


def test_filing_records_the_decision_the_outcome_and_tells_the_victim(imu_reviewer, online_report):
    record = crime(contact=online_report, witnesses=True)

    file_crime(record, by=imu_reviewer, reason="No lines of enquiry", outcome_code="18")

    record.refresh_from_db()
    assert record.status == Status.FILED
    assert record.outcome_code == "18"
    assert (record.recording_decision, record.recording_decided_by) == ("recorded", imu_reviewer)
    assert record.victim_told_on == timezone.localdate()
    assert record.key_decision_due_at is None
    review = Review.objects.get(crime=record)
    assert (review.decision, review.solvability_score) == ("file", 10)
    assert "no named suspect" in review.solvability_explanation
    assert "not been able to identify a suspect" in online_report.reporter_updates.last().text
    assert record.status_changes.last().reason == "No lines of enquiry"
    assert Event.objects.get(action=Action.CRIME_FILED).data["outcome"] == "18"


def test_filing_a_crime_with_no_tracking_page_leaves_a_deadline_to_tell_the_victim(
    imu_reviewer,
):
    record = crime()

    file_crime(record, by=imu_reviewer, reason="No lines of enquiry", outcome_code="18")

    record.refresh_from_db()
    assert record.victim_told_on is None
    assert record.key_decision_due_at is not None
    assert record in queries.undelivered_key_decisions()


def test_investigating_allocates_to_the_area_covering_the_location(
    imu_reviewer, cambridge, fens, online_report
):
    record = crime(contact=online_report, cctv=True, forensic_opportunity=True)
    assert record.location_area == cambridge

    allocate_crime(record, by=imu_reviewer, area=cambridge)

    record.refresh_from_db()
    assert (record.status, record.area) == (Status.ALLOCATED, cambridge)
    review = Review.objects.get(crime=record)
    assert (review.decision, review.suggested_area, review.solvability_score) == (
        "investigate",
        cambridge,
        30,
    )
    assert "Cambridge City" in online_report.reporter_updates.last().text
    assert Event.objects.get(action=Action.CRIME_ALLOCATED).data["area"] == "CAM"


def test_another_area_is_allowed_with_an_override_reason(imu_reviewer, cambridge, fens):
    record = crime()

    allocate_crime(record, by=imu_reviewer, area=fens, override_reason="Series run by Fenland")

    record.refresh_from_db()
    assert (record.area, record.allocation_override_reason) == (fens, "Series run by Fenland")


def test_not_a_crime_is_a_recording_decision_with_who_made_it(imu_reviewer, online_report):
    record = crime(contact=online_report)

    decide_not_a_crime(record, by=imu_reviewer, reason="Lost property, no theft")

    record.refresh_from_db()
    assert (record.status, record.recording_decision) == (Status.NOT_RECORDED, "not_recorded")
    assert record.recording_decided_by == imu_reviewer
    assert Event.objects.get(action=Action.CRIME_RECORDING_DECIDED).data["within_24_hours"]
    assert "not to record" in online_report.reporter_updates.last().text


def test_a_crime_found_at_an_incident_links_to_it_and_takes_its_place(call_handler, cambridge):
    from demandhub.incidents.actions import raise_incident
    from demandhub.incidents.locations import from_latlon

    incident = raise_incident(
        by=call_handler, summary="Window smashed", location=from_latlon(52.2, 0.13, text="x")
    )

    record = record_crime_from_incident(incident, by=call_handler, offence_code="58A")

    assert (record.source, record.incident, record.location_area) == (
        "incident",
        incident,
        cambridge,
    )


# Bad input: a clear error, and the crime is unchanged.


def _unchanged(record: CrimeRecord) -> None:
    fresh = CrimeRecord.objects.get(pk=record.pk)
    assert (fresh.status, fresh.outcome_code, fresh.area_id) == (Status.AWAITING_REVIEW, "", None)
    assert not Review.objects.filter(crime=record).exists()
    assert fresh.status_changes.count() == 1


@pytest.mark.parametrize(
    ("reason", "code", "error"),
    [
        ("", "18", ReasonRequired),
        ("   ", "18", ReasonRequired),
        ("No lines of enquiry", "99", UnknownOutcome),
        ("No lines of enquiry", "1", OutcomeNotAllowed),
    ],
)
def test_filing_without_a_reason_or_with_a_wrong_code_is_refused(imu_reviewer, reason, code, error):
    record = crime()

    with pytest.raises(error):
        file_crime(record, by=imu_reviewer, reason=reason, outcome_code=code)

    _unchanged(record)


def test_allocation_to_an_area_not_covering_the_location_needs_an_override_reason(
    imu_reviewer, cambridge, fens
):
    record = crime()

    with pytest.raises(AreaDoesNotCoverLocation, match="Fenland does not cover"):
        allocate_crime(record, by=imu_reviewer, area=fens, override_reason=" ")

    _unchanged(record)


def test_allocation_with_no_location_needs_an_override_reason(imu_reviewer, cambridge):
    record = crime(latitude=None, longitude=None)

    with pytest.raises(AreaDoesNotCoverLocation):
        allocate_crime(record, by=imu_reviewer, area=cambridge)

    _unchanged(record)


def test_a_crime_from_an_online_report_takes_its_answers(online_report):
    online_report.report_details = {
        "Where did it happen?": "14 Mill Road, Cambridge",
        "When did it happen?": "2026-11-20",
        "Was anything stolen or damaged? What?": "Silver laptop",
        "Do you know who did it, or can you describe them?": "Tall man in a red coat",
    }
    online_report.save()

    record = crime(contact=online_report, latitude=None, longitude=None)

    assert record.source == "online_report"
    assert record.address == "14 Mill Road, Cambridge"
    assert timezone.localtime(record.occurred_from).date().isoformat() == "2026-11-20"
    assert (record.property_description, record.suspect_described) == ("Silver laptop", True)
