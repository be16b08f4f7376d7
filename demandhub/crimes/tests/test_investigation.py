"""Investigation: assignment by the area's sergeant, actions, victim care and outcomes."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from demandhub.accounts.tests.factories import UserFactory
from demandhub.audit.models import Action, Event
from demandhub.crimes import queries
from demandhub.crimes.actions import (
    add_investigation_action,
    allocate_crime,
    assign_crime,
    cancel_crime,
    close_crime,
    complete_investigation_action,
    record_first_contact,
    record_key_decision,
    set_posting,
    set_victim_care,
    update_victim,
)
from demandhub.crimes.errors import (
    CancellationReasonNotAllowed,
    CrimeError,
    OfficerNotInArea,
    UnknownOutcome,
)
from demandhub.crimes.models import CrimeRecord, VictimUpdate
from demandhub.crimes.permissions import can_assign, can_cancel, can_investigate

from .factories import crime

Status = CrimeRecord.Status


@pytest.fixture
def allocated(imu_reviewer, cambridge, online_report):  # type: ignore[no-untyped-def]
    record = crime(contact=online_report, cctv=True)
    return allocate_crime(record, by=imu_reviewer, area=cambridge)


@pytest.fixture
def investigating(allocated, sergeant, investigating_officer):  # type: ignore[no-untyped-def]
    return assign_crime(allocated, by=sergeant, officer=investigating_officer)


def test_the_areas_sergeant_assigns_an_officer(allocated, sergeant, investigating_officer):
    assert can_assign(sergeant, allocated)

    assign_crime(allocated, by=sergeant, officer=investigating_officer)

    allocated.refresh_from_db()
    assert (allocated.status, allocated.officer) == (
        Status.UNDER_INVESTIGATION,
        investigating_officer,
    )
    assert allocated.victim_update_due_at is not None
    assert Event.objects.get(action=Action.CRIME_ASSIGNED).actor == sergeant


def test_a_sergeant_of_another_area_cannot_assign(allocated, sergeant, fens):
    set_posting(sergeant, by=sergeant, area=fens)

    assert not can_assign(sergeant, allocated)
    assert list(queries.crimes_awaiting_assignment(sergeant)) == []


def test_an_officer_posted_elsewhere_cannot_be_assigned(allocated, sergeant, fens):
    officer = UserFactory(username="pc_fens", roles=["investigating_officer"])
    set_posting(officer, by=sergeant, area=fens)

    with pytest.raises(OfficerNotInArea):
        assign_crime(allocated, by=sergeant, officer=officer)

    allocated.refresh_from_db()
    assert allocated.status == Status.ALLOCATED


def test_actions_have_owners_due_dates_and_results(investigating, investigating_officer):
    action = add_investigation_action(
        investigating,
        by=investigating_officer,
        kind="cctv_review",
        owner=investigating_officer,
        due_on=timezone.localdate() + timedelta(days=3),
    )
    assert list(queries.actions_due(investigating_officer)) == [action]

    complete_investigation_action(action, by=investigating_officer, result="Suspect seen")

    action.refresh_from_db()
    assert action.completed_at is not None
    assert action.result == "Suspect seen"
    assert list(queries.actions_due(investigating_officer)) == []


def test_the_first_contact_with_the_victim_is_recorded_with_its_time(
    investigating, investigating_officer, online_report
):
    assert can_investigate(investigating_officer, investigating)

    record_first_contact(investigating, by=investigating_officer, channel="tracking_page")

    investigating.refresh_from_db()
    assert investigating.victim_first_contact_at is not None
    assert investigating.victim_updates.get(kind="first_contact").channel == "tracking_page"
    assert "is investigating" in online_report.reporter_updates.last().text
    with pytest.raises(CrimeError):
        record_first_contact(investigating, by=investigating_officer, channel="phone")


def test_overdue_victim_updates_are_listed_for_the_officer_and_the_sergeant(
    investigating, investigating_officer, sergeant
):
    set_victim_care(investigating, by=investigating_officer, enhanced=False, update_every_days=7)
    later = timezone.now() + timedelta(days=8)

    assert list(queries.overdue_victim_updates(later, officer=investigating_officer)) == [
        investigating
    ]
    assert [w.overdue_updates for w in queries.team_workload(sergeant, later)] == [1]

    update_victim(
        investigating, by=investigating_officer, text="CCTV being reviewed", channel="phone"
    )
    investigating.refresh_from_db()
    next_due = investigating.victim_update_due_at
    assert timezone.now() + timedelta(days=6) < next_due < later


def test_a_key_decision_sets_the_deadline_and_telling_the_victim_meets_it(
    investigating, investigating_officer
):
    set_victim_care(investigating, by=investigating_officer, enhanced=True, update_every_days=28)
    record_key_decision(investigating, by=investigating_officer, decision="Suspect arrested")
    investigating.refresh_from_db()
    assert investigating.key_decision_due_at is not None
    in_a_week = timezone.now() + timedelta(days=7)
    assert investigating in queries.overdue_victim_updates(in_a_week)

    update_victim(
        investigating,
        by=investigating_officer,
        text="A suspect has been arrested",
        channel="tracking_page",
        kind=VictimUpdate.Kind.KEY_DECISION,
    )

    investigating.refresh_from_db()
    assert investigating.key_decision_due_at is None


def test_closing_with_an_outcome_tells_the_victim_on_the_tracking_page(
    investigating, investigating_officer, online_report
):
    close_crime(investigating, by=investigating_officer, outcome_code="1")

    investigating.refresh_from_db()
    assert (investigating.status, investigating.outcome_code) == (Status.CLOSED, "1")
    assert investigating.victim_told_on == timezone.localdate()
    assert "charged" in online_report.reporter_updates.last().text
    assert "charged" in investigating.reporter_status
    assert Event.objects.get(action=Action.CRIME_CLOSED).data["outcome"] == "1"


def test_closing_without_a_tracking_page_needs_the_date_the_victim_was_told(
    imu_reviewer, cambridge, sergeant, investigating_officer
):
    record = allocate_crime(crime(), by=imu_reviewer, area=cambridge)
    with pytest.raises(CrimeError, match="date the victim was told"):
        close_crime(record, by=sergeant, outcome_code="18")

    close_crime(record, by=sergeant, outcome_code="18", victim_told_on=date(2026, 11, 20))

    record.refresh_from_db()
    assert record.victim_told_on == date(2026, 11, 20)


@pytest.mark.parametrize("code", ["99", "", "0", "18B"])
def test_an_unknown_or_non_final_outcome_code_is_refused(
    investigating, investigating_officer, code
):
    with pytest.raises((UnknownOutcome, CrimeError)):
        close_crime(investigating, by=investigating_officer, outcome_code=code)

    investigating.refresh_from_db()
    assert (investigating.status, investigating.outcome_code) == (Status.UNDER_INVESTIGATION, "")
    assert not Event.objects.filter(action=Action.CRIME_CLOSED).exists()


def test_the_force_crime_registrar_cancels_for_an_allowed_reason(investigating, crime_registrar):
    assert can_cancel(crime_registrar, investigating)

    cancel_crime(investigating, by=crime_registrar, reason="duplicate", note="Same as CR-1")

    investigating.refresh_from_db()
    assert (investigating.status, investigating.cancellation_reason) == ("cancelled", "duplicate")
    assert Event.objects.get(action=Action.CRIME_CANCELLED).data["reason"] == "duplicate"


@pytest.mark.parametrize("reason", ["", "victim withdrew", "no_crime "])
def test_cancellation_without_an_allowed_reason_is_refused(investigating, crime_registrar, reason):
    with pytest.raises(CancellationReasonNotAllowed):
        cancel_crime(investigating, by=crime_registrar, reason=reason)

    investigating.refresh_from_db()
    assert (investigating.status, investigating.cancellation_reason) == (
        Status.UNDER_INVESTIGATION,
        "",
    )
    assert not Event.objects.filter(action=Action.CRIME_CANCELLED).exists()


def test_only_the_registrar_may_cancel(investigating, imu_reviewer, sergeant):
    assert not can_cancel(imu_reviewer, investigating)
    assert not can_cancel(sergeant, investigating)
