"""Changing audit rows behind the application's back, as an intruder with database access would."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def append_only_trigger_disabled() -> Iterator[None]:
    """On PostgreSQL, lift the append-only trigger (as the table's owner could) for the block."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        # Deferred foreign-key checks from this test's own inserts would block ALTER TABLE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update_or_delete")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update_or_delete")


def execute(sql: str, params: list[object]) -> None:
    with append_only_trigger_disabled(), connection.cursor() as cursor:
        cursor.execute(sql, params)
