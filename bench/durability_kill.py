"""Hundreds of SIGKILLs mid-burst: nothing acknowledged is lost, no retry adds a contact.

A real `demandhub serve` (tests/e2e/server.py, on PostgreSQL when DATABASE_URL names one, in a
database of its own dropped at the end) takes a burst of 999 calls: sender threads POST
`offered` events to /api/contacts/telephony/events, each with its call id as Idempotency-Key,
retrying the same body with the same key until a 2xx comes back, as a telephony gateway does.
Each cycle waits for a few more acknowledgements, waits a random 0-50 ms more (so the kill
lands at varying points of a request), SIGKILLs the server and starts it again; the senders
never stop. After every cycle, read from the database behind the server's back: every call
acknowledged so far has its contact (lost = 0) and no call has two (duplicates = 0). At the
end, with the senders stopped: contacts == raw telephony events == calls acknowledged, and
`demandhub audit verify` holds the hash chain intact.

Counted: cycles, calls acknowledged, lost, duplicates, requests cut off by a kill, retries,
replays (a retry answered from the stored first answer, `Idempotent-Replayed`: the kill landed
after the commit and before the answer reached the sender), restart time (from the kill to
/healthz answering 200, polled every 50 ms) median and max, and the most PostgreSQL sessions
seen on the server's database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> .venv/bin/python -m bench durability_kill
    .venv/bin/python -m bench durability_kill --quick     # 5 cycles
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._services import connections, patient_setup, private_database  # noqa: E402
from tests.e2e.clients import Burst, issue_token  # noqa: E402
from tests.e2e.server import DemoServer, running_demo_server  # noqa: E402

GUARD = 120  # seconds: a stuck phase stops the run instead of hanging it (not a timing)
PREFIX = "K"  # call ids: K<sender>-<n> (the queries below say K% too)


@dataclass
class Result:
    cycles: int = 0
    acknowledged: int = 0
    lost: int = 0  # acknowledged, then missing from the database (worst over the checks)
    duplicates: int = 0  # calls with more than one contact (worst over the checks)
    stored: int = 0  # contacts at the end
    events: int = 0  # raw telephony events at the end
    cut_off: int = 0  # requests that got no answer (killed mid-request, or refused while down)
    retries: int = 0
    replays: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    refused: list[tuple[int, Any]] = field(default_factory=list)  # 4xx: a bug
    restarts: list[float] = field(default_factory=list)  # seconds
    max_sessions: int = 0
    audit_ok: bool = False
    audit_output: str = ""


def restart(server: DemoServer) -> float:
    """SIGKILL the server, start it again; seconds from the kill to /healthz answering 200."""
    server.kill()
    killed = time.monotonic()
    with server.log_path.open("ab") as log:
        server.process = subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
            [sys.executable, "-m", "demandhub", "serve", "--port", str(server.port)],
            env=server.env,
            cwd=server.data_dir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    while time.monotonic() < killed + GUARD:
        if server.process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(server.url("/healthz"), timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return time.monotonic() - killed
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.05)
    tail = "\n".join(server.log().splitlines()[-30:])
    raise RuntimeError(f"the server did not come back after a kill:\n{tail}")


def stored(server: DemoServer) -> dict[str, int]:
    """Contacts per call id of the burst, read from the database directly."""
    rows = server.query(
        "SELECT external_id, COUNT(*) FROM contacts_contact "
        "WHERE external_id LIKE 'K%' GROUP BY external_id"
    )
    return {str(k): int(n) for k, n in rows}


def contacts(burst: Burst) -> dict[str, int]:
    """Call id -> the contact its acknowledgement named."""
    return {call: int(answer["contact"]) for call, answer in burst.snapshot().items()}


def check(server: DemoServer, acked: dict[str, int], result: Result) -> None:
    counts = stored(server)
    result.lost = max(result.lost, sum(1 for call in acked if call not in counts))
    result.duplicates = max(result.duplicates, sum(1 for n in counts.values() if n > 1))


def run(
    *,
    cycles: int,
    acks_per_cycle: int = 5,
    senders: int = 2,
    seed: int = 1,
    progress: bool = False,
) -> Result:
    """The whole benchmark: a server of its own, `cycles` kills, the checks; its counts."""
    rng = random.Random(seed)
    label = f"kill_{os.getpid()}"
    patient_setup()
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-kill-")))
        database_url = stack.enter_context(private_database(label))
        server = stack.enter_context(
            running_demo_server(folder, name=label, env={"DATABASE_URL": database_url})
        )
        db = None
        if server.database_url:
            import psycopg

            db = stack.enter_context(psycopg.connect(server.database_url, autocommit=True))
        token = issue_token(server, "contact_gateway")
        burst = Burst(server, token, senders=senders, prefix=PREFIX, digits=6, guard=GUARD)
        result = Result()
        began = time.monotonic()
        with burst.running():
            for cycle in range(1, cycles + 1):
                burst.wait_for(cycle * acks_per_cycle)
                time.sleep(rng.uniform(0, 0.05))
                if db is not None:
                    result.max_sessions = max(result.max_sessions, connections(db) - 1)
                result.restarts.append(restart(server))
                check(server, contacts(burst), result)
                result.cycles = cycle
                if progress and (cycle % 20 == 0 or cycle == cycles):
                    print(
                        f"  cycle {cycle}: {len(burst.acked)} acknowledged, lost {result.lost}, "
                        f"duplicates {result.duplicates}, {time.monotonic() - began:.0f} s",
                        flush=True,
                    )
            burst.wait_for((cycles + 1) * acks_per_cycle)
        if burst.crashed:
            raise RuntimeError(f"a sender crashed: {burst.crashed}")
        result.statuses = Counter(burst.answers)
        result.cut_off = result.statuses[0]
        result.retries, result.replays = burst.retries, burst.replays
        result.refused = list(burst.refused)
        acked = contacts(burst)
        check(server, acked, result)
        counts = stored(server)
        result.acknowledged = len(acked)
        result.stored = sum(counts.values())
        result.events = int(
            server.query("SELECT COUNT(*) FROM contacts_telephonyevent WHERE call_id LIKE 'K%'")[0][
                0
            ]
        )
        # The senders retry until acknowledged, so every call sent is acknowledged: anything
        # stored that no answer named would be a contact made twice under two answers.
        result.duplicates = max(result.duplicates, len(set(counts) - set(acked)))
        if len(set(acked.values())) != len(acked):
            result.duplicates = max(result.duplicates, len(acked) - len(set(acked.values())))
        verified = server.demandhub("audit", "verify")
        result.audit_ok = verified.returncode == 0
        said = (verified.stdout + verified.stderr).strip().splitlines()
        result.audit_output = said[-1] if said else ""
        if db is not None:
            db.close()
    return result


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench durability_kill")
    parser.add_argument("--cycles", type=int, default=200, help="kills (default 200)")
    parser.add_argument("--quick", action="store_true", help="5 cycles")
    parser.add_argument("--acks-per-cycle", type=int, default=5, help="between two kills")
    parser.add_argument("--senders", type=int, default=2, help="sender threads")
    parser.add_argument("--seed", type=int, default=1, help="for the kill delays")
    args = parser.parse_args(argv)
    cycles = 5 if args.quick else args.cycles
    engine = "PostgreSQL" if os.getenv("DATABASE_URL", "").startswith("postgres") else "SQLite"
    print(
        f"engine: {engine}; {cycles} SIGKILL cycles, {args.acks_per_cycle} acknowledgements "
        f"between kills, {args.senders} senders",
        flush=True,
    )
    began = time.monotonic()
    result = run(
        cycles=cycles,
        acks_per_cycle=args.acks_per_cycle,
        senders=args.senders,
        seed=args.seed,
        progress=True,
    )
    restarts = result.restarts
    print(f"cycles: {result.cycles} in {time.monotonic() - began:.0f} s")
    print(
        f"calls acknowledged: {result.acknowledged}; contacts stored: {result.stored}; "
        f"raw telephony events: {result.events}"
    )
    print(f"lost: {result.lost} (must be 0); duplicates: {result.duplicates} (must be 0)")
    print(
        "attempts unanswered (cut off by a kill, or refused while down): "
        f"{result.cut_off}; retries: {result.retries}; "
        f"replayed from the stored answer: {result.replays}"
    )
    print(f"answers by status: {dict(sorted(result.statuses.items()))}")
    print(
        f"restart (kill to /healthz 200): median {statistics.median(restarts):.2f} s, "
        f"min {min(restarts):.2f} s, max {max(restarts):.2f} s"
    )
    if result.max_sessions:
        print(f"most PostgreSQL sessions of the server seen at a kill: {result.max_sessions}")
    print(f"audit verify: {'ok' if result.audit_ok else 'FAILED'} ({result.audit_output})")
    if result.lost or result.duplicates or result.refused or not result.audit_ok:
        raise SystemExit("durability_kill: FAILED")


if __name__ == "__main__":
    main(sys.argv[1:])
