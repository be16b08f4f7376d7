"""Resolution without deployment: the IRT queue, resolve or escalate, QA sampling and report."""

from datetime import timedelta

import pytest
from django.test import override_settings

from demandhub.audit.models import Action, Event
from demandhub.incidents.actions import (
    escalate_incident,
    raise_incident,
    resolve_without_deployment,
    review_resolution,
)
from demandhub.incidents.errors import ReviewAlreadyDone
from demandhub.incidents.models import QualityReview
from demandhub.incidents.queries import quality_report, resolution_queue, reviews_awaiting

from .factories import thrive


@pytest.fixture
def grade_4(call_handler):
    return raise_incident(
        by=call_handler, summary="Bike stolen", classification="CRIME-THEFT", assessment=thrive()
    )


def test_grade_4_incidents_wait_in_the_resolution_queue(grade_4, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert list(resolution_queue()) == [grade_4]


@override_settings(INCIDENT_QA_SAMPLE_SHARE=1.0)
def test_resolving_by_phone_records_the_outcome_and_samples_it_for_review(
    grade_4, resolution_officer
):
    resolution = resolve_without_deployment(
        grade_4,
        by=resolution_officer,
        outcome="Crime recorded, caller given reference",
        advice_given="Register the bike frame number",
        crime_recorded=True,
        crime_reference="CR-123",
    )

    grade_4.refresh_from_db()
    assert (grade_4.status, grade_4.closing_code) == ("resolved", "crime-recorded")
    assert resolution.review.reviewed_at is None
    assert list(reviews_awaiting()) == [resolution.review]
    assert Event.objects.filter(action=Action.INCIDENT_REVIEW_SAMPLED).count() == 1


@override_settings(INCIDENT_QA_SAMPLE_SHARE=0.0)
def test_with_a_zero_share_nothing_is_sampled(grade_4, resolution_officer):
    resolve_without_deployment(grade_4, by=resolution_officer, outcome="Advice given")

    assert not QualityReview.objects.exists()


def test_escalating_regrades_and_sends_it_for_deployment(grade_4, resolution_officer):
    escalate_incident(grade_4, by=resolution_officer, grade=2, reason="Caller now frightened")

    grade_4.refresh_from_db()
    assert (grade_4.grade, grade_4.status) == (2, "awaiting_deployment")
    assert grade_4.attendance_deadline is not None
    assert grade_4.assessments.last().kind == "escalation"


@override_settings(INCIDENT_QA_SAMPLE_SHARE=1.0)
def test_a_supervisor_reviews_a_sample_and_the_report_sums_it_up(
    call_handler, resolution_officer, supervisor
):
    reviews = []
    for score in (4, 2):
        incident = raise_incident(
            by=call_handler, summary="x", classification="CRIME-THEFT", assessment=thrive()
        )
        resolution = resolve_without_deployment(incident, by=resolution_officer, outcome="Advice")
        reviews.append(
            review_resolution(
                resolution.review,
                by=supervisor,
                score=score,
                feedback="Good call control" if score > 3 else "Missed",
            )
        )

    report = quality_report()

    assert (report.sampled, report.reviewed, report.average_score) == (2, 2, 3.0)
    assert report.by_score == {1: 0, 2: 1, 3: 0, 4: 1, 5: 0}
    assert report.by_officer == [{"officer": "resolution_officer", "reviews": 2, "average": 3.0}]
    with pytest.raises(ReviewAlreadyDone):
        review_resolution(reviews[0], by=supervisor, score=5, feedback="again")


def test_the_report_covers_a_period(db):
    from django.utils import timezone

    report = quality_report(since=timezone.now() - timedelta(days=7), until=timezone.now())

    assert (report.sampled, report.average_score) == (0, None)


@override_settings(INCIDENT_QA_SAMPLE_SHARE=0.0)
def test_a_crime_recorded_by_the_resolution_team_goes_to_the_imu(grade_4, resolution_officer):
    from demandhub.crimes.models import CrimeRecord

    resolution = resolve_without_deployment(
        grade_4,
        by=resolution_officer,
        outcome="Bike stolen from the garden; crime recorded with the caller",
        crime_recorded=True,
    )

    crime = CrimeRecord.objects.get()
    assert resolution.crime_reference == crime.reference
    assert crime.status == CrimeRecord.Status.AWAITING_REVIEW
    assert crime.incident == grade_4
    assert Event.objects.filter(action=Action.CRIME_RECORDED, subject_id=str(crime.pk)).exists()
