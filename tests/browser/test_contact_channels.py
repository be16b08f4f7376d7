"""The public's channels in a real browser: a web chat answered by an operator and turned into
a crime report the public can track; an online crime report with a photo, then tracked."""

import io
import uuid
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from demandhub.forces import demo_data
from tests.e2e.server import DemoServer

from .conftest import NewPage, Screenshot
from .staff import sign_in

pytestmark = pytest.mark.browser


def _start_chat(page: Page, name: str, message: str) -> None:
    page.goto("/chat/")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("What would you like to talk to us about?").fill(message)
    page.get_by_role("button", name="Start chat").click()
    expect(page.locator(".chat-state")).to_have_text("connected")


def _say(page: Page, text: str) -> None:
    box = page.get_by_label("Message")
    box.fill(text)
    box.press("Enter")


def test_a_web_chat_answered_by_an_operator_becomes_a_crime_report_the_public_can_track(
    new_page: NewPage, screenshot: Screenshot
):
    name = f"Jo {uuid.uuid4().hex[:6]}"
    public = new_page()
    _start_chat(public, name, "Someone has smashed my car window")
    expect(public.locator(".chat-log")).to_contain_text("Someone has smashed my car window")
    screenshot(public, "1-public-waiting")

    operator = new_page()
    sign_in(operator, "call_handler")
    operator.goto("/contacts/chats/")
    row = operator.locator("tr", has_text=name)
    expect(row).to_contain_text("Someone has smashed my car window")
    screenshot(operator, "2-operator-waiting-chats")
    row.get_by_role("button", name="Accept").click()
    expect(operator.locator(".chat-state")).to_have_text("connected")
    expect(public.locator(".chat-log")).to_contain_text("has joined the chat")

    _say(operator, "Hello, are you safe? Is anyone still there?")
    expect(public.locator(".chat-log li.theirs").last).to_contain_text("are you safe?")
    _say(public, "I'm safe, they ran off towards the park")
    expect(operator.locator(".chat-log li.theirs").last).to_contain_text("ran off")
    screenshot(public, "3-public-chatting")
    screenshot(operator, "4-operator-chatting")

    operator.get_by_text("Crime recorded", exact=False).first.click()
    operator.get_by_label("Summary").fill("Vehicle window smashed; suspect ran towards the park")
    operator.get_by_label("Offence (if known)").fill("Criminal damage")
    operator.get_by_role("button", name="Record outcome").click()
    expect(operator.locator(".messages")).to_contain_text("Crime recorded")
    crime_reference = operator.locator("dd", has_text="CR-").inner_text().split()[0]
    screenshot(operator, "5-operator-crime-recorded")

    expect(public.locator(".chat-log")).to_contain_text(f"as crime {crime_reference}")
    expect(public.locator(".chat-ended")).to_be_visible()
    expect(public.get_by_label("Message")).to_be_disabled()
    screenshot(public, "6-public-chat-ended")
    public.locator("#tracking-link").click()
    expect(public.locator("#public-status")).to_contain_text(f"Recorded as crime {crime_reference}")
    expect(public.locator("#updates")).to_contain_text(crime_reference)
    screenshot(public, "7-public-tracking")


def test_a_chat_keeps_every_message_across_a_reload(new_page: NewPage, screenshot: Screenshot):
    name = f"Sam {uuid.uuid4().hex[:6]}"
    public = new_page()
    _start_chat(public, name, "Is anyone there?")
    operator = new_page()
    sign_in(operator, "switchboard_operator")
    operator.goto("/contacts/chats/")
    operator.locator("tr", has_text=name).get_by_role("button", name="Accept").click()
    expect(operator.locator(".chat-state")).to_have_text("connected")

    public.context.set_offline(True)
    _say(operator, "Message sent while you were offline")
    public.context.set_offline(False)
    public.reload()

    expect(public.locator(".chat-log")).to_contain_text("Message sent while you were offline")
    expect(public.locator(".chat-log li")).to_have_count(3)
    screenshot(public, "after-reload")


def _photo(tmp_path: Path) -> Path:
    path = tmp_path / "broken-lock.png"
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (180, 60, 40)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_an_online_crime_report_with_a_photo_is_tracked(
    page: Page, screenshot: Screenshot, tmp_path: Path
):
    page.goto("/report/")
    page.get_by_role("link", name="Report a crime").click()
    page.get_by_label("Your name").fill("Morgan Reporter")
    page.get_by_label("Email address").fill("morgan@example.com")
    page.get_by_label("What happened?").fill("My shed was broken into overnight and tools taken.")
    page.get_by_label("Where did it happen?").fill("12 Mill Road, Cambridge")
    page.get_by_label("When did it happen?").fill("2026-01-05")
    page.get_by_label("Photos").set_input_files(_photo(tmp_path))
    page.get_by_label("Was anything stolen or damaged? What?").fill("Drill, saw, padlock")
    screenshot(page, "1-form")
    page.get_by_role("button", name="Send report").click()

    expect(page.get_by_role("heading", name="Report sent")).to_be_visible()
    reference = page.locator("#reference").inner_text()
    assert reference.startswith("WEB-")
    screenshot(page, "2-sent")
    page.locator("#tracking-link").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(page.locator("#public-status")).to_contain_text("Waiting to be looked at")
    screenshot(page, "3-tracking")


# A finished 999 call with the location its handler set (finished: no test's queue serves it).
ANSWERED_CALL = """
from django.utils import timezone
from demandhub.accounts.models import User
from demandhub.contacts.models import Contact
now = timezone.now()
contact = Contact.objects.create(
    channel="999", status="completed", caller_name="Map Test", offered_at=now, answered_at=now,
    ended_at=now, outcome="advice_given", outcome_recorded_at=now,
    handled_by=User.objects.get(username="call_handler"),
    latitude=52.2053, longitude=0.1218, location_text="Market Hill", location_source="handler",
)
print(contact.pk)
"""


def test_a_contacts_map_shows_its_location_over_the_area_outlines(
    page: Page, demo_server: DemoServer, screenshot: Screenshot
):
    made = demo_server.demandhub("shell", "-c", ANSWERED_CALL)
    assert made.returncode == 0, made.stderr
    sign_in(page, "call_handler")
    page.goto(f"/contacts/{int(made.stdout.split()[-1])}/")
    contact_map = page.locator("#contact-map")
    expect(contact_map).to_be_visible()
    # One outline per policing area (area-outlines.js), and the location marked over them.
    areas = len(demo_data.AREAS)
    expect(contact_map.locator(".leaflet-overlay-pane path")).to_have_count(areas + 1)
    expect(contact_map.locator(".leaflet-tooltip", has_text="Market Hill")).to_have_count(1)
    screenshot(page, "map")
