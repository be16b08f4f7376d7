"""Warning markers in a real browser: a supervisor adds one on a place, a mistake is refused
with the reason beside the field, and the marker then warns the call handler raising an
incident at that place."""

import pytest
from playwright.sync_api import expect

from .conftest import NewPage, Screenshot
from .staff import sign_in

pytestmark = pytest.mark.browser


def test_a_marker_added_by_a_supervisor_warns_the_handler_at_that_place(
    new_page: NewPage, screenshot: Screenshot
):
    supervisor = new_page()
    sign_in(supervisor, "supervisor")
    supervisor.goto("/incidents/warnings/")

    form = supervisor.locator("#warning-form")
    form.get_by_label("Warning").select_option("weapons")
    form.get_by_label("Place").fill("the flats behind the station")
    form.get_by_role("button", name="Add marker").click()
    expect(supervisor.locator("#warning-form .error")).to_contain_text(
        "Give the place as a position"
    )

    form = supervisor.locator("#warning-form")
    form.get_by_label("Place").fill("TL 46000 57000")
    form.get_by_label("Details").fill("Occupant keeps a machete by the door")
    form.get_by_label("Radius (m)").fill("50")
    form.get_by_role("button", name="Add marker").click()
    row = supervisor.locator("table.markers tbody tr").first
    expect(row).to_contain_text("Known to carry weapons")
    expect(row).to_contain_text("within 50 m")
    screenshot(supervisor, "register")

    handler = new_page()
    sign_in(handler, "call_handler")
    handler.goto("/incidents/new/")
    handler.locator("#id_location").fill("TL 46010 57010")
    handler.locator("#id_location").blur()
    expect(handler.locator("body")).to_contain_text("Occupant keeps a machete by the door")
