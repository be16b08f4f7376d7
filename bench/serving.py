"""Django's HTTP through ASGI (uvicorn, as `demandhub serve` runs it) against a pool of WSGI
workers (gunicorn sync workers), same app, same database, same requests.

A: `demandhub serve` (uvicorn, one process, demandhub/config/asgi.py: HTTP on a pool of
   threads, each keeping its database connection, core/asgi_http.py), CONN_MAX_AGE 60.
B: `gunicorn demandhub.config.wsgi:application --workers N` (sync workers, N = cores unless
   --wsgi-workers says otherwise), started in the same data folder with the same environment:
   same settings, same database, same Redis; CONN_MAX_AGE 60 too unless --wsgi-conn-max-age.
Both run side by side; only one is loaded at a time. The load comes from wrk (Debian's `wrk`)
in its own process: --connections open connections for --seconds, closed loop.

Requests: GET /healthz (a database query and a channel-layer round trip, no session) and
GET /api/accounts/me with a Bearer token (the token looked up, the user loaded, JSON out).

For each request, pairs run A B, B A, ... (who goes first alternates); reported: min, median
and max of the per-pair ratios B/A of requests per second, and the medians over the pairs of
each side's requests/s and wrk's p50/p99 latency, and how many answers were not 2xx (a 503
from /healthz when the database refused a connection, say: a shared server's limit).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> REDIS_URL=redis://127.0.0.1:6379/<n> \\
        .venv/bin/python -m bench serving
    .venv/bin/python -m bench serving -- --wsgi-workers 1   # one worker against one process
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.clients import issue_token  # noqa: E402
from tests.e2e.server import (  # noqa: E402
    DemoServer,
    _stop,
    _wait_until_healthy,
    free_port,
    running_demo_server,
)

ME = "/api/accounts/me"
UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


@contextmanager
def gunicorn_beside(server: DemoServer, workers: int, conn_max_age: int) -> Iterator[DemoServer]:
    """gunicorn's sync workers on a free port, in `server`'s data folder with its environment:
    the same application over WSGI."""
    node = DemoServer(
        base_url=f"http://127.0.0.1:{free_port()}",
        data_dir=server.data_dir,
        env={**server.env, "CONN_MAX_AGE": str(conn_max_age)},
        database_url=server.database_url,
        log_path=server.data_dir / "gunicorn.log",
    )
    with node.log_path.open("ab") as log:
        node.process = subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "demandhub.config.wsgi:application",
                "--bind",
                f"127.0.0.1:{node.port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
            ],
            env=node.env,
            cwd=node.data_dir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(node)
        yield node
    finally:
        _stop(node.process)


def _seconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    assert match, text
    return float(match.group(1)) * UNITS[match.group(2)]


def wrk(
    url: str, *, seconds: float, connections: int, token: str
) -> tuple[float, float, float, int]:
    """(requests/s, p50 s, p99 s, answers not 2xx or 3xx) of wrk against `url`; fails on
    socket errors (refused, reset, timed out)."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency"]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    done = subprocess.run(  # noqa: S603
        [*command, url],
        capture_output=True,
        text=True,
        check=True,
    )
    out = done.stdout
    assert "Socket errors" not in out, out
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE)
    assert rate, out
    assert p50, out
    assert p99, out
    return (
        float(rate.group(1)),
        _seconds(p50.group(1)),
        _seconds(p99.group(1)),
        int(failed.group(1)) if failed else 0,
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench serving")
    parser.add_argument("--pairs", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=3.0, help="per run")
    parser.add_argument("--connections", type=int, default=8, help="wrk's open connections")
    parser.add_argument("--wsgi-workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--wsgi-conn-max-age",
        type=int,
        default=60,
        help="CONN_MAX_AGE for gunicorn (0: a connection per request; ASGI runs the default, 60)",
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("serving needs wrk on the PATH (Debian: apt-get install wrk)")
    postgres = os.getenv("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    folder = Path(tempfile.mkdtemp(prefix="bench-serving-"))
    results = {}
    with (
        running_demo_server(folder, name=f"bench_serving_{os.getpid()}") as asgi,
        gunicorn_beside(asgi, args.wsgi_workers, args.wsgi_conn_max_age) as wsgi,
    ):
        token = issue_token(asgi, "contact_gateway")
        for path, auth in (("/healthz", ""), (ME, token)):
            servers = {"asgi": asgi, "wsgi": wsgi}
            for server in servers.values():  # warm up: connections, imports, caches
                wrk(server.url(path), seconds=1, connections=args.connections, token=auth)
            runs: dict[str, list[tuple[float, float, float, int]]] = {"asgi": [], "wsgi": []}
            for pair in range(args.pairs):
                for who in ("asgi", "wsgi") if pair % 2 == 0 else ("wsgi", "asgi"):
                    url = servers[who].url(path)
                    runs[who].append(
                        wrk(url, seconds=args.seconds, connections=args.connections, token=auth)
                    )
            results[path] = runs
    print(
        f"database: {'PostgreSQL' if postgres else 'SQLite'}; {os.cpu_count()} cores; "
        "A: uvicorn (ASGI), 1 process, CONN_MAX_AGE 60; B: gunicorn (WSGI), "
        f"{args.wsgi_workers} sync workers, CONN_MAX_AGE {args.wsgi_conn_max_age}; "
        f"wrk -c{args.connections}, {args.pairs} pairs of {args.seconds:g} s"
    )
    for path, runs in results.items():
        ratios = [b[0] / a[0] for a, b in zip(runs["asgi"], runs["wsgi"], strict=True)]
        print(
            f"GET {path}: WSGI req/s / ASGI req/s: min {min(ratios):.2f} "
            f"median {statistics.median(ratios):.2f} max {max(ratios):.2f}"
        )
        for who, label in (("asgi", "ASGI"), ("wsgi", "WSGI")):
            rate, p50, p99 = (statistics.median(r[i] for r in runs[who]) for i in range(3))
            print(
                f"  {label}: median {rate:.0f} req/s, p50 {p50 * 1000:.1f} ms, "
                f"p99 {p99 * 1000:.1f} ms (medians over the pairs); "
                f"{sum(r[3] for r in runs[who])} answers not 2xx"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
