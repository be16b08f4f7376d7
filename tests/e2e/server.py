"""The real Demand Hub server as a subprocess, set up by `demandhub demo`, for end-to-end tests.

Each server gets its own data folder and, when the run uses PostgreSQL, its own database, so
pytest-xdist workers never share state. The e2e and browser folders share one server per
worker (shared_demo_server); tests that damage their server start their own (running_demo_server).
"""

import hashlib
import os
import re
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
from django_otp.oath import TOTP
from psycopg import sql

START_TIMEOUT = 180  # seconds for /healthz to answer once started (a loaded 2-core machine is slow)
COMMAND_TIMEOUT = 300  # seconds for a `demandhub` command; a guard against hangs, not a timing

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
    # More options for `demandhub serve`, e.g. ("--http-workers", "2", "--ws-port", "8001").
    serve_options: tuple[str, ...] = ()

    @property
    def port(self) -> int:
        return int(urlsplit(self.base_url).port or 0)

    def start(self, command: str = "serve") -> None:
        """Start `demandhub serve` (or `demo`) again and wait until /healthz answers 200."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "demandhub",
                    command,
                    "--port",
                    str(self.port),
                    *(self.serve_options if command == "serve" else ()),
                ],
                env=self.env,
                cwd=self.data_dir,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait_until_healthy(self)

    def kill(self) -> None:
        """SIGKILL: the process dies mid-request, with no chance to tidy up (a power cut)."""
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    @contextmanager
    def another_node(self, name: str) -> Iterator["DemoServer"]:
        """A second server process on its own port, sharing this one's database, data folder
        and Redis prefix: another node of the same deployment."""
        node = DemoServer(
            base_url=f"http://127.0.0.1:{free_port()}",
            data_dir=self.data_dir,
            env=self.env,
            database_url=self.database_url,
            log_path=self.data_dir / f"server-{name}.log",
        )
        node.start()
        SERVERS[node.base_url] = node  # sign-in helpers find the authenticators by URL
        try:
            yield node
        finally:
            SERVERS.pop(node.base_url, None)
            assert node.process is not None
            _stop(node.process)

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

    def totp_code(self, username: str) -> str:
        """The code `username`'s authenticator shows, as the demo enrolled it (in this server's
        database). A code is accepted once, so this gives the next step not yet used, waiting
        for the clock when the steps the server accepts now are all spent."""
        assert re.fullmatch(r"\w+", username), username  # our own demo usernames only
        rows = self.query(
            "SELECT d.key, d.step, d.t0, d.digits, d.drift, d.last_t "  # noqa: S608
            "FROM otp_totp_totpdevice d JOIN accounts_user u ON u.id = d.user_id "
            f"WHERE u.username = '{username}' AND d.confirmed"
        )
        assert rows, f"{username} has no authenticator enrolled on {self.base_url}"
        key, step, t0, digits, drift, last_t = rows[0]
        totp = TOTP(bytes.fromhex(key), step, t0, digits, drift)
        while True:
            now_t = totp.t() - drift  # the step of the server's clock, before drift
            # The server accepts now_t + drift ± 1 (tolerance 1), above the last step used.
            # Not the step before now, even when unused: on a loaded machine the clock can pass
            # the next step boundary before the server checks the code, and it is refused.
            t = max(now_t + drift, last_t + 1)
            if t <= now_t + drift + 1:
                break
            time.sleep(1)
        totp.time = t0 + t * step
        totp.drift = 0
        return f"{totp.token():0{digits}d}"

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


def _identifier(text: str) -> str:
    """`text` cut to PostgreSQL's 63-character limit, kept unique by a hash of the whole."""
    if len(text) <= 63:
        return text
    return f"{text[:54]}_{hashlib.sha256(text.encode()).hexdigest()[:8]}"


@contextmanager
def running_demo_server(
    data_dir: Path,
    *,
    name: str,
    living: bool = False,
    env: dict[str, str] | None = None,
    serve_options: tuple[str, ...] = (),
) -> Iterator[DemoServer]:
    """`demandhub demo --no-serve` then `demandhub serve` on a free port, until the block ends.

    living=True runs `demandhub demo` itself, as a newcomer does: living demand and simulated
    staff and units in the background.

    `name` (unique within the test run, e.g. "e2e_gw0_shared") names the PostgreSQL database
    and the Redis channel prefix, so servers started by parallel workers never meet. `env`
    adds or overrides settings (DATABASE_URL for a private PostgreSQL, REDIS_URL ...);
    `serve_options` are passed on to `demandhub serve` (--http-workers N needs REDIS_URL).
    """
    port = free_port()
    pg_url = _postgres_url()
    database_url = None
    # The suite's own database name keeps two test runs on one PostgreSQL (two checkouts, or
    # DATABASE_URL=.../a and .../b) from dropping each other's server databases.
    run = urlsplit(pg_url).path.strip("/") if pg_url else "sqlite"
    label = _identifier(f"demandhub_{run}_{name}")
    extra = {"REDIS_PREFIX": label, **(env or {})}
    if "DATABASE_URL" in extra:  # a private database the caller made and will remove
        database_url = extra["DATABASE_URL"] or None
        if database_url is None:
            del extra["DATABASE_URL"]  # "" means SQLite in the data folder
        pg_url = None
    elif pg_url:
        database = label
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
        serve_options=serve_options,
    )
    try:
        if not living:
            setup = server.demandhub("demo", "--no-serve", "--port", str(port))
            assert setup.returncode == 0, f"demandhub demo failed:\n{setup.stdout}\n{setup.stderr}"
        try:
            server.start("demo" if living else "serve")
            SERVERS[server.base_url] = server
            yield server
        finally:
            SERVERS.pop(server.base_url, None)
            if server.process is not None:
                _stop(server.process)
    finally:
        if pg_url:
            _on_maintenance_db(pg_url, drop)


# Every running server by its base URL, so sign-in helpers given only a page or a client
# (tests/browser/staff.py, tests/e2e/web.py) can find the authenticator the demo enrolled.
SERVERS: dict[str, DemoServer] = {}


def serving(base_url: str) -> DemoServer:
    assert base_url in SERVERS, f"no demo server of this test run answers at {base_url}"
    return SERVERS[base_url]


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
