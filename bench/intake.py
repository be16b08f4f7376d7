"""Intake over HTTP against the database's own limit.

A (reference): the database committing the equivalent inserts with nothing in front of it:
  PostgreSQL: `pgbench -n -c1 -T <s> -f <script>`, synchronous_commit on: one transaction
  of a contact row, the raw telephony event and two audit rows in bare tables (--reference
  bare, the default), or the six rows a call writes into Demand Hub's own tables, with their
  indexes and constraints (--reference schema);
  SQLite: raw sqlite3 commits (WAL, synchronous=FULL), one connection, of the bare rows, or
  (--reference schema) of the call's six rows into a copy of the server's database file.
B (ours): 999 calls POSTed to /api/contacts/telephony/events of a real `demandhub serve`,
  each with an Idempotency-Key, on the same database engine, by --clients closed-loop clients
  (each sends its next call when the last is answered, over a kept-alive connection where the
  server keeps it), so that with several clients the server's processes and the database's
  group commit work across them. --http-workers N serves HTTP on N gunicorn sync workers, as
  `demandhub serve --http-workers N` does (needs REDIS_URL); 0, one uvicorn process.

Pairs run A B A B ... (who goes first alternates), each a few seconds; reported: min, median
and max of the per-pair ratios B/A of commits per second. Then open-loop latency: calls sent
on a fixed schedule (normal load, then 10x) with latency taken from the scheduled send time,
p50/p99, and the 10x p99 as a ratio of the normal p99. Last, the CPU each side spent per
contact or commit over all its runs (bench/_cpu.py: our server's processes, the PostgreSQL
cluster, the clients), which says what bounds the rates.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> .venv/bin/python -m bench intake
    .venv/bin/python -m bench intake            # SQLite (embedded); or --engine sqlite
    REDIS_URL=redis://127.0.0.1:6379/<n> .venv/bin/python -m bench intake \
        --http-workers 2 --clients 4
"""
# ruff: noqa: E501, S608  (the reference scripts are SQL, one statement a line, of constants)

import argparse
import http.client
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import _cpu  # noqa: E402
from tests.e2e.clients import issue_token, offered, post_json  # noqa: E402
from tests.e2e.server import free_port, running_demo_server  # noqa: E402

EVENTS = "/api/contacts/telephony/events"

TABLES = """
CREATE TABLE IF NOT EXISTS bench_contact (id {serial} PRIMARY KEY, reference text,
  channel text, status text, external_id text UNIQUE, caller_number text, offered_at text,
  message text);
CREATE TABLE IF NOT EXISTS bench_event (id {serial} PRIMARY KEY, received_at text, raw text,
  status text, dedupe_key text UNIQUE);
CREATE TABLE IF NOT EXISTS bench_audit (id {serial} PRIMARY KEY, occurred_at text,
  action text, subject_id text, data text, prev_hash text UNIQUE, hash text);
"""

PGBENCH_SCRIPT = """\\set n random(1, 2000000000)
BEGIN;
INSERT INTO bench_contact (reference, channel, status, external_id, caller_number, offered_at, message) VALUES ('999-' || :n, '999', 'queued', 'P' || :n || '-' || :client_id || '-' || txid_current(), '+447700900123', now()::text, '');
INSERT INTO bench_event (received_at, raw, status, dedupe_key) VALUES (now()::text, '{"call_id": "x", "event": "offered", "line": "999"}', 'applied', 'E' || txid_current());
INSERT INTO bench_audit (occurred_at, action, subject_id, data, prev_hash, hash) VALUES (now()::text, 'contact.received', :n, '{}', md5(random()::text) || md5(random()::text), md5(random()::text));
INSERT INTO bench_audit (occurred_at, action, subject_id, data, prev_hash, hash) VALUES (now()::text, 'contact.call_updated', :n, '{}', md5(random()::text) || md5(random()::text), md5(random()::text));
END;
"""


