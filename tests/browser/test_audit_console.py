"""The audit trail console: live while it is open, and able to verify the chain."""

import os

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.server import DemoServer

from .conftest import NewPage, Screenshot
from .staff import sign_in

pytestmark = pytest.mark.browser

# Longer than redis-py's default socket timeout (5 s), the quietest a console should survive.
IDLE_MS = 7_000


def open_audit_trail_as_supervisor(page: Page) -> None:
    sign_in(page, "supervisor")
    page.goto("/audit/")
    expect(page.locator(".live-state")).to_have_text("live")
    expect(page.locator("#events tbody tr").first).to_contain_text("supervisor")


def test_a_supervisor_sees_a_sign_in_appear_live_and_the_chain_intact(
    page: Page, new_page: NewPage, screenshot: Screenshot
):
    open_audit_trail_as_supervisor(page)
    page.evaluate("window.stillTheSamePage = true")
    screenshot(page, "live")

    sign_in(new_page(), "administrator")

    # Both steps appear: the password (Signed in), then the code (Second factor given).
    newest = page.locator("#events tbody tr").first
    expect(newest).to_contain_text("administrator", timeout=5_000)
    expect(newest).to_contain_text("Second factor given at sign-in")
    signed_in = page.locator("#events tbody tr", has_text="Signed in").first
    expect(signed_in).to_contain_text("administrator")
    assert page.evaluate("window.stillTheSamePage === true"), "the console was reloaded"
    screenshot(page, "new-row")

    page.get_by_role("button", name="Verify the chain now").click()

    expect(page.locator("#chain")).to_contain_text("Intact")
    screenshot(page, "verified")


def test_the_live_indicator_still_reads_live_after_an_update(page: Page, new_page: NewPage):
    open_audit_trail_as_supervisor(page)
    page.evaluate(
        "document.body.addEventListener('htmx:afterSwap', () => {"
        "  window.indicatorAfterSwap = document.querySelector('.live-state').textContent; })"
    )

    sign_in(new_page(), "administrator")

    expect(page.locator("#events tbody tr").first).to_contain_text("administrator")
    assert page.evaluate("window.indicatorAfterSwap") == "live"


@pytest.mark.skipif(
    not os.getenv("REDIS_URL"), reason="only the Redis channel layer times out: set REDIS_URL"
)
def test_an_idle_live_console_keeps_its_socket_open(page: Page, demo_server: DemoServer):
    page.add_init_script(
        "window.connects = 0;"
        "document.addEventListener('live:connected', () => window.connects++, true);"
    )
    open_audit_trail_as_supervisor(page)

    page.wait_for_timeout(IDLE_MS)

    assert page.evaluate("window.connects") == 1
    assert "Exception in ASGI application" not in demo_server.log()
