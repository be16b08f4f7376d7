"""Issue 6 in a real browser: the supervisor's floor view changes live as a call handler goes
available and then on a break from their console."""

import pytest
from playwright.sync_api import expect

from .conftest import NewPage, Screenshot
from .staff import sign_in

pytestmark = pytest.mark.browser


def test_the_floor_view_follows_a_handler_live(new_page: NewPage, screenshot: Screenshot):
    supervisor = new_page()
    sign_in(supervisor, "supervisor")
    handler = new_page()
    sign_in(handler, "call_handler")

    handler.goto("/contacts/")
    handler.locator("#my-state").get_by_role("button", name="Available").click()
    expect(handler.locator("#my-state-now")).to_have_text("available")

    supervisor.goto("/floor/")
    expect(supervisor.locator('[data-live-state="floor"]')).to_have_text("live")
    row = supervisor.locator('#staff tr[data-user="call_handler"]')
    expect(row.locator(".state")).to_have_text("Available")
    expect(supervisor.locator("#queues tr[data-channel='999']")).to_be_visible()

    handler.locator("#my-state").get_by_role("button", name="Break").click()
    expect(handler.locator("#my-state-now")).to_have_text("on a break")
    screenshot(handler, "console")

    # No reload: the notice on the floor group redraws the view.
    expect(row.locator(".state")).to_have_text("On a break")
    expect(row.locator("td.time")).to_contain_text(" s")
    screenshot(supervisor, "floor")