# --reference schema: the rows one 999 call writes, into Demand Hub's own tables (their
# indexes, constraints and triggers included), as the server's INSERTs have them; the audit
# hashes are random, so the bench database's audit chain is broken by design (it is dropped).
SCHEMA_SCRIPT = """\\set n random(1, 2000000000)
BEGIN;
INSERT INTO contacts_contact (channel, status, priority, reference, external_id, parent_id, caller_name, caller_number, caller_number_as_given, caller_email, caller_handle, network_address, subject, message, report_kind, report_details, offered_at, answered_at, ended_at, abandoned_at, handled_by_id, outcome, outcome_agency, outcome_reason, outcome_recorded_at, incident_id, latitude, longitude, location_text, location_source, public_token_hash, exercise_id) VALUES ('999', 'queued', 0, '', 'S' || :n || '-' || :client_id || '-' || txid_current(), NULL, '', '+447700900123', '07700900123', '', '', '', '', '', '', '{}'::jsonb, now(), NULL, NULL, NULL, NULL, '', '', '', NULL, NULL, NULL, NULL, '', '', '', NULL);
INSERT INTO contacts_statuschange (contact_id, old_status, new_status, changed_at, changed_by_id, reason) VALUES (currval(pg_get_serial_sequence('contacts_contact', 'id')), '', 'queued', now(), NULL, '');
INSERT INTO audit_event (occurred_at, actor_id, action, subject_type, subject_id, data, ip_address, request_id, prev_hash, hash) VALUES (now(), NULL, 'contact.received', 'contacts.contact', currval(pg_get_serial_sequence('contacts_contact', 'id'))::text, '{"channel": "999", "reference": "", "external_id": "S"}'::jsonb, '127.0.0.1', md5(random()::text), md5(random()::text) || md5(random()::text), md5(random()::text) || md5(random()::text));
INSERT INTO contacts_telephonyevent (received_at, raw, status, error, line, call_id, event, occurred_at, dedupe_key, contact_id) VALUES (now(), '{"call_id": "S", "event": "offered", "line": "999", "occurred_at": "2026-12-03T10:00:00Z", "cli": "07700900123"}', 'applied', '', '999', 'S' || :n, 'offered', now(), '999|S' || :n || '-' || txid_current() || '|offered', currval(pg_get_serial_sequence('contacts_contact', 'id')));
INSERT INTO audit_event (occurred_at, actor_id, action, subject_type, subject_id, data, ip_address, request_id, prev_hash, hash) VALUES (now(), NULL, 'contact.call_updated', 'contacts.contact', currval(pg_get_serial_sequence('contacts_contact', 'id'))::text, '{"event": "offered", "call_id": "S", "line": "999", "changes": []}'::jsonb, '127.0.0.1', md5(random()::text), md5(random()::text) || md5(random()::text), md5(random()::text) || md5(random()::text));
INSERT INTO core_idempotencykey (scope, key, fingerprint, method, path, created_at, status, content_type, location, body) VALUES (md5(random()::text), 'S' || :n || '-' || txid_current(), md5(random()::text), 'POST', '/api/contacts/telephony/events', now(), 200, 'application/json', '', '\\x7b7d'::bytea);
END;
"""


# --reference schema on SQLite: the same six rows, by raw sqlite3, into a copy of the server's
# database file (its tables, indexes and data), each audit row after a read of the chain head.
CONTACT_COLUMNS = "channel, status, priority, reference, external_id, parent_id, caller_name, caller_number, caller_number_as_given, caller_email, caller_handle, network_address, subject, message, report_kind, report_details, offered_at, answered_at, ended_at, abandoned_at, handled_by_id, outcome, outcome_agency, outcome_reason, outcome_recorded_at, incident_id, latitude, longitude, location_text, location_source, public_token_hash, exercise_id"
SQLITE_SCHEMA_ROWS = (
    f"INSERT INTO contacts_contact ({CONTACT_COLUMNS}) VALUES ('999', 'queued', 0, '', :key, NULL, '', '+447700900123', '07700900123', '', '', '', '', '', '', '{{}}', :now, NULL, NULL, NULL, NULL, '', '', '', NULL, NULL, NULL, NULL, '', '', '', NULL)",
    "INSERT INTO contacts_statuschange (contact_id, old_status, new_status, changed_at, changed_by_id, reason) VALUES (:contact, '', 'queued', :now, NULL, '')",
    "audit",
    "INSERT INTO contacts_telephonyevent (received_at, raw, status, error, line, call_id, event, occurred_at, dedupe_key, contact_id) VALUES (:now, :raw, 'applied', '', '999', :key, 'offered', :now, :key || '|offered', :contact)",
    "audit",
    "INSERT INTO core_idempotencykey (scope, key, fingerprint, method, path, created_at, status, content_type, location, body) VALUES (:hash, :key, :hash, 'POST', '/api/contacts/telephony/events', :now, 200, 'application/json', '', X'7b7d')",
)
SQLITE_AUDIT_ROW = "INSERT INTO audit_event (occurred_at, actor_id, action, subject_type, subject_id, data, ip_address, request_id, prev_hash, hash) VALUES (:now, NULL, 'contact.received', 'contacts.contact', :contact, '{\"channel\": \"999\"}', '127.0.0.1', :key, :prev, :hash)"


