from datetime import UTC, datetime, timedelta

import pytest

from demandhub.dispatch import deadlines

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
G1 = timedelta(minutes=15)
G2 = timedelta(hours=1)


@pytest.mark.parametrize(
    ("left", "target", "expected"),
    [
        (timedelta(minutes=10), G1, "on_time"),
        (timedelta(minutes=5), G1, "due_soon"),
        (timedelta(seconds=1), G1, "due_soon"),
        (timedelta(0), G1, "due_soon"),
        (timedelta(seconds=-1), G1, "breached"),
        (timedelta(minutes=13), G2, "on_time"),
        (timedelta(minutes=12), G2, "due_soon"),
    ],
)
def test_the_countdown_turns_amber_before_the_deadline_and_red_after(left, target, expected):
    assert deadlines.level(NOW + left, now=NOW, target=target) == expected


def test_no_deadline_no_countdown():
    assert deadlines.level(None, now=NOW) is None
    assert deadlines.countdown(None, now=NOW) is None


def test_the_countdown_text_counts_down_and_then_up_past_the_deadline():
    assert deadlines.countdown(NOW + timedelta(minutes=4, seconds=5), now=NOW).text == "04:05"
    assert deadlines.countdown(NOW - timedelta(seconds=75), now=NOW).text == "-01:15"
    assert deadlines.countdown(NOW + timedelta(hours=2, seconds=3), now=NOW).text == "2:00:03"
