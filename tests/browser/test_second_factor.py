"""Signing in with a second factor: enrolment of a new authenticator, then every sign-in."""

import base64

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from tests.e2e.server import DemoServer

from .conftest import NewPage, Screenshot
from .staff import give_code, sign_in, sign_in_password

pytestmark = pytest.mark.browser


def _code_from_secret(secret: str) -> str:
    """What an authenticator app shows for the key typed in from the enrolment page."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{TOTP(key).token():06d}"


def test_a_reset_authenticator_is_enrolled_from_the_page_then_used_to_sign_in(
    new_page: NewPage, demo_server: DemoServer, screenshot: Screenshot
):
    # A supervisor resets the analyst's authenticator (a lost phone), with a reason.
    supervisor = new_page()
    sign_in(supervisor, "supervisor")
    supervisor.get_by_role("link", name="Staff sign-ins").click()
    row = supervisor.locator('tr[data-username="analyst"]')
    row.get_by_label("Reason for resetting analyst's authenticator").fill("lost phone")
    row.get_by_role("button", name="Reset authenticator").click()
    expect(supervisor.locator(".messages")).to_contain_text("will set up an authenticator")
    screenshot(supervisor, "staff-sign-ins")

    # The analyst's password now leads to enrolment: a QR code and the key as text.
    analyst = new_page()
    sign_in_password(analyst, "analyst")
    expect(analyst.get_by_role("heading", level=1)).to_have_text("Set up your authenticator")
    expect(analyst.locator(".otp-qr svg")).to_be_visible()
    secret = analyst.get_by_test_id("otp-secret").inner_text().strip()
    screenshot(analyst, "enrol")

    analyst.get_by_label("Code", exact=True).fill(_code_from_secret(secret))
    analyst.get_by_role("button", name="Confirm and continue").click()
    expect(analyst.get_by_role("heading", level=1)).to_contain_text("Good to see you")
    expect(analyst.locator(".messages")).to_contain_text("authenticator app is set up")

    # Signing in again asks for a code from the new authenticator, and nothing else opens first.
    analyst.context.clear_cookies()
    sign_in_password(analyst, "analyst")
    expect(analyst.get_by_role("heading", level=1)).to_have_text("Enter your code")
    analyst.goto("/audit/")
    expect(analyst.get_by_role("heading", level=1)).to_have_text("Enter your code")
    screenshot(analyst, "verify")
    give_code(analyst, "analyst")
    expect(analyst.get_by_role("heading", level=1)).to_contain_text("Good to see you")
    [(action_count,)] = demo_server.query(
        "SELECT count(*) FROM audit_event WHERE action = 'user.second_factor_enrolled'"
    )
    assert action_count >= 1


def test_a_wrong_code_keeps_the_member_of_staff_on_the_code_page(page: Page):
    sign_in_password(page, "dispatcher")
    page.get_by_label("Code", exact=True).fill("12")
    page.get_by_role("button", name="Verify").click()

    # The browser's own check refuses a code that is not 6 digits before it is sent.
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    page.goto("/dispatch/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