def sqlite_schema_rate(path: Path, seconds: float) -> float:
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        count, end = 0, time.perf_counter() + seconds
        while time.perf_counter() < end:
            key = uuid.uuid4().hex
            values = {
                "key": key,
                "now": datetime.now(UTC).isoformat(sep=" "),
                "raw": json.dumps(offered(key)),
                "contact": None,
            }
            db.execute("BEGIN IMMEDIATE")
            for statement in SQLITE_SCHEMA_ROWS:
                # Random 64-character hashes: unique where the schema says so (prev_hash).
                values["hash"] = uuid.uuid4().hex + uuid.uuid4().hex
                if statement == "audit":
                    prev = db.execute("SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1")
                    prev.fetchone()
                    values["prev"] = uuid.uuid4().hex + uuid.uuid4().hex
                    statement = SQLITE_AUDIT_ROW
                cursor = db.execute(statement, values)
                if values["contact"] is None:
                    values["contact"] = cursor.lastrowid
            db.execute("COMMIT")
            count += 1
        return count / seconds


def pgbench_rate(database_url: str, seconds: float, script: Path) -> float:
    done = subprocess.run(  # noqa: S603
        # PostgreSQL's client tools on the PATH
        ["pgbench", "-n", "-c1", "-T", str(int(seconds)), "-f", str(script), database_url],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    )
    match = re.search(r"tps = ([\d.]+)", done.stdout)
    assert match, done.stdout + done.stderr
    return float(match.group(1))


def sqlite_rate(path: Path, seconds: float) -> float:
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.executescript(TABLES.format(serial="INTEGER"))
        count, end = 0, time.perf_counter() + seconds
        while time.perf_counter() < end:
            key = uuid.uuid4().hex
            now = datetime.now(UTC).isoformat()
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "INSERT INTO bench_contact (reference, channel, status, external_id, "
                "caller_number, offered_at, message) VALUES (?, '999', 'queued', ?, ?, ?, '')",
                (f"999-{key}", key, "+447700900123", now),
            )
            db.execute(
                "INSERT INTO bench_event (received_at, raw, status, dedupe_key) "
                "VALUES (?, ?, 'applied', ?)",
                (now, json.dumps(offered(key)), key),
            )
            for action in ("contact.received", "contact.call_updated"):
                prev = db.execute("SELECT hash FROM bench_audit ORDER BY id DESC LIMIT 1")
                prev.fetchone()
                db.execute(
                    "INSERT INTO bench_audit (occurred_at, action, subject_id, data, "
                    "prev_hash, hash) VALUES (?, ?, ?, '{}', ?, ?)",
                    (now, action, key, uuid.uuid4().hex + action, uuid.uuid4().hex),
                )
            db.execute("COMMIT")
            count += 1
        return count / seconds


class Client:
    """One closed-loop client: one connection, kept alive while the server keeps it (uvicorn
    does; gunicorn's sync workers close after each answer, and the client opens another)."""

    def __init__(self, base_url: str, token: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.token = token
        self.conn: http.client.HTTPConnection | None = None

    def offered(self) -> int:
        call_id = uuid.uuid4().hex[:20]
        body = json.dumps(offered(call_id)).encode()
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {self.token}",
            "Idempotency-Key": call_id,
        }
        for attempt in range(2):  # a kept-alive connection the server closed meanwhile
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                self.conn.request("POST", EVENTS, body, headers)
                response = self.conn.getresponse()
                response.read()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
                continue
            if response.will_close:
                self.conn.close()
                self.conn = None
            return response.status
        raise AssertionError("unreachable")


def http_rate(base_url: str, token: str, seconds: float, clients: int = 1) -> float:
    """Calls answered per second by `clients` closed-loop clients over `seconds`."""
    counts = [0] * clients
    failures: list[int] = []
    start = threading.Barrier(clients + 1)
    end = [0.0]

    def run(n: int) -> None:
        client = Client(base_url, token)
        start.wait()
        while time.perf_counter() < end[0]:
            status = client.offered()
            if status != 200:
                failures.append(status)
                return
            counts[n] += 1

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    end[0] = time.perf_counter() + seconds
    start.wait()
    for t in threads:
        t.join()
    assert not failures, failures
    return sum(counts) / seconds


