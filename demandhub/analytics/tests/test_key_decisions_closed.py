"""The key-decision figure counts a key decision met by closing the crime with the date the
victim was told (no VictimUpdate is written for it), by the close action's rule: in time when
told on or before the deadline's day. Built with the crimes actions on a controlled clock."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from demandhub.analytics import dashboard, kpis, queries
from demandhub.contacts.models import Contact
from demandhub.contacts.references import hash_token
from demandhub.contacts.tests.factories import ContactFactory
from demandhub.crimes.actions import allocate_crime, assign_crime, close_crime, record_key_decision
from demandhub.crimes.models import CrimeRecord
from demandhub.crimes.tests.factories import crime
from demandhub.crimes.victims_code import LONDON
from demandhub.forces.tests.factories import PolicingAreaFactory

# A decision on Friday 28 August 2026 is due by the end of Monday 7 September (5 working
# days, skipping the August bank holiday). The range is the week of the deadline.
FRIDAY = datetime(2026, 8, 28, 10, 0, tzinfo=LONDON)
START = datetime(2026, 9, 7, tzinfo=LONDON)
END = START + timedelta(days=7)
NOW = END


def _at(day: int, month: int = 9) -> datetime:
    return datetime(2026, month, day, 10, 0, tzinfo=LONDON)


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Set timezone.now() for the whole app."""

    def set_now(when: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: when)

    return set_now


@pytest.fixture
def decided(at, imu_reviewer, sergeant, investigating_officer):  # type: ignore[no-untyped-def]
    """Make a crime under investigation with a key decision made on FRIDAY, optionally
    reported online with a tracking page."""
    area = PolicingAreaFactory()

    def make(*, tracking_page: bool = False) -> CrimeRecord:
        at(_at(27, month=8))
        contact = None
        if tracking_page:
            contact = ContactFactory(
                channel=Contact.Channel.ONLINE_REPORT, public_token_hash=hash_token("t")
            )
        record = allocate_crime(
            crime(contact=contact), by=imu_reviewer, area=area, override_reason="Test area"
        )
        record = assign_crime(record, by=sergeant, officer=investigating_officer)
        at(FRIDAY)
        return record_key_decision(record, by=investigating_officer, decision="Suspect charged")

    return make


def _key_decisions(scope: queries.Scope) -> tuple[str, list[list[object]]]:
    """The headline figure's detail and the chart's table rows."""
    board = dashboard.build(
        scope, period="week", last_day=(END - timedelta(days=1)).date(), now=NOW
    )
    figure = next(f for f in board.figures if f.label == "Key decisions told in time")
    return figure.detail, board.panel("key-decisions").table.rows


def test_closing_with_the_date_the_victim_was_told_counts_in_time_or_late(
    at, decided, sergeant, investigating_officer
):
    told_in_time, told_late, on_tracking_page = decided(), decided(), decided(tracking_page=True)
    # Closed before the range, telling the victim before the deadline: in time.
    at(_at(3))
    close_crime(told_in_time, by=sergeant, outcome_code="1", victim_told_on=date(2026, 9, 3))
    # Told the day after the deadline: late.
    at(_at(9))
    close_crime(told_late, by=sergeant, outcome_code="18", victim_told_on=date(2026, 9, 8))
    # The outcome update on the tracking page met its deadline: counted once, not twice.
    at(_at(2))
    close_crime(on_tracking_page, by=investigating_officer, outcome_code="1")

    detail, rows = _key_decisions(queries.Scope(start=START, end=END))

    assert detail == "2 of 3 due; 0 not yet told"
    # period, due, told in time, told late, overdue, not due yet, % in time
    assert rows[0] == ["w/c 07 Sep", 3, 2, 1, 0, 0, 66.7]


def test_a_key_decision_met_by_closing_counts_once_by_the_day_the_victim_was_told():
    due = datetime(2026, 9, 7, 23, 59, 59, tzinfo=LONDON)
    closed = kpis.CrimeRow(
        1, FRIDAY, END, "recorded", FRIDAY, FRIDAY, 28, "1", _at(9), False,
        victim_told_on=date(2026, 9, 7), closed_key_decision_due_at=due,
    )  # fmt: skip
    on_tracking_page = kpis.CrimeRow(
        2, FRIDAY, END, "recorded", FRIDAY, FRIDAY, 28, "1", _at(2), False,
        victim_told_on=date(2026, 9, 2), closed_key_decision_due_at=due,
    )  # fmt: skip
    outcome_update = kpis.UpdateRow(2, _at(2), due)

    dues = kpis.key_decisions_due([closed, on_tracking_page], [outcome_update])

    assert dues == [
        kpis.KeyDecisionDue(due, _at(2)),
        kpis.KeyDecisionDue(due, None, told_on=date(2026, 9, 7)),
    ]
    assert kpis.key_decision_outcome(dues[1], NOW) == "in_time"  # told on the deadline's day
    late = kpis.KeyDecisionDue(due, None, told_on=date(2026, 9, 8))
    assert kpis.key_decision_outcome(late, NOW) == "late"
