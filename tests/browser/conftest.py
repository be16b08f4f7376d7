"""Fixtures for browser tests: Debian's Chromium driven by Playwright against the real server.

Never downloads a browser: Playwright launches /usr/bin/chromium. Screenshots go to
test-artifacts/screenshots/: one per key step, and a full page whenever a test fails.
"""

import os
import re
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.e2e.server import DemoServer, shared_demo_server

expect.set_options(timeout=15_000)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

Screenshot = Callable[[Page, str], Path]
NewPage = Callable[[], Page]


REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item, so fixtures can tell at teardown if the test failed."""
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


@pytest.fixture
def _roles() -> None:
    """These tests talk to their server's own database, never to the test database."""


@pytest.fixture(scope="session")
def demo_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> DemoServer:
    """The demo control room on 127.0.0.1, seeded, one per test process (see tests/e2e)."""
    return shared_demo_server(request, tmp_path_factory, worker_id)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"Chromium not installed at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)  # CI must run the browser tests, never quietly skip them
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshots_dir(request: pytest.FixtureRequest) -> Path:
    path = request.config.rootpath / "test-artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _file_name(request: pytest.FixtureRequest) -> str:
    return re.sub(r"[^\w.-]", "_", request.node.name)


@pytest.fixture
def new_page(
    request: pytest.FixtureRequest, browser: Browser, demo_server: DemoServer, screenshots_dir: Path
) -> Iterator[NewPage]:
    """Opens pages, each in its own browser context (its own cookies: one member of staff).

    If the test fails (expectedly or not), each page is saved in full as <test name>.png,
    then <test name>-2.png and so on.
    """
    contexts: list[BrowserContext] = []

    def open_page() -> Page:
        context = browser.new_context(
            base_url=demo_server.base_url, viewport={"width": 1280, "height": 800}
        )
        # Generous waits: CI shares two cores with the server under test. Expectations still
        # pass the moment the page is right; only a broken page waits this long.
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield open_page

    report = request.node.stash.get(REPORTS, {}).get("call")
    failed = report is not None and (report.failed or hasattr(report, "wasxfail"))
    for number, context in enumerate(contexts, start=1):
        if failed:
            suffix = "" if number == 1 else f"-{number}"
            path = screenshots_dir / f"{_file_name(request)}{suffix}.png"
            context.pages[0].screenshot(path=path, full_page=True)
        context.close()


@pytest.fixture
def page(new_page: NewPage) -> Page:
    return new_page()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest, screenshots_dir: Path) -> Screenshot:
    """Saves a key step in full as <test name>-<step>.png, for people to look at."""

    def save(page: Page, step: str) -> Path:
        path = screenshots_dir / f"{_file_name(request)}-{step}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return save
