"""bench/durability_kill.py's counts: a loss or a duplicate in the database is counted, so its
"lost 0, duplicates 0" after hundreds of kills says something (the bench itself runs apart:
`python -m bench durability_kill`)."""

from typing import Any

from bench.durability_kill import Result, check


class Stored:
    """A server whose database holds `rows` (call id, contacts) for the bench's query."""

    def __init__(self, rows: list[tuple[str, int]]) -> None:
        self.rows = rows
        self.statements: list[str] = []

    def query(self, statement: str) -> list[tuple[Any, ...]]:
        self.statements.append(statement)
        return list(self.rows)


def test_every_acknowledged_call_stored_once_counts_nothing():
    result = Result()
    check(Stored([("K0-000000", 1), ("K1-000000", 1)]), {"K0-000000": 7, "K1-000000": 8}, result)
    assert (result.lost, result.duplicates) == (0, 0)


def test_an_acknowledged_call_missing_is_lost_and_a_call_stored_twice_is_a_duplicate():
    result = Result()
    server = Stored([("K0-000000", 2), ("K0-000001", 1)])
    check(server, {"K0-000000": 7, "K0-000001": 8, "K1-000000": 9}, result)
    assert (result.lost, result.duplicates) == (1, 1)
    assert server.statements == [
        "SELECT external_id, COUNT(*) FROM contacts_contact "
        "WHERE external_id LIKE 'K%' GROUP BY external_id"
    ]


def test_the_worst_check_is_kept_across_cycles():
    result = Result()
    check(Stored([]), {"K0-000000": 7, "K0-000001": 8}, result)
    check(Stored([("K0-000000", 1), ("K0-000001", 1)]), {"K0-000000": 7, "K0-000001": 8}, result)
    assert result.lost == 2
