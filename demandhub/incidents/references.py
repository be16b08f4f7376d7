"""Human incident references: <force code>-<YYYYMMDD>-<NNNN>, unique per force and day."""

from datetime import date

from django.db import connection

from .models import ReferenceCounter


def format_reference(force_code: str, day: date, number: int) -> str:
    return f"{force_code}-{day:%Y%m%d}-{number:04d}"


def next_reference(force_code: str, day: date) -> str:
    """The next reference for `day`, in one statement (an upsert that returns the number).

    The counter row stays locked by the upsert until the caller's transaction ends, so
    concurrent callers get consecutive numbers, never the same one (PostgreSQL and SQLite
    3.35+ both support INSERT ... ON CONFLICT ... RETURNING).
    """
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (force_code, day, last) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (force_code, day) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last",
            [force_code, day],
        )
        (number,) = cursor.fetchone()
    return format_reference(force_code, day, number)
