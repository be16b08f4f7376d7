"""What the server benchmarks share: a private database for their server, dropped at the end.
HTTP (with the answer's headers, to see replays) and the burst of retried calls are
tests/e2e/clients.py's `post_bytes` and `Burst`, shared with the durability tests."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg import sql


def patient_setup(seconds: float = 900) -> None:
    """Give `demandhub demo --no-serve` and the other setup commands of tests/e2e/server.py up
    to `seconds` (a guard, not a timing): on a machine shared with other test runs, migrating
    and seeding a PostgreSQL database can take longer than the tests' 120 s guard."""
    from tests.e2e import server

    defaults = server.demandhub.__kwdefaults__
    assert defaults is not None
    assert "timeout" in defaults
    defaults["timeout"] = max(defaults["timeout"], seconds)


def postgres_url() -> str | None:
    url = os.getenv("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _on(url: str, database: str) -> str:
    return urlsplit(url)._replace(path=f"/{database}").geturl()


@contextmanager
def private_database(label: str) -> Iterator[str]:
    """On PostgreSQL (DATABASE_URL), a new database named after DATABASE_URL's own with
    `_<label>` added (so .../dh_x gives dh_x_<label>), dropped when the block ends; its URL.
    Without one, "": the server's SQLite file in its data folder."""
    base = postgres_url()
    if base is None:
        yield ""
        return
    name = f"{urlsplit(base).path.strip('/') or 'bench'}_{label}"[:63]
    maintenance = _on(base, "postgres")
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(drop)
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield _on(base, name)
    finally:
        with psycopg.connect(maintenance, autocommit=True) as conn:
            conn.execute(drop)


def connections(conn: psycopg.Connection[Any]) -> int:
    """Sessions open on this connection's database now, this one included."""
    row = conn.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
    ).fetchone()
    return int(row[0]) if row else 0


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
