"""KPIs on a hand-built fortnight of the hub (hub_month.py): every figure worked out by hand."""

from datetime import UTC, date, datetime, timedelta

import pytest

from demandhub.analytics import dashboard, kpis, queries
from demandhub.analytics.kpis import CrimeRow, UpdateDue

from . import hub_month
from .hub_month import END, NOW, START, D


@pytest.fixture
def hub(db):
    return hub_month.build()


def _build(**scope):
    return dashboard.build(
        queries.Scope(start=START, end=END, **scope), period="week", last_day=END.date(), now=NOW
    )


def _figure(board, label):
    return next(f for f in board.figures if f.label == label)


def test_999_answer_times_are_exact(hub):
    stats = kpis.answer_stats(
        [r for r in queries.contact_rows(queries.Scope(START, END)) if r.channel == "999"]
    )

    assert (stats.offered, stats.answered, stats.abandoned) == (6, 5, 1)
    assert stats.within_target == 3
    assert stats.within_target_share == pytest.approx(0.6)
    assert stats.median_seconds == 8
    assert stats.p95_seconds == 30
    assert stats.mean_seconds == pytest.approx(11.6)
    assert stats.bands == (3, 2, 0)
    assert stats.abandonment_rate == pytest.approx(1 / 6)


def test_the_dashboard_headlines_match_the_hand_worked_answers(hub):
    board = _build()

    assert _figure(board, "999 answered within 10 s").value == "60%"
    assert _figure(board, "999 answered within 10 s").tone == "short"
    assert _figure(board, "999 median answer").value == "8 s"
    assert _figure(board, "999 median answer").detail == "95th percentile 30 s"
    assert _figure(board, "101 average answer").value == "2 min"
    assert _figure(board, "101 average answer").detail == "abandoned 25% of 4"
    assert _figure(board, "Web chat median wait").value == "60 s"
    assert _figure(board, "Online report handling").value == "3 h"
    assert _figure(board, "Attended within target").value == "33.3%"
    assert _figure(board, "Attended within target").detail == "1 of 3 Grade 1-3 incidents"
    assert _figure(board, "Resolved without deployment").detail == "2 of 6 graded incidents"
    assert _figure(board, "Resolution quality").value == "3.0"
    assert _figure(board, "Crimes recorded within 24 h").detail == "1 of 3"
    assert _figure(board, "IMU decision time").value == "21 h"
    assert _figure(board, "IMU decision time").detail == "median; filed 50% of 2"
    assert _figure(board, "Victim updates on time").detail == "1 of 2 due"
    assert _figure(board, "Key decisions told in time").value == "40%"
    assert _figure(board, "Key decisions told in time").detail == "2 of 5 due; 2 not yet told"


def test_attendance_is_split_by_grade_and_area_type(hub):
    rows = {(r[0], r[1]): r[2:] for r in _build().panel("attendance").table.rows}

    assert rows == {
        ("Grade 1", "Urban"): [1, 0, 0, 100.0],
        ("Grade 1", "Rural"): [0, 1, 0, 0.0],
        ("Grade 2", "Urban"): [0, 1, 0, 0.0],
        ("Grade 3", "Urban"): [0, 0, 1, ""],
    }


def test_weekly_buckets_put_everything_in_its_week(hub):
    board = _build()

    assert board.buckets == [date(2026, 10, 26), *[date(2026, 11, d) for d in (2, 9, 16)]]
    emergency = board.panel("emergency-answer").table.rows
    assert [row[1] for row in emergency] == [0, 6, 0, 0]
    victim = board.panel("victim-updates").table.rows
    assert [row[1:4] for row in victim] == [[0, 0, 0], [0, 0, 0], [1, 1, 0], [1, 0, 1]]
    key = board.panel("key-decisions").table.rows
    assert [row[1:] for row in key] == [
        [0, 0, 0, 0, 0, ""],
        [2, 1, 0, 1, 0, 50.0],
        [1, 1, 0, 0, 0, 100.0],
        [2, 0, 1, 1, 0, 0.0],
    ]
    assert board.panel("crime-outcomes").table.rows == [
        ["18", "Investigation complete, no suspect identified", 1]
    ]


def test_contacts_by_channel_and_outcome(hub):
    rows = {r[0]: r for r in _build().panel("contact-outcomes").table.rows}

    assert rows["999 call"][-1] == 6
    assert rows["101 call"][-1] == 4
    assert rows["Web chat"][-1] == 2
    assert rows["Online report"][-1] == 2


def test_a_channel_filter_narrows_contacts_incidents_and_crimes(hub):
    board = _build(channel="999")

    assert _figure(board, "101 average answer").value == "-"
    assert _figure(board, "Attended within target").detail == "1 of 2 Grade 1-3 incidents"
    assert _figure(board, "Crimes recorded within 24 h").detail == "0 of 0"
    assert _figure(board, "Key decisions told in time").detail == "0 of 0 due; 0 not yet told"


