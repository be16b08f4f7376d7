"""Steps a member of staff takes in the browser, shared by the browser tests."""

from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from demandhub.forces.demo_data import DEMO_PASSWORD


def sign_in(page: Page, username: str) -> None:
    """Sign in through the form as `username` of the demo force and land on the landing page."""
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Good to see you")
    assert urlsplit(page.url).path == "/"
