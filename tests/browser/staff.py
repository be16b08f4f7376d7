"""Steps a member of staff takes in the browser, shared by the browser tests."""

from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from demandhub.forces.demo_data import DEMO_PASSWORD
from tests.e2e.server import serving


def sign_in(page: Page, username: str) -> None:
    """Sign in through the form as `username` of the demo force, with the password and then the
    code from the authenticator app `demandhub demo` enrolled, and land on the landing page."""
    sign_in_password(page, username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    give_code(page, username)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Good to see you")
    assert urlsplit(page.url).path == "/"


def sign_in_password(page: Page, username: str) -> None:
    """The first step only: username and password."""
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def give_code(page: Page, username: str) -> None:
    """The second step: the current code of `username`'s authenticator, on the code page."""
    url = urlsplit(page.url)
    code = serving(f"{url.scheme}://{url.netloc}").totp_code(username)
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_role("button", name="Verify").click()


def wait_until(page: Page, condition: str, timeout_ms: float) -> None:
    """Poll the JavaScript expression `condition` with page.evaluate until it is true.

    Playwright's wait_for_function evaluates its predicate with eval inside the page, which the
    site's Content-Security-Policy (no 'unsafe-eval') refuses."""
    for _ in range(max(1, int(timeout_ms // 200))):
        if page.evaluate(condition):
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"never became true within {timeout_ms:.0f} ms: {condition}")
