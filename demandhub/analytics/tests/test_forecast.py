"""Demand forecast by hour of the week from recorded contacts."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from demandhub.analytics.forecast import average_arrivals, hour_of_week, hours_in_window

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2025, 1, 6, tzinfo=LONDON)  # winter: London is on UTC


def test_hours_of_the_week_start_on_monday_at_midnight_local_time():
    assert hour_of_week(MONDAY, LONDON) == 0
    assert hour_of_week(MONDAY + timedelta(days=6, hours=23, minutes=59), LONDON) == 167
    summer = datetime(2025, 7, 7, 0, 30, tzinfo=LONDON)  # Monday 00:30 BST is Sunday 23:30 UTC
    assert hour_of_week(summer.astimezone(UTC), LONDON) == 0


def test_each_hour_of_the_week_is_averaged_over_the_weeks_of_the_look_back():
    offers = [("999", MONDAY + timedelta(hours=9, minutes=m)) for m in (1, 20, 40)]
    offers += [("999", MONDAY + timedelta(weeks=1, hours=9, minutes=5))]
    offers += [("101", MONDAY + timedelta(days=2, hours=14))]

    rates = average_arrivals(offers, start=MONDAY, end=MONDAY + timedelta(weeks=2), zone=LONDON)

    assert rates["999"][9] == pytest.approx(2.0)  # 4 calls over two Mondays 09:00-10:00
    assert sum(rates["999"]) == pytest.approx(2.0)
    assert rates["101"][2 * 24 + 14] == pytest.approx(0.5)
    assert set(rates) == {"999", "101", "web_chat", "online_report"}


def test_contacts_outside_the_window_or_on_other_channels_are_left_out():
    offers = [
        ("999", MONDAY - timedelta(minutes=1)),
        ("999", MONDAY + timedelta(weeks=1)),
        ("social_media", MONDAY + timedelta(hours=1)),
    ]

    rates = average_arrivals(offers, start=MONDAY, end=MONDAY + timedelta(weeks=1), zone=LONDON)

    assert all(rate == 0 for hours in rates.values() for rate in hours)


def test_no_history_gives_zero_rates_for_every_hour():
    rates = average_arrivals([], start=MONDAY, end=MONDAY + timedelta(weeks=8), zone=LONDON)

    assert {len(hours) for hours in rates.values()} == {168}
    assert not any(any(hours) for hours in rates.values())


def test_a_clock_change_is_counted_as_the_clock_read():
    start = datetime(2025, 3, 24, tzinfo=LONDON)  # clocks go forward on Sunday 30 March, 01:00
    counts = hours_in_window(start, datetime(2025, 3, 31, tzinfo=LONDON), LONDON)

    assert counts[6 * 24 + 1] == 0  # Sunday 01:00-02:00 never happened
    assert sum(counts) == 167
