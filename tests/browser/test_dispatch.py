"""The issue's end-to-end story in Chromium: the dispatcher console and a crew's terminal open
side by side against a real server; nothing is reloaded."""

import os
import re
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, Page, expect

from demandhub.incidents import grading
from tests.e2e.server import DemoServer, running_demo_server

from .conftest import Screenshot
from .staff import sign_in

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


def grade_1_call(
    summary: str = "Man threatening neighbours with a bat, shouting in the street",
    at: tuple[float, float] = SCENE,
    address: str = "Market Hill, Cambridge",
) -> str:
    """The call handler's form for a Grade 1 assault in progress (at the scene by default)."""
    data: dict[str, object] = {
        "classification": "CRIME-VIOLENCE",
        "summary": summary,
        "location": f"{at[0]}, {at[1]}",
        "address": address,
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


@pytest.fixture
def dispatch_server(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> Iterator[DemoServer]:
    """A demo server of this test's own: it assigns units and leaves an incident at scene."""
    name = f"e2e_{os.getpid()}_{worker_id}_dispatch"
    with running_demo_server(tmp_path_factory.mktemp("dispatch-server"), name=name) as server:
        yield server


def open_page(browser: Browser, server: DemoServer, username: str, **context: object) -> Page:
    page = browser.new_context(base_url=server.base_url, **context).new_page()  # type: ignore[arg-type]
    sign_in(page, username)
    return page


def test_a_grade_1_is_dispatched_from_the_console_and_the_crew_arrives(
    dispatch_server: DemoServer, browser: Browser, screenshot: Screenshot
):
    server = dispatch_server
    assert server.demandhub("shell", "-c", WARNING_AT_SCENE).returncode == 0
    console = open_page(browser, server, "dispatcher", viewport={"width": 1500, "height": 950})
    mdt = open_page(
        browser, server, "response_officer", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    handler = open_page(browser, server, "call_handler")

    mdt.goto("/dispatch/mdt/")
    mdt.get_by_label("Call sign").fill("DOG01")
    mdt.get_by_role("button", name="Book on").click()
    expect(mdt.locator("h1.callsign")).to_have_text("DOG01")
    console.goto("/dispatch/")
    expect(console.locator("#console-incidents .live-state")).to_have_text("live")
    expect(mdt.locator("#mdt .live-state")).to_have_text("live")
    expect(console.locator("#incidents li.incident")).to_have_count(0)
    console.evaluate("window.stillTheSamePage = true")
    mdt.evaluate("window.stillTheSamePage = true")

    csrf = next(c["value"] for c in handler.context.cookies() if c["name"] == "csrftoken")
    raised = handler.request.post(
        "/incidents/create/",
        data=grade_1_call(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": csrf},
    )
    assert raised.ok

    card = console.locator("#incidents ol.stack li.incident").first
    expect(card).to_contain_text("G1", timeout=5_000)
    expect(card.locator(".countdown")).to_have_text(re.compile(r"\d\d:\d\d"))
    screenshot(console, "grade-1-arrives")

    card.get_by_role("button", name="Recommend units").click()
    first = console.locator(".recommendations tbody tr").first
    expect(first).to_have_attribute("data-call-sign", "DOG01")
    expect(first).to_contain_text("min spare")
    expect(console.locator(".recs .warnings")).to_contain_text("Dangerous dog")
    screenshot(console, "recommendation")
    first.get_by_role("button", name="Assign").click()

    deployment = mdt.locator("section.deployment")
    expect(deployment).to_contain_text("Market Hill, Cambridge", timeout=5_000)
    expect(deployment).to_contain_text("Two Rottweilers loose in the garden")
    expect(mdt.locator(".mdt-status")).to_have_text("Assigned")
    screenshot(mdt, "mdt-assignment")

    mdt.get_by_role("button", name="At scene").click()
    expect(mdt.locator(".mdt-status")).to_have_text("At scene")
    row = console.locator("#incidents ul.deployed tr[data-call-sign='DOG01']")
    # The row is replaced on each live update: expect() finds it afresh until the arrival shows.
    expect(row.locator("td.arrived")).to_have_text(re.compile(r"\d\d:\d\d:\d\d"), timeout=5_000)
    expect(row).to_contain_text("met")
    assert console.evaluate("window.stillTheSamePage === true"), "the console was reloaded"
    assert mdt.evaluate("window.stillTheSamePage === true"), "the terminal was reloaded"
    screenshot(console, "arrival")
    screenshot(mdt, "mdt-at-scene")

    # The incident's own page maps it with the unit now at the scene.
    handler.set_viewport_size({"width": 1400, "height": 1000})
    handler.goto(raised.url)  # the create answer redirected to the incident's page
    incident_map = handler.locator("#incident-map")
    # Exactly one label each: a live redraw replaces the markers, never adds to them.
    expect(incident_map.locator(".leaflet-tooltip", has_text="DOG01 · At scene")).to_have_count(1)
    expect(incident_map.locator(".leaflet-tooltip", has_text="G1 · Market Hill")).to_have_count(1)
    incident_map.scroll_into_view_if_needed()
    screenshot(handler, "incident-map")

    # A second Grade 1 across town: DOG01 is reassigned from the scene in one step.
    second = handler.request.post(
        "/incidents/create/",
        data=grade_1_call(
            "Fight outside the station, one man down", (52.1943, 0.1371), "Station Road"
        ),
        headers={"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": csrf},
    )
    assert second.ok
    waiting = console.locator("#incidents ol.stack li.incident")
    expect(waiting).to_have_count(1, timeout=5_000)
    pk = (waiting.first.get_attribute("id") or "").removeprefix("incident-")
    row = console.locator("#incidents ul.deployed tr[data-call-sign='DOG01']")
    choose = row.get_by_label("Reassign DOG01 to")
    expect(choose.locator(f"option[value='{pk}']")).to_have_count(1)
    screenshot(console, "reassign-to")
    # A live refresh landing between the choice and the click keeps the choice (keep-choices.js).
    choose.select_option(pk)
    row.get_by_role("button", name="Reassign", exact=True).click()
    done = console.locator(f"#deployed-{pk} tr[data-call-sign='DOG01']")
    expect(done).to_be_visible()
    expect(done.locator(".status")).to_have_text("Assigned")
    expect(waiting).to_have_count(0)
    expect(mdt.locator("section.deployment")).to_contain_text("Station Road", timeout=5_000)
    expect(mdt.locator(".mdt-status")).to_have_text("Assigned")
    screenshot(console, "reassigned")


DEPLOY_DOG01 = """
from django.db import transaction
from demandhub.accounts.models import User
from demandhub.dispatch import actions, assignments
from demandhub.dispatch.models import Resource
from demandhub.incidents.models import Incident
with transaction.atomic():
    unit = actions.book_on(
        Resource.objects.get(call_sign="DOG01"), by=User.objects.get(username="response_officer")
    )
    incident = Incident.objects.get(summary__startswith="Man threatening")
    assignments.assign_resources(incident, [unit], by=User.objects.get(username="dispatcher"))
"""


def test_a_reassign_choice_survives_live_refreshes_of_the_console(
    dispatch_server: DemoServer, browser: Browser, screenshot: Screenshot
):
    """A live update must not throw away the incident half-chosen in "Reassign to...": it waits
    while the dispatcher is in the form, then the list refreshes with the choice kept."""
    server = dispatch_server
    handler = open_page(browser, server, "call_handler")
    csrf = next(c["value"] for c in handler.context.cookies() if c["name"] == "csrftoken")

    def raise_grade_1(*call: object) -> None:
        raised = handler.request.post(
            "/incidents/create/",
            data=grade_1_call(*call),  # type: ignore[arg-type]
            headers={"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": csrf},
        )
        assert raised.ok

    raise_grade_1()
    assert server.demandhub("shell", "-c", DEPLOY_DOG01).returncode == 0
    raise_grade_1("Fight outside the station, one man down", (52.1943, 0.1371), "Station Road")

    console = open_page(browser, server, "dispatcher", viewport={"width": 1500, "height": 950})
    console.goto("/dispatch/")
    expect(console.locator("#console-incidents .live-state")).to_have_text("live")
    incidents = console.locator("#incidents")
    waiting = incidents.locator("ol.stack li.incident")
    expect(waiting).to_have_count(1)
    fight = (waiting.first.get_attribute("id") or "").removeprefix("incident-")
    choose = incidents.locator("ul.deployed tr[data-call-sign='DOG01']").get_by_label(
        "Reassign DOG01 to"
    )
    choose.focus()  # the dispatcher has the list in hand
    choose.select_option(fight)

    # A live change while the dispatcher is choosing: the refresh waits, and says so.
    raise_grade_1("Shoplifter detained by security, now violent", (52.2080, 0.1180), "Sidney St")
    expect(incidents).to_have_attribute("data-refresh-held", "")
    expect(waiting).to_have_count(1)
    expect(choose).to_have_value(fight)
    screenshot(console, "refresh-held")

    # Focus leaves the form: the list refreshes at once and the choice is still made.
    console.get_by_role("heading", name="Dispatcher console").click()
    expect(waiting).to_have_count(2)
    expect(incidents).not_to_have_attribute("data-refresh-held", "")
    expect(choose).to_have_value(fight)
    expect(choose.locator("option")).to_have_count(3)  # the new incident is offered too
    screenshot(console, "refreshed-choice-kept")

    # Another change with the choice made but focus elsewhere: refreshed at once, still kept.
    raise_grade_1("Robbery at knifepoint, suspect on foot", (52.2000, 0.1300), "Hills Road")
    expect(waiting).to_have_count(3)
    expect(choose).to_have_value(fight)

    # Back in the list and left there: the refresh waits 15 s at most, then keeps choice and focus.
    choose.focus()
    raise_grade_1("Domestic assault, caller now screaming", (52.1990, 0.1250), "Mill Road")
    expect(incidents).to_have_attribute("data-refresh-held", "")
    expect(waiting).to_have_count(4, timeout=25_000)
    expect(choose).to_have_value(fight)
    expect(choose).to_be_focused()

    # The kept choice is the one sent.
    choose.locator("xpath=ancestor::form").get_by_role("button", name="Reassign").click()
    expect(console.locator(f"#deployed-{fight} tr[data-call-sign='DOG01']")).to_be_visible()
    expect(console.locator(f"#incident-{fight}")).to_have_count(0)  # off the stack
    expect(waiting).to_have_count(4)  # the incident DOG01 left is back on it
    screenshot(console, "reassigned")