def test_an_area_filter_and_a_grade_filter(hub):
    rural = _build(area=hub.rural.pk)
    grade_one = _build(grade=1)

    assert _figure(rural, "Attended within target").detail == "0 of 1 Grade 1-3 incidents"
    assert _figure(rural, "999 answered within 10 s").detail.startswith("1 of 1 answered")
    assert _figure(grade_one, "Resolved without deployment").detail == "0 of 2 graded incidents"


def test_the_dashboard_reads_in_six_queries_whatever_the_number_of_rows(
    hub, django_assert_num_queries
):
    with django_assert_num_queries(6):
        _build()
    hub_month.build()
    with django_assert_num_queries(6):
        board = _build()
    assert _figure(board, "999 answered within 10 s").detail.startswith("6 of 10 answered")


# -- pure functions --------------------------------------------------------------------------


def test_percentiles_use_the_nearest_rank():
    assert kpis.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95) == 10
    assert kpis.percentile(list(range(1, 101)), 0.95) == 95
    assert kpis.percentile([], 0.95) is None
    assert kpis.middle([4, 1, 3, 2]) == 2.5


def test_buckets_are_local_days_iso_weeks_and_months():
    summer = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 July in London

    assert kpis.bucket_of(summer, "day") == date(2026, 7, 1)
    assert kpis.bucket_of(summer, "week") == date(2026, 6, 29)
    assert kpis.bucket_of(summer, "month") == date(2026, 7, 1)
    assert kpis.buckets_between(date(2026, 1, 31), date(2026, 3, 1), "month") == [
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
    ]
    with pytest.raises(ValueError, match="period must be one of day, week, month"):
        kpis.bucket_of(summer, "year")


def test_a_missed_update_restarts_the_interval_from_its_due_date_then_from_each_update():
    crime = CrimeRow(1, D, D, "recorded", D, D, 7, "", None, False)
    given = [D + timedelta(days=10), D + timedelta(days=16)]

    dues = kpis.victim_updates_due(crime, given, D + timedelta(days=22))

    assert dues == [
        UpdateDue(D + timedelta(days=7), met=False),
        UpdateDue(D + timedelta(days=14), met=True),
        UpdateDue(D + timedelta(days=17), met=True),
    ]


def test_no_update_falls_due_after_the_outcome():
    crime = CrimeRow(1, D, D, "recorded", D, D, 7, "18", D + timedelta(days=10), False)

    assert len(kpis.victim_updates_due(crime, [], D + timedelta(days=60))) == 1


def test_a_key_decision_is_in_time_late_overdue_or_not_due_yet():
    due = D + timedelta(days=1)
    dues = [
        kpis.KeyDecisionDue(due, due),  # told at the deadline: in time
        kpis.KeyDecisionDue(due, due + timedelta(seconds=1)),
        kpis.KeyDecisionDue(due, None),
        kpis.KeyDecisionDue(D + timedelta(days=5), None),
    ]

    stats = kpis.key_decision_timeliness(dues, D + timedelta(days=2))

    assert (stats.in_time, stats.late, stats.overdue, stats.pending) == (1, 1, 1, 1)
    assert (stats.due, stats.counted) == (4, 3)
    assert stats.rate == pytest.approx(1 / 3)


def test_key_decisions_due_are_the_updates_that_met_one_and_the_crimes_still_waiting():
    waiting = CrimeRow(1, D, D, "recorded", D, D, 7, "", None, False, D + timedelta(days=3))
    cancelled = CrimeRow(2, D, D, "recorded", D, D, 7, "", None, True, D + timedelta(days=3))
    updates = [
        kpis.UpdateRow(1, D, D + timedelta(days=1)),
        kpis.UpdateRow(1, D + timedelta(days=2), None),  # a regular update
    ]

    assert kpis.key_decisions_due([waiting, cancelled], updates) == [
        kpis.KeyDecisionDue(D + timedelta(days=1), D),
        kpis.KeyDecisionDue(D + timedelta(days=3), None),
    ]


def test_training_exercise_records_never_count(hub, call_handler):
    from demandhub.contacts.models import Contact
    from demandhub.crimes.models import CrimeRecord
    from demandhub.demand import actions as training
    from demandhub.incidents.models import Incident

    scope = queries.Scope(START, END)
    counted = (
        len(queries.contact_rows(scope)),
        len(queries.incident_rows(scope)),
        len(queries.crime_rows(scope)),
    )
    exercise, _gateway_token = training.start_exercise(
        by=None, name="Drill", scenario="major_incident", trainees=[call_handler]
    )
    # The same fortnight, made in an exercise instead: none of it may reach the statistics.
    for model in (Contact, Incident, CrimeRecord):
        model.objects.update(exercise=exercise)

    assert min(counted) > 0
    assert queries.contact_rows(scope) == []
    assert queries.incident_rows(scope) == []
    assert queries.crime_rows(scope) == []
    assert not queries.counted_imu_reviews().exists()
    assert not queries.counted_victim_updates().exists()
