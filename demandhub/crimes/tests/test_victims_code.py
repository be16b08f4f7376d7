"""Victims' Code deadlines: working days skip weekends and England and Wales bank holidays."""

from datetime import UTC, date, datetime, timedelta

import pytest

from demandhub.crimes import victims_code
from demandhub.crimes.victims_code import LONDON


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 11, 23), 1, date(2026, 11, 24)),  # Monday -> Tuesday
        (date(2026, 11, 27), 1, date(2026, 11, 30)),  # Friday -> Monday
        (date(2026, 11, 23), 5, date(2026, 11, 30)),  # a working week
        (date(2026, 12, 24), 1, date(2026, 12, 29)),  # Christmas, Boxing Day (28th substitute)
        (date(2026, 4, 2), 1, date(2026, 4, 7)),  # Good Friday 3 Apr, Easter Monday 6 Apr
        (date(2026, 8, 28), 1, date(2026, 9, 1)),  # summer bank holiday 31 Aug
        (date(2026, 12, 31), 1, date(2027, 1, 4)),  # New Year's Day (Friday), then weekend
    ],
)
def test_working_days_skip_weekends_and_bank_holidays(start, n, expected):
    assert victims_code.add_working_days(start, n) == expected


def test_a_key_decision_must_reach_an_enhanced_victim_by_the_end_of_the_next_working_day():
    friday_evening = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)

    due = victims_code.key_decision_deadline(friday_evening, enhanced=True)

    assert due == datetime(2026, 11, 30, 23, 59, 59, tzinfo=LONDON)


def test_other_victims_must_be_told_within_five_working_days():
    before_christmas = datetime(2026, 12, 23, 10, 0, tzinfo=UTC)

    due = victims_code.key_decision_deadline(before_christmas, enhanced=False)

    # 24, 29, 30, 31 December, then 4 January (1 January a bank holiday, 2-3 a weekend)
    assert due.date() == date(2027, 1, 4)


def test_a_late_evening_decision_counts_from_its_london_day():
    # 23:30 UTC on 31 May 2026 is 00:30 on Monday 1 June in London (BST)
    decided = datetime(2026, 5, 31, 23, 30, tzinfo=UTC)

    assert victims_code.key_decision_deadline(decided, enhanced=True).date() == date(2026, 6, 2)


@pytest.mark.parametrize("enhanced", [True, False])
def test_a_pending_deadline_rescaled_to_the_other_entitlement_is_the_one_the_decision_gives(
    enhanced,
):
    # Every hour of 2026 and into 2027 (weekends, Easter, Christmas, New Year, clock changes).
    start = datetime(2026, 1, 1, 0, 30, tzinfo=UTC)
    for hours in range(0, 24 * 380, 1):
        decided = start + timedelta(hours=hours)
        due = victims_code.key_decision_deadline(decided, enhanced=enhanced)

        rescaled = victims_code.rescale_key_decision_deadline(due, enhanced=not enhanced)

        assert rescaled == victims_code.key_decision_deadline(decided, enhanced=not enhanced)
