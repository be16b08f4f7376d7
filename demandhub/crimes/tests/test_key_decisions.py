"""Key decisions under the Victims' Code, on a controlled clock: the deadline counts working
days (here over a weekend and the August bank holiday), an earlier pending deadline is kept,
the update that tells the victim records the deadline it met, and an overdue key decision is
listed for the officer and the sergeant with the overdue regular updates."""

from datetime import date, datetime, time

import pytest

from demandhub.audit.models import Action, Event
from demandhub.crimes import queries
from demandhub.crimes.actions import (
    allocate_crime,
    assign_crime,
    close_crime,
    file_crime,
    record_key_decision,
    set_victim_care,
    update_victim,
)
from demandhub.crimes.errors import CrimeError
from demandhub.crimes.models import CrimeRecord, VictimUpdate
from demandhub.crimes.victims_code import LONDON

from .factories import crime

Kind = VictimUpdate.Kind

# Friday 28 August 2026; Monday 31 August is the summer bank holiday in England and Wales.
FRIDAY = datetime(2026, 8, 28, 10, 0, tzinfo=LONDON)


def london(day: int, hour: int = 10, month: int = 9) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=LONDON)


def end_of(day: int, month: int = 9) -> datetime:
    return datetime.combine(date(2026, month, day), time(23, 59, 59), tzinfo=LONDON)


@pytest.fixture
def investigating(clock, imu_reviewer, sergeant, investigating_officer, cambridge, online_report):  # type: ignore[no-untyped-def]
    clock.set(datetime(2026, 8, 27, 9, 0, tzinfo=LONDON))
    record = allocate_crime(crime(contact=online_report), by=imu_reviewer, area=cambridge)
    return assign_crime(record, by=sergeant, officer=investigating_officer)


def decide(record: CrimeRecord, officer, text: str = "Suspect arrested") -> CrimeRecord:  # type: ignore[no-untyped-def]
    record_key_decision(record, by=officer, decision=text)
    record.refresh_from_db()
    return record


def test_an_enhanced_victim_told_of_a_friday_decision_by_the_end_of_tuesday_after_the_holiday(
    clock, investigating, investigating_officer, sergeant
):
    set_victim_care(investigating, by=investigating_officer, enhanced=True, update_every_days=28)
    clock.set(FRIDAY)

    record = decide(investigating, investigating_officer)

    assert record.key_decision_due_at == end_of(1)  # Sat, Sun, bank holiday Monday skipped
    event = Event.objects.get(action=Action.CRIME_KEY_DECISION)
    assert event.data["decision"] == "Suspect arrested"
    assert not queries.overdue_victim_updates(end_of(1), officer=investigating_officer).exists()
    wednesday = london(2, 0)
    assert list(queries.overdue_victim_updates(wednesday, officer=investigating_officer)) == [
        record
    ]
    assert list(queries.overdue_victim_updates(wednesday, area_id=record.area_id)) == [record]
    assert [w.overdue_updates for w in queries.team_workload(sergeant, wednesday)] == [1]


def test_a_standard_victim_has_five_working_days(clock, investigating, investigating_officer):
    clock.set(FRIDAY)

    record = decide(investigating, investigating_officer)

    # Tue 1, Wed 2, Thu 3, Fri 4 September, then Monday 7 (the weekend is skipped).
    assert record.key_decision_due_at == end_of(7)


def test_a_later_decision_keeps_the_earlier_pending_deadline(
    clock, investigating, investigating_officer
):
    clock.set(FRIDAY)
    decide(investigating, investigating_officer)
    clock.set(london(3))  # Thursday: on its own this decision would be due Thursday 10th

    record = decide(investigating, investigating_officer, "Suspect charged")

    assert record.key_decision_due_at == end_of(7)
    events = Event.objects.filter(action=Action.CRIME_KEY_DECISION).order_by("id")
    assert [datetime.fromisoformat(e.data["due"]) for e in events] == [end_of(7), end_of(7)]


def test_a_decision_after_becoming_enhanced_keeps_the_recomputed_earlier_deadline(
    clock, investigating, investigating_officer
):
    clock.set(FRIDAY)
    decide(investigating, investigating_officer)  # standard: Monday 7th
    # Enhanced from now: Friday's decision is due by the end of Tuesday 1st (see below).
    set_victim_care(investigating, by=investigating_officer, enhanced=True, update_every_days=28)
    clock.set(london(1))  # Tuesday: on its own this decision would be due Wednesday 2nd

    record = decide(investigating, investigating_officer, "Suspect bailed")

    assert record.key_decision_due_at == end_of(1)


