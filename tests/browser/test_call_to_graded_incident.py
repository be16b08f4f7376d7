"""Issue 3's story in Chromium: a 999 call becomes a graded incident awaiting deployment.

A call handler takes the offered 999 call, sets the location as a British National Grid
reference, raises the incident, completes THRIVE+, sees the proposed grade with its reason,
accepts it, and the incident shows as awaiting deployment with its attendance deadline.
"""

import json
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, expect

from demandhub.incidents import grading
from tests.e2e.server import DemoServer, running_demo_server

from .conftest import Screenshot
from .staff import sign_in

pytestmark = pytest.mark.browser

GRID_REFERENCE = "TL 45000 58000"  # central Cambridge, in the demo force's urban area


@pytest.fixture
def call_server(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[DemoServer]:
    """A server of this test's own, so its 999 call is the only one in the queue."""
    name = f"e2e_{os.getpid()}_{worker_id}_call"
    with running_demo_server(tmp_path_factory.mktemp("call-server"), name=name) as server:
        yield server


def offer_999_call(browser: Browser, server: DemoServer) -> None:
    issued = server.demandhub("token", "issue", "--user", "contact_gateway", "--name", "test")
    token = re.search(r"dh_\S+", issued.stdout).group(0)  # type: ignore[union-attr]
    gateway = browser.new_context(base_url=server.base_url)
    answer = gateway.request.post(
        "/api/contacts/telephony/events",
        data=json.dumps(
            {
                "call_id": "c-999-1",
                "event": "offered",
                "line": "999",
                "occurred_at": datetime.now(UTC).isoformat(),
                "cli": "07700 900123",
            }
        ),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert answer.ok, answer.text()
    gateway.close()


def test_a_999_call_becomes_a_graded_incident_awaiting_deployment(
    call_server: DemoServer, browser: Browser, screenshot: Screenshot
):
    offer_999_call(browser, call_server)
    page = browser.new_context(
        base_url=call_server.base_url, viewport={"width": 1400, "height": 1000}
    ).new_page()
    sign_in(page, "call_handler")

    page.goto("/contacts/")
    page.get_by_role("button", name=re.compile("Take next contact")).click()
    expect(page.locator("h1")).to_contain_text("999")
    page.get_by_label("Where (as the caller describes it)").fill(GRID_REFERENCE)
    page.get_by_role("button", name="Set location").click()
    expect(page.locator("#location, .card").first).to_be_visible()
    screenshot(page, "contact-with-location")

    page.get_by_label(re.compile("Incident raised")).check()
    page.locator("#id_summary").fill("Man with a knife threatening shop staff, still there")
    page.get_by_role("button", name="Record outcome").click()

    expect(page.locator("h1")).to_contain_text(re.compile(r"CC-\d{8}-\d{4}"))
    for element in grading.ELEMENTS:
        page.locator(f"#id_{element}_level").select_option("high")
        page.locator(f"#id_{element}_rationale").fill(f"{element}: knife at a shop, staff at risk")
    page.get_by_label(re.compile("in progress", re.IGNORECASE)).first.check()
    proposal = page.locator("#proposal")
    expect(proposal).to_contain_text("Grade 1")
    expect(proposal).to_contain_text(re.compile("in progress", re.IGNORECASE))
    screenshot(page, "proposed-grade")

    page.get_by_role("button", name=re.compile("Accept proposed grade")).click()

    expect(page.locator("h1")).to_contain_text("Awaiting deployment")
    facts = page.locator(".panel, .card").first
    expect(facts).to_contain_text("Grade 1: emergency")
    expect(facts).to_contain_text(re.compile(r"Deadline\s*\d\d:\d\d · 1[45] min left"))
    expect(facts).to_contain_text("Cambridge City")  # the area found from the grid reference
    screenshot(page, "awaiting-deployment")
