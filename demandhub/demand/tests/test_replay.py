"""Reading a calls-for-service log: the default mapping on the Seattle sample, ids made from
the row, and bad rows reported by line with the reason."""

import io
from datetime import UTC, datetime

import pytest

from demandhub.demand.generator import Send
from demandhub.demand.replay import (
    SEATTLE,
    MappingError,
    RowProblem,
    read_mapping,
    read_rows,
)
from tests.shared_reference import shared_reference

SEATTLE_SAMPLE = "calls/seattle_spd/spd_call_data_sector_C3_2018-2023.csv"


def seattle_sample():  # type: ignore[no-untyped-def]
    return shared_reference(SEATTLE_SAMPLE)


HEADER = "CAD Event Number,Call Type,Priority,Initial Call Type,Original Time Queued,Blurred_Longitude,Blurred_Latitude\n"  # noqa: E501


def rows(text: str, mapping: dict[str, object] = SEATTLE) -> list[Send | RowProblem]:
    return list(read_rows(io.StringIO(text), read_mapping(mapping)))


def test_the_seattle_sample_reads_with_the_default_mapping():
    with seattle_sample().open(newline="", encoding="utf-8-sig") as f:
        items = list(read_rows(f, read_mapping(SEATTLE)))
    sends = [i for i in items if isinstance(i, Send)]
    problems = [i for i in items if isinstance(i, RowProblem)]

    assert len(sends) + len(problems) == 222
    assert all(p.skipped and "ONVIEW" in p.reason for p in problems)
    assert len({s.payload["call_id"] for s in sends}) == len(sends)
    first = sends[0]
    assert first.payload == {
        "call_id": "SPD-2023000319821",
        "event": "offered",
        "line": "999",
        "occurred_at": "2023-11-04T18:08:26-07:00",
        "address": "47.61766, -122.28112",
    }
    assert first.line_number == 2
    assert first.classification == "P2 BURN - RECKLESS BURNING"
    assert first.stamp is False
    assert {s.channel for s in sends} == {"999", "101"}


def test_reading_twice_gives_the_same_calls():
    text = HEADER + "2023000000001,911,1,ASSAULT,01/02/2023 3:04:05 PM,-122.3,47.6\n"

    assert rows(text)[0].payload == rows(text)[0].payload


def test_bad_rows_are_reported_with_their_line_and_reason_and_the_rest_are_read():
    text = (
        HEADER
        + "2023000000001,911,1,ASSAULT,01/02/2023 3:04:05 PM,-122.3,47.6\n"
        + "2023000000002,911,1,ASSAULT,yesterday,-122.3,47.6\n"
        + ",911,1,ASSAULT,01/02/2023 3:04:05 PM,-122.3,47.6\n"
        + "2023000000004,911,high,ASSAULT,01/02/2023 3:04:05 PM,-122.3,47.6\n"
        + "2023000000005,911,1,ASSAULT,01/02/2023 3:04:05 PM,west,47.6\n"
        + "2023000000006,911,1,ASSAULT,01/02/2023 3:04:05 PM,-122.3,147.6\n"
        + "2023000000007,911,1,ASSAULT,01/02/2023 3:04:05 PM,-122.3,47.6,extra\n"
        + "2023000000008,911,1,ASSAULT,,-122.3,47.6\n"
        + "2023000000009,ONVIEW,7,PREMISE CHECK,01/02/2023 3:04:05 PM,-122.3,47.6\n"
        + "2023000000010,TELEPHONE OTHER, NOT 911,3,NOISE,01/02/2023 3:04:05 PM,-122.3,47.6\n"
        + '2023000000011,"TELEPHONE OTHER, NOT 911",3,NOISE,01/02/2023 3:04:05 PM,-122.3,47.6\n'
    )
    items = rows(text)
    problems = {i.line: i for i in items if isinstance(i, RowProblem)}
    sent = [i.line_number for i in items if isinstance(i, Send)]

    assert sent == [2, 12]
    assert "'yesterday' is not a time" in problems[3].reason
    assert "CAD Event Number: empty" in problems[4].reason
    assert "Priority: 'high' is not a number" in problems[5].reason
    assert "are not numbers" in problems[6].reason
    assert "not on Earth" in problems[7].reason
    assert "more fields than the header" in problems[8].reason
    assert "Original Time Queued: empty" in problems[9].reason
    assert problems[10].skipped
    assert "more fields than the header" in problems[11].reason  # an unquoted comma
    assert not any(p.skipped for line, p in problems.items() if line != 10)


def test_a_header_without_the_time_column_is_reported_at_line_1_and_nothing_is_read():
    items = rows("CAD Event Number,Priority\n1,2\n")

    assert items == [RowProblem(1, items[0].reason)]
    assert "time ('Original Time Queued')" in items[0].reason


def test_a_missing_optional_column_is_reported_and_the_rows_still_read():
    items = rows("CAD Event Number,Original Time Queued\n7,01/02/2023 3:04:05 PM\n")

    assert isinstance(items[0], RowProblem)
    assert items[0].line == 1
    assert "priority ('Priority')" in items[0].reason
    assert items[1].payload["line"] == "101"  # the default channel


def test_a_log_without_ids_gets_ids_from_its_rows_and_iso_times():
    mapping = {
        "time": "when",
        "timezone": "Europe/London",
        "channel": "how",
        "channels": {"E": "999"},
    }
    text = "when,how,what\n2025-06-01T10:00:00,E,fight\n2025-06-01T10:00:00,E,fire\n"
    first, second = rows(text, mapping)

    assert first.payload["call_id"] != second.payload["call_id"]
    assert first.payload["call_id"] == rows(text, mapping)[0].payload["call_id"]
    assert first.at == datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
    assert first.payload["line"] == "999"


@pytest.mark.parametrize(
    ("mapping", "problem"),
    [
        ({}, "time"),
        ({"time": "t", "timezone": "Mars/Olympus"}, "timezone"),
        ({"time": "t", "channels": {"x": "112"}}, "channels"),
        ({"time": "t", "default_channel": "112"}, "default_channel"),
        ({"time": "t", "priority": 3}, "priority"),
    ],
)
def test_an_unusable_mapping_is_refused_with_the_reason(mapping, problem):
    with pytest.raises(MappingError, match=problem):
        read_mapping(mapping)