def open_loop(
    base_url: str, token: str, rate: float, seconds: float
) -> tuple[list[float], list[int]]:
    """Latencies (s) from each call's scheduled send time to its answer, and the statuses of
    the calls that failed (0: no answer within the client's timeout)."""
    total = int(rate * seconds)
    start = time.perf_counter() + 0.2
    latencies: list[float] = []
    failures: list[int] = []

    def send(i: int) -> None:
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        call_id = uuid.uuid4().hex[:20]
        status, _ = post_json(base_url, EVENTS, offered(call_id), token=token, key=call_id)
        latencies.append(time.perf_counter() - scheduled)
        if status != 200:
            failures.append(status)

    with ThreadPoolExecutor(max_workers=32) as pool:
        list(pool.map(send, range(total)))
    return latencies, failures


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench intake")
    parser.add_argument("--pairs", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=3.0, help="per run (pgbench: whole s)")
    parser.add_argument("--normal-rate", type=float, default=2.0, help="calls/s, open loop")
    parser.add_argument("--latency-seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=1, help="closed-loop clients at once")
    parser.add_argument(
        "--http-workers",
        type=int,
        default=0,
        help="gunicorn sync workers, as `demandhub serve --http-workers` (needs REDIS_URL); "
        "0: one uvicorn process",
    )
    parser.add_argument(
        "--reference",
        choices=["bare", "schema"],
        default="bare",
        help="the reference's rows in bare tables (bare) or the call's six rows in our own "
        "tables with their indexes (schema: pgbench into the server's PostgreSQL database, "
        "or raw sqlite3 into a copy of its SQLite file)",
    )
    parser.add_argument(
        "--engine",
        choices=["sqlite", "postgresql"],
        help="sqlite: the embedded set-up whatever DATABASE_URL says; default: DATABASE_URL's",
    )
    args = parser.parse_args(argv)
    if args.engine == "sqlite":
        os.environ.pop("DATABASE_URL", None)  # the server and the reference: SQLite files
    elif args.engine == "postgresql" and not os.getenv("DATABASE_URL", "").startswith("postgres"):
        parser.error("--engine postgresql needs DATABASE_URL=postgres://...")
    if args.http_workers and not os.getenv("REDIS_URL"):
        parser.error("--http-workers needs REDIS_URL, as `demandhub serve --http-workers` does")
    postgres = os.getenv("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    engine = "PostgreSQL (synchronous_commit on)" if postgres else "SQLite (WAL, synchronous=FULL)"
    serving = (
        f"{args.http_workers} gunicorn sync workers (WSGI)"
        if args.http_workers
        else "one uvicorn process (ASGI)"
    )
    options = (
        ("--http-workers", str(args.http_workers), "--ws-port", str(free_port()))
        if args.http_workers
        else ()
    )
    folder = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    name = f"bench_intake_{os.getpid()}"
    with running_demo_server(folder, name=name, serve_options=options) as server:
        token = issue_token(server, "contact_gateway")
        http_rate(server.base_url, token, 1.0, args.clients)  # warm up
        if postgres:
            assert server.database_url
            import psycopg

            with psycopg.connect(server.database_url, autocommit=True) as conn:
                for statement in TABLES.format(serial="bigserial").split(";"):
                    if statement.strip():
                        conn.execute(statement)  # type: ignore[call-overload]
            script = folder / "intake.sql"
            script.write_text(SCHEMA_SCRIPT if args.reference == "schema" else PGBENCH_SCRIPT)

            def reference() -> float:
                return pgbench_rate(server.database_url or "", args.seconds, script)
        else:
            raw = folder / "raw.sqlite3"
            if args.reference == "schema":
                with (
                    closing(sqlite3.connect(folder / "demandhub.sqlite3")) as source,
                    closing(sqlite3.connect(raw)) as copy,
                ):
                    source.backup(copy)

            def reference() -> float:
                if args.reference == "schema":
                    return sqlite_schema_rate(raw, args.seconds)
                return sqlite_rate(raw, args.seconds)

        ratios, ours, theirs = [], [], []
        spent = {"ours": Spent(), "ref": Spent()}
        assert server.process is not None
        for pair in range(args.pairs):
            order = ["ref", "ours"] if pair % 2 == 0 else ["ours", "ref"]
            rates = {}
            for who in order:
                with spent[who].measuring(server.process.pid if who == "ours" else None, postgres):
                    if who == "ref":
                        rates[who] = reference()
                    else:
                        rates[who] = http_rate(server.base_url, token, args.seconds, args.clients)
                spent[who].done += rates[who] * args.seconds
            ratios.append(rates["ours"] / rates["ref"])
            ours.append(rates["ours"])
            theirs.append(rates["ref"])
        normal = open_loop(server.base_url, token, args.normal_rate, args.latency_seconds)
        surge = open_loop(server.base_url, token, args.normal_rate * 10, args.latency_seconds)
    print(
        f"engine: {engine}; server: {serving}; {args.clients} client(s); reference: one "
        f"connection; {args.pairs} pairs of {args.seconds:g} s"
    )
    print(
        "our contacts/s / reference commits/s: "
        f"min {min(ratios):.3f} median {statistics.median(ratios):.3f} max {max(ratios):.3f}"
    )
    print(
        f"  (ours median {statistics.median(ours):.1f}/s, reference median "
        f"{statistics.median(theirs):.1f}/s; absolute rates move with the machine's load)"
    )
    for label, (values, failed), rate in (
        ("normal", normal, args.normal_rate),
        ("10x", surge, args.normal_rate * 10),
    ):
        print(
            f"open loop {label} ({rate:g}/s for {args.latency_seconds:g} s, {len(values)} calls, "
            f"{len(failed)} failed {sorted(set(failed))}): p50 {quantile(values, 0.5) * 1000:.1f} ms, "
            f"p99 {quantile(values, 0.99) * 1000:.1f} ms"
        )
    ratio = quantile(surge[0], 0.99) / quantile(normal[0], 0.99)
    print(f"p99 at 10x / p99 at normal: {ratio:.2f}")
    report_cpu(spent, statistics.median(theirs), postgres)


@dataclass
class Spent:
    """CPU seconds one side used over all its runs, and the contacts (or commits) it made."""

    server: float = 0.0  # our server's processes (none for the reference)
    database: float = 0.0  # the PostgreSQL cluster (0 on SQLite: it runs in the caller)
    client: float = 0.0  # whoever sends: our HTTP clients (this process), pgbench, sqlite3
    done: float = 0.0

    @contextmanager
    def measuring(self, server_pid: int | None, postgres: bool) -> Iterator[None]:
        before = self._now(server_pid, postgres)
        yield
        after = self._now(server_pid, postgres)
        self.server += after[0] - before[0]
        self.database += after[1] - before[1]
        self.client += after[2] - before[2]

    @staticmethod
    def _now(server_pid: int | None, postgres: bool) -> tuple[float, float, float]:
        children = os.times()
        return (
            _cpu.tree(server_pid) if server_pid else 0.0,
            _cpu.postgres() if postgres else 0.0,
            # This process's threads (our clients, raw sqlite3) and the pgbench it waited for.
            time.process_time() + children.children_user + children.children_system,
        )

    def per_item_ms(self) -> tuple[float, float, float, float]:
        parts = (self.server, self.database, self.client)
        return tuple(1000 * x / self.done for x in (*parts, sum(parts)))  # type: ignore[return-value]


def report_cpu(spent: dict[str, Spent], reference_rate: float, postgres: bool) -> None:
    """CPU per contact against CPU per reference commit, and what that means for cores: on
    this machine our server, the database and the clients share the same cores, so the rate
    is bound by the sum; on separate machines each part scales on its own."""
    server, database, client, total = spent["ours"].per_item_ms()
    _, ref_database, ref_client, ref_total = spent["ref"].per_item_ms()
    print(
        f"CPU per contact: server {server:.2f} ms, database {database:.2f} ms, "
        f"clients {client:.2f} ms (total {total:.2f} ms)"
    )
    print(
        f"CPU per reference commit: database {ref_database:.2f} ms, "
        f"{'pgbench' if postgres else 'sqlite3 (in the caller)'} {ref_client:.2f} ms "
        f"(total {ref_total:.2f} ms); ours / reference: {total / ref_total:.1f}x"
    )
    target = 0.5 if postgres else 0.25
    print(
        f"at {target:g} of the reference rate ({target * reference_rate:.0f}/s): "
        f"{target * reference_rate * server / 1000:.1f} cores of server, "
        f"{target * reference_rate * database / 1000:.1f} of database"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