def test_an_overdue_deadline_stays_overdue_when_another_decision_follows(
    clock, investigating, investigating_officer
):
    set_victim_care(investigating, by=investigating_officer, enhanced=True, update_every_days=28)
    clock.set(FRIDAY)
    decide(investigating, investigating_officer)
    clock.set(london(4))  # Friday 4th: the Tuesday deadline was missed

    record = decide(investigating, investigating_officer, "Suspect charged")

    assert record.key_decision_due_at == end_of(1)
    assert record in queries.overdue_victim_updates(london(4))


def test_telling_the_victim_records_the_deadline_it_met_and_clears_it(
    clock, investigating, investigating_officer
):
    clock.set(FRIDAY)
    decide(investigating, investigating_officer)
    clock.set(london(2))
    regular = update_victim(
        investigating, by=investigating_officer, text="Enquiries continue", channel="phone"
    )
    investigating.refresh_from_db()
    assert regular.key_decision_due_at is None  # a regular update does not tell of it
    assert investigating.key_decision_due_at == end_of(7)

    clock.set(london(8))  # Tuesday 8th: a day late
    told = update_victim(
        investigating,
        by=investigating_officer,
        text="A suspect was arrested",
        channel="phone",
        kind=Kind.KEY_DECISION,
    )

    investigating.refresh_from_db()
    assert investigating.key_decision_due_at is None
    told.refresh_from_db()
    assert (told.key_decision_due_at, told.given_at) == (end_of(7), london(8))
    assert told.given_at > told.key_decision_due_at
    assert not queries.overdue_victim_updates(london(9), officer=investigating_officer).exists()


def test_a_key_decision_needs_words_and_changes_nothing_without(
    clock, investigating, investigating_officer
):
    with pytest.raises(CrimeError):
        record_key_decision(investigating, by=investigating_officer, decision="  ")

    investigating.refresh_from_db()
    assert investigating.key_decision_due_at is None
    assert not Event.objects.filter(action=Action.CRIME_KEY_DECISION).exists()


def test_overdue_updates_are_listed_longest_overdue_first_whichever_kind(
    clock, investigating, investigating_officer, imu_reviewer, sergeant, cambridge
):
    # A second crime, whose regular weekly update falls due on Thursday 3rd.
    other = assign_crime(
        allocate_crime(crime(), by=imu_reviewer, area=cambridge),
        by=sergeant,
        officer=investigating_officer,
    )
    set_victim_care(other, by=investigating_officer, enhanced=False, update_every_days=7)
    # The first crime's key decision (enhanced) falls due at the end of Tuesday 1st.
    set_victim_care(investigating, by=investigating_officer, enhanced=True, update_every_days=28)
    clock.set(FRIDAY)
    decide(investigating, investigating_officer)

    overdue = list(queries.overdue_victim_updates(london(4), officer=investigating_officer))

    assert overdue == [investigating, other]
    assert [c.first_due for c in overdue] == [end_of(1), london(3, 9)]


def test_filing_on_the_tracking_page_tells_the_victim_at_once_within_the_deadline(
    clock, imu_reviewer, online_report
):
    clock.set(FRIDAY)
    record = crime(contact=online_report)

    file_crime(record, by=imu_reviewer, reason="No lines of enquiry", outcome_code="18")

    told = VictimUpdate.objects.get(crime=record, kind=Kind.OUTCOME)
    assert (told.given_at, told.key_decision_due_at) == (FRIDAY, end_of(7))
    record.refresh_from_db()
    assert record.key_decision_due_at is None


def test_becoming_enhanced_brings_a_pending_deadline_forward_audited(
    clock, investigating, investigating_officer
):
    clock.set(FRIDAY)
    decide(investigating, investigating_officer)  # standard: Monday 7th
    clock.set(london(1))  # Tuesday: the victim is found to be vulnerable

    set_victim_care(investigating, by=investigating_officer, enhanced=True, update_every_days=28)

    investigating.refresh_from_db()
    # One working day from Friday's decision: Tuesday 1st (bank holiday Monday skipped).
    assert investigating.key_decision_due_at == end_of(1)
    event = Event.objects.get(action=Action.CRIME_VICTIM_CARE_SET)
    assert datetime.fromisoformat(event.data["key_decision_was_due"]) == end_of(7)
    assert datetime.fromisoformat(event.data["key_decision_due"]) == end_of(1)


