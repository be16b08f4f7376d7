"""A 999 call's CPU in process, with no HTTP server in the way.

Django's test client posts `offered` events with an Idempotency-Key to
/api/contacts/telephony/events of a demo database (SQLite, or DATABASE_URL's PostgreSQL), as
`bench intake` does over HTTP; reported: this process's CPU per call (all its threads: the
view's, and the channel layer's event loop) and, on PostgreSQL, the cluster's. Each round runs
in a fresh process. With --compare CHECKOUT, rounds alternate this code and CHECKOUT's
demandhub package (imported from there, with the same interpreter, packages and database:
the demo set up by this code), and the per-round ratios
this ÷ that are printed: a change's effect on a call's CPU, measured in the same minutes.

    .venv/bin/python -m bench intake_cpu [--calls 1000] [--rounds 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python -m bench \\
        intake_cpu --compare /path/to/a/checkout/of/main
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import _cpu  # noqa: E402

EVENTS = "/api/contacts/telephony/events"


def child(calls: int, token: str, code: str) -> None:
    """In a process of its own (Django set up from the environment): time `calls` calls of
    the demandhub package found in `code` (a checkout; "" for this one)."""
    if code:  # ahead of this checkout, which `-m` and the editable install put on the path
        sys.path.insert(0, code)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demandhub.config.settings")
    import django

    django.setup()
    from django.test import Client

    from tests.e2e.clients import offered

    client = Client(HTTP_HOST="127.0.0.1")
    postgres = os.getenv("DATABASE_URL", "").startswith("postgres")

    def call() -> None:
        call_id = uuid.uuid4().hex[:20]
        response = client.post(
            EVENTS,
            json.dumps(offered(call_id)),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": call_id},
        )
        assert response.status_code == 200, response.content

    for _ in range(min(100, calls)):  # warm up: imports, prepared statements, caches
        call()
    database = _cpu.postgres() if postgres else 0.0
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(calls):
        call()
    print(
        json.dumps(
            {
                "cpu_ms": 1000 * (time.process_time() - cpu) / calls,
                "wall_ms": 1000 * (time.perf_counter() - wall) / calls,
                "database_ms": 1000 * (_cpu.postgres() - database) / calls if postgres else 0.0,
            }
        )
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench intake_cpu")
    parser.add_argument("--calls", type=int, default=1000, help="per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compare", type=Path, help="a checkout to alternate with")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--code", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.token, args.code)
        return
    from tests.e2e.clients import issue_token
    from tests.e2e.server import running_demo_server

    sides = [("this", "")] + ([("compare", str(args.compare.resolve()))] if args.compare else [])
    folder = Path(tempfile.mkdtemp(prefix="bench-intake-cpu-"))
    results: dict[str, list[dict[str, float]]] = {name: [] for name, _ in sides}
    # The server is only the demo's set-up and a token's issuer here; it idles throughout.
    with running_demo_server(folder, name=f"bench_intake_cpu_{os.getpid()}") as server:
        token = issue_token(server, "contact_gateway")
        for round_ in range(args.rounds):
            for name, path in sides if round_ % 2 == 0 else sides[::-1]:
                command = [sys.executable, "-m", "bench.intake_cpu", "--child", str(args.calls)]
                done = subprocess.run(  # noqa: S603 (our own interpreter and module)
                    [*command, "--token", token, "--code", path],
                    env=server.env,
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                results[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
                print(f"round {round_ + 1} {name}: {results[name][-1]}", flush=True)
    engine = "PostgreSQL" if server.database_url else "SQLite"
    print(f"engine: {engine}; {args.calls} calls a round, {args.rounds} rounds")
    for name, _ in sides:
        cpu = [r["cpu_ms"] for r in results[name]]
        database = [r["database_ms"] for r in results[name]]
        print(
            f"{name}: CPU per call median {statistics.median(cpu):.2f} ms (min {min(cpu):.2f}), "
            f"database median {statistics.median(database):.2f} ms"
        )
    if args.compare:
        ratios = [
            a["cpu_ms"] / b["cpu_ms"]
            for a, b in zip(results["this"], results["compare"], strict=True)
        ]
        print(
            "CPU per call, this / compare, per round: "
            f"min {min(ratios):.2f} median {statistics.median(ratios):.2f} max {max(ratios):.2f}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
