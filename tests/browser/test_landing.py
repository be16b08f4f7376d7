"""The landing page a member of staff sees on signing in."""

import pytest
from playwright.sync_api import Page, expect

from .conftest import Screenshot
from .staff import sign_in

pytestmark = pytest.mark.browser


def test_a_call_handler_lands_on_their_role_and_consoles(page: Page, screenshot: Screenshot):
    sign_in(page, "call_handler")

    expect(page.get_by_role("heading", level=1)).to_have_text("Good to see you, Priya")
    role = page.locator('section[data-role="call_handler"]')
    expect(role.get_by_role("heading", level=2)).to_have_text("Call handler")
    expect(page.locator("ul.consoles")).to_contain_text("Force directory")
    screenshot(page, "landing")
