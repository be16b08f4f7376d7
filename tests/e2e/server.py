"""The real Demand Hub server as a subprocess, set up by `demandhub demo`, for end-to-end tests.

Each server gets its own data folder and, when the run uses PostgreSQL, its own database, so
pytest-xdist workers never share state. The e2e and browser folders share one server per
worker (shared_demo_server); tests that damage their server start their own (running_demo_server).
"""

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import sql

START_TIMEOUT = 90  # seconds for /healthz to answer once started (a loaded 2-core machine is slow)
COMMAND_TIMEOUT = 120  # seconds for a `demandhub` command; a guard against hangs, not a timing

# Settings the test run may carry that must not reach the server: it uses its real settings,
# its own data folder and database, and the key `demandhub demo` generates there.
NOT_PASSED_ON = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "DEMANDHUB_DATA_DIR",
    "DEMANDHUB_TEST_DATABASE_NAME",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_COOKIES",
)


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The test run's environment minus its Django settings, pointed at `data_dir`."""
    env = {k: v for k, v in os.environ.items() if k not in NOT_PASSED_ON}
    env["DEMANDHUB_DATA_DIR"] = str(data_dir)
    env.update(extra)
    return env


def demandhub(
    *args: str, env: dict[str, str], timeout: float = COMMAND_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    """Run `python -m demandhub <args>` to completion, as an operator would."""
    return subprocess.run(  # noqa: S603  (our own interpreter and arguments)
        [sys.executable, "-m", "demandhub", *args],
        env=env,
        cwd=env["DEMANDHUB_DATA_DIR"],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _postgres_url() -> str | None:
    url = os.getenv("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _with_database(url: str, name: str) -> str:
    return urlsplit(url)._replace(path=f"/{name}").geturl()


def _on_maintenance_db(url: str, statement: sql.Composable) -> None:
    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(statement)


@dataclass
class DemoServer:
    base_url: str
    data_dir: Path
    env: dict[str, str]
    database_url: str | None  # None: the SQLite file in the data folder
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def url(self, path: str) -> str:
        return self.base_url + path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def demandhub(self, *args: str) -> subprocess.CompletedProcess[str]:
        """A `demandhub` command against this server's data folder and database."""
        return demandhub(*args, env=self.env)

    def query(self, statement: str) -> list[tuple[Any, ...]]:
        """Read this server's database directly, behind the application's back."""
        if self.database_url:
            with psycopg.connect(self.database_url) as conn:
                return conn.execute(statement).fetchall()  # type: ignore[arg-type]
        with closing(sqlite3.connect(self.data_dir / "demandhub.sqlite3")) as conn:
            return conn.execute(statement).fetchall()

    def execute(self, *statements: str) -> None:
        """Run `statements` in one transaction on this server's database, as an intruder would."""
        if self.database_url:
            with psycopg.connect(self.database_url) as conn:
                for statement in statements:
                    conn.execute(statement)  # type: ignore[arg-type]
            return
        with closing(sqlite3.connect(self.data_dir / "demandhub.sqlite3")) as conn, conn:
            for statement in statements:
                conn.execute(statement)


def _wait_until_healthy(server: DemoServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert server.process is not None
        if server.process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(server.url("/healthz"), timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    tail = "\n".join(server.log().splitlines()[-40:])
    pytest.fail(f"the demo server at {server.base_url} never answered /healthz:\n{tail}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running_demo_server(data_dir: Path, *, name: str) -> Iterator[DemoServer]:
    """`demandhub demo --no-serve` then `demandhub serve` on a free port, until the block ends.

    `name` (unique within the test run, e.g. "e2e_gw0_shared") names the PostgreSQL database
    and the Redis channel prefix, so servers started by parallel workers never meet.
    """
    port = free_port()
    pg_url = _postgres_url()
    database_url = None
    extra = {"REDIS_PREFIX": f"demandhub_{name}"}
    if pg_url:
        database = f"demandhub_{name}"
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
        _on_maintenance_db(pg_url, drop)
        _on_maintenance_db(pg_url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        database_url = extra["DATABASE_URL"] = _with_database(pg_url, database)
    server = DemoServer(
        base_url=f"http://127.0.0.1:{port}",
        data_dir=data_dir,
        env=server_env(data_dir, **extra),
        database_url=database_url,
        log_path=data_dir / "server.log",
    )
    try:
        setup = server.demandhub("demo", "--no-serve", "--port", str(port))
        assert setup.returncode == 0, f"demandhub demo failed:\n{setup.stdout}\n{setup.stderr}"
        with server.log_path.open("wb") as log:
            server.process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "demandhub", "serve", "--port", str(port)],
                env=server.env,
                cwd=data_dir,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_until_healthy(server)
            yield server
        finally:
            _stop(server.process)
    finally:
        if pg_url:
            _on_maintenance_db(pg_url, drop)


_SHARED = pytest.StashKey[DemoServer]()


def shared_demo_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> DemoServer:
    """One server per test process, shared by every folder that asks, stopped when the run ends.

    A fixture can only be shared between folders by a conftest above them both; this keeps the
    e2e and browser folders self-contained and still starts the server once per worker.
    """
    config = request.config
    if (server := config.stash.get(_SHARED, None)) is None:
        stack = ExitStack()
        config.add_cleanup(stack.close)
        server = stack.enter_context(
            running_demo_server(
                tmp_path_factory.mktemp("demo-server"), name=f"e2e_{os.getpid()}_{worker_id}"
            )
        )
        config.stash[_SHARED] = server
    return server