def test_losing_enhanced_entitlement_moves_a_pending_deadline_later_audited(
    clock, investigating, investigating_officer
):
    set_victim_care(investigating, by=investigating_officer, enhanced=True, update_every_days=28)
    clock.set(FRIDAY)
    decide(investigating, investigating_officer)  # enhanced: Tuesday 1st

    set_victim_care(investigating, by=investigating_officer, enhanced=False, update_every_days=28)

    investigating.refresh_from_db()
    assert investigating.key_decision_due_at == end_of(7)
    event = Event.objects.filter(action=Action.CRIME_VICTIM_CARE_SET).latest("id")
    assert datetime.fromisoformat(event.data["key_decision_was_due"]) == end_of(1)
    assert datetime.fromisoformat(event.data["key_decision_due"]) == end_of(7)


def test_victim_care_unchanged_in_entitlement_leaves_a_pending_deadline_alone(
    clock, investigating, investigating_officer
):
    clock.set(FRIDAY)
    decide(investigating, investigating_officer)

    set_victim_care(investigating, by=investigating_officer, enhanced=False, update_every_days=7)

    investigating.refresh_from_db()
    assert investigating.key_decision_due_at == end_of(7)
    event = Event.objects.get(action=Action.CRIME_VICTIM_CARE_SET)
    assert "key_decision_due" not in event.data


def test_closing_with_the_date_the_victim_was_told_records_the_key_decision_it_met(
    clock, imu_reviewer, cambridge, sergeant, investigating_officer
):
    clock.set(datetime(2026, 8, 27, 9, 0, tzinfo=LONDON))
    record = assign_crime(  # no tracking page: the victim is told another way
        allocate_crime(crime(), by=imu_reviewer, area=cambridge),
        by=sergeant,
        officer=investigating_officer,
    )
    clock.set(FRIDAY)
    decide(record, investigating_officer)  # due Monday 7th
    clock.set(london(3))

    close_crime(record, by=sergeant, outcome_code="1", victim_told_on=date(2026, 9, 3))

    record.refresh_from_db()
    assert record.key_decision_due_at is None
    data = Event.objects.get(action=Action.CRIME_CLOSED).data
    assert data["key_decision_met"] is True
    assert datetime.fromisoformat(data["key_decision_due"]) == end_of(7)
    assert data["key_decision_in_time"] is True


def test_closing_after_the_key_decision_deadline_records_it_was_met_late(
    clock, imu_reviewer, cambridge, sergeant, investigating_officer
):
    clock.set(datetime(2026, 8, 27, 9, 0, tzinfo=LONDON))
    record = assign_crime(
        allocate_crime(crime(), by=imu_reviewer, area=cambridge),
        by=sergeant,
        officer=investigating_officer,
    )
    clock.set(FRIDAY)
    decide(record, investigating_officer)  # due Monday 7th
    clock.set(london(9))

    close_crime(record, by=sergeant, outcome_code="18", victim_told_on=date(2026, 9, 8))

    data = Event.objects.get(action=Action.CRIME_CLOSED).data
    assert (data["key_decision_met"], data["key_decision_in_time"]) == (True, False)


def test_closing_on_the_tracking_page_records_the_key_decision_its_update_met(
    clock, investigating, investigating_officer
):
    clock.set(FRIDAY)
    decide(investigating, investigating_officer)
    clock.set(london(2))

    close_crime(investigating, by=investigating_officer, outcome_code="1")

    told = VictimUpdate.objects.get(crime=investigating, kind=Kind.OUTCOME)
    assert told.key_decision_due_at == end_of(7)
    data = Event.objects.get(action=Action.CRIME_CLOSED).data
    assert datetime.fromisoformat(data["key_decision_due"]) == end_of(7)
    assert data["key_decision_in_time"] is True


def test_closing_with_no_key_decision_pending_records_none(
    clock, investigating, investigating_officer
):
    close_crime(investigating, by=investigating_officer, outcome_code="1")

    assert "key_decision_met" not in Event.objects.get(action=Action.CRIME_CLOSED).data
