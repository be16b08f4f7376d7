"""`demandhub serve`: run the ASGI server (HTTP and websockets in one process); or, with
--http-workers N, HTTP on N gunicorn sync workers (WSGI) and websockets on uvicorn beside it,
on a port of its own, for a proxy to split by location (docs/operations.md, "Nodes")."""

import os
import signal
import subprocess
import sys
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demandhub.core.checks import development_key_in_production

WS_ENV = {"CONN_MAX_AGE": "0"}


def http_env() -> dict[str, str]:
    """A sync worker serves one request at a time on one thread, so a persistent connection
    per process is safe and saves a connection set-up per request (3.3x the requests/s in
    bench/serving.py). An operator's own CONN_MAX_AGE wins."""
    return {"CONN_MAX_AGE": os.getenv("CONN_MAX_AGE") or "60"}


def gunicorn_command(*, host: str, port: int, workers: int) -> list[str]:
    """HTTP over WSGI: `workers` sync processes, each one request at a time."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "demandhub.config.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--access-logfile",
        "-",
    ]


def uvicorn_command(*, host: str, port: int, workers: int) -> list[str]:
    """The ASGI application, for its websockets (/ws/)."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "demandhub.config.asgi:application",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--lifespan",
        "off",
        "--proxy-headers",
    ]


def run_together(commands: list[tuple[list[str], dict[str, str]]]) -> int:
    """Start every command, each with its environment overrides; when one ends, or
    SIGTERM/SIGINT arrives, stop the others. 0 when told to stop; otherwise the exit code of
    the first to end."""
    processes = [
        subprocess.Popen(command, env={**os.environ, **env})  # noqa: S603
        for command, env in commands
    ]

    told_to_stop = []

    def stop(signum: int, frame: object) -> None:
        if signum:
            told_to_stop.append(signum)
        for process in processes:
            process.terminate()

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        while True:
            for process in processes:
                try:
                    code = process.wait(timeout=0.5)
                except subprocess.TimeoutExpired:
                    continue
                stop(0, None)
                for other in processes:
                    try:
                        other.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        other.kill()
                        other.wait()
                return 0 if told_to_stop else code
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


class Command(BaseCommand):
    help = "Serve Demand Hub over ASGI with uvicorn (HTTP and websockets)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="processes; more than one needs REDIS_URL so websockets reach every process",
        )
        parser.add_argument(
            "--http-workers",
            type=int,
            default=0,
            help=(
                "serve HTTP on --port with this many gunicorn sync workers (WSGI) and the "
                "websockets (/ws/) on --ws-port with uvicorn; needs REDIS_URL and a proxy "
                "sending /ws/ to --ws-port. 0 (the default): uvicorn serves both on --port"
            ),
        )
        parser.add_argument(
            "--ws-port", type=int, default=None, help="with --http-workers; default --port + 1"
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        workers: int,
        http_workers: int,
        ws_port: int | None,
        **options: Any,
    ) -> None:
        if error := development_key_in_production():
            raise CommandError(f"{error.msg} {error.hint}")
        if http_workers:
            if not settings.REDIS_URL:
                raise CommandError(
                    "--http-workers needs REDIS_URL: notices written by the HTTP workers must "
                    "reach the websockets held by the uvicorn process."
                )
            ws_port = ws_port or port + 1
            code = run_together(
                [
                    (gunicorn_command(host=host, port=port, workers=http_workers), http_env()),
                    # Persistent connections pile up under ASGI (a thread per request's sync
                    # code); the websockets' few queries open and close their own.
                    (uvicorn_command(host=host, port=ws_port, workers=workers), WS_ENV),
                ]
            )
            if code:
                raise CommandError(f"a server process stopped with exit code {code}")
            return
        uvicorn.run(
            "demandhub.config.asgi:application",
            host=host,
            port=port,
            workers=workers,
            lifespan="off",
            proxy_headers=True,
            log_level="info",
        )
