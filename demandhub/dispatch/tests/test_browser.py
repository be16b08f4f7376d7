"""The issue's end-to-end story in Chromium: the dispatcher console and a crew's terminal open
side by side against a real server; nothing is reloaded."""

import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from demandhub.incidents import grading

from .live_server import browser, screenshot, server, sign_in  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

SCENE = (52.2053, 0.1218)  # Market Hill, Cambridge: Parkside's dog unit is nearest

WARNING_AT_SCENE = f"""
from django.utils import timezone
from demandhub.incidents.models import WarningMarker
WarningMarker.objects.create(
    code="dangerous_dog", details="Two Rottweilers loose in the garden",
    latitude={SCENE[0]}, longitude={SCENE[1]}, address="Market Hill", added_at=timezone.now(),
)
"""


def grade_1_call() -> str:
    """The call handler's form for a Grade 1 assault in progress at the scene."""
    data: dict[str, object] = {
        "classification": "CRIME-VIOLENCE",
        "summary": "Man threatening neighbours with a bat, shouting in the street",
        "location": f"{SCENE[0]}, {SCENE[1]}",
        "address": "Market Hill, Cambridge",
        "caller_name": "Pat Smith",
        "caller_phone": "+447700900123",
        "persons-TOTAL_FORMS": "0",
        "persons-INITIAL_FORMS": "0",
        "persons-MIN_NUM_FORMS": "0",
        "persons-MAX_NUM_FORMS": "10",
        "decision": "accept",
        "circumstances": ["crime_in_progress"],
        "plus": list(grading.plus_checklist()),
    }
    for key in grading.ELEMENTS:
        data[f"{key}_level"] = "high"
        data[f"{key}_rationale"] = f"{key} considered"
    return urlencode(data, doseq=True)


def test_a_grade_1_is_dispatched_from_the_console_and_the_crew_arrives(server, browser):  # noqa: F811
    server.manage("shell", "-c", WARNING_AT_SCENE)
    server.start()
    console = sign_in(browser, server, "dispatcher", viewport={"width": 1500, "height": 950})
    mdt = sign_in(
        browser, server, "response_officer", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    handler = sign_in(browser, server, "call_handler")

    mdt.goto(f"{server.url}/dispatch/mdt/")
    mdt.fill("#call-sign", "DOG01")
    mdt.click("button.big-button")
    mdt.wait_for_selector("h1.callsign:has-text('DOG01')")
    console.goto(f"{server.url}/dispatch/")
    console.wait_for_selector("#console-incidents .live-state.connected")
    mdt.wait_for_selector("#mdt .live-state.connected")
    assert console.locator("#incidents li.incident").count() == 0

    csrf = next(c["value"] for c in handler.context.cookies() if c["name"] == "csrftoken")
    raised = handler.request.post(
        f"{server.url}/incidents/create/",
        data=grade_1_call(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": csrf},
    )
    assert raised.ok

    card = console.locator("#incidents ol.stack li.incident").first
    card.wait_for(timeout=5000)
    assert "G1" in card.inner_text()
    assert re.search(r"\d\d:\d\d", card.locator(".countdown").inner_text())
    screenshot(console, "dispatch-console-grade-1-arrives")

    card.locator("button.recommend").click()
    first = console.locator(".recommendations tbody tr").first
    first.wait_for()
    assert first.get_attribute("data-call-sign") == "DOG01"
    assert "min spare" in first.inner_text()
    assert "Dangerous dog" in console.locator(".recs .warnings").inner_text()
    screenshot(console, "dispatch-console-recommendation")
    first.locator("button", has_text="Assign").click()

    deployment = mdt.locator("section.deployment")
    deployment.wait_for(timeout=5000)
    assert "Market Hill, Cambridge" in deployment.inner_text()
    assert "Two Rottweilers loose in the garden" in deployment.inner_text()
    assert mdt.locator(".mdt-status").inner_text() == "Assigned"
    screenshot(mdt, "dispatch-mdt-assignment")

    mdt.click("button.to-at_scene")
    mdt.wait_for_selector(".mdt-status:has-text('At scene')")
    row = console.locator("#incidents ul.deployed tr[data-call-sign='DOG01']")
    # The row is replaced on each live update: expect() finds it afresh until the arrival shows.
    expect(row.locator("td.arrived")).to_have_text(re.compile(r"\d\d:\d\d:\d\d"), timeout=5000)
    expect(row).to_contain_text("met")
    screenshot(console, "dispatch-console-arrival")
    screenshot(mdt, "dispatch-mdt-at-scene")
