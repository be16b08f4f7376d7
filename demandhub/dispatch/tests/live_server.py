"""A real `demandhub serve` on a throwaway SQLite database, and signed-in Chromium pages.

Local to dispatch until the shared end-to-end fixtures land in tests/browser; the browser test
uses only `server` (base URL, `manage()` for set-up in the server's database) and `signed_in`.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path("test-artifacts/screenshots")
PASSWORD = "demandhub-demo"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir, self.port = data_dir, port
        self.url = f"http://127.0.0.1:{port}"
        self.env = {
            k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")
        } | {"DEMANDHUB_DATA_DIR": str(data_dir)}
        # The server runs with the production settings, not the test suite's.
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.process: subprocess.Popen[bytes] | None = None

    def manage(self, *args: str) -> str:
        """Run a demandhub command against the server's database."""
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "demandhub", *args],
            env=self.env,
            capture_output=True,
            check=True,
            timeout=120,
        )
        return done.stdout.decode()

    def start(self) -> None:
        log = (self.data_dir / "server.log").open("wb")
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "demandhub", "serve", "--port", str(self.port)],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1):  # noqa: S310
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError((self.data_dir / "server.log").read_text())

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    live = Server(tmp_path, _free_port())
    live.manage("demo", "--no-serve")
    yield live
    live.stop()


@pytest.fixture
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def sign_in(browser: object, server: Server, username: str, **context: object) -> object:
    page = browser.new_context(**context).new_page()  # type: ignore[attr-defined]
    page.goto(f"{server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/")
    return page


def screenshot(page: object, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path
