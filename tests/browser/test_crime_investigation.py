"""Issue 5 end to end in a real browser: an online crime report is reviewed by the IMU,
allocated, assigned by a sergeant, updated by an officer and closed with an outcome, and the
reporter sees the outcome on their tracking page."""

import uuid

import pytest
from playwright.sync_api import Page, expect

from .conftest import NewPage, Screenshot
from .staff import sign_in

pytestmark = pytest.mark.browser


def _report_online(page: Page, name: str) -> str:
    page.goto("/report/crime/")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email address").fill("reporter@example.com")
    page.get_by_label("What happened?").fill(
        "Someone forced the rear door of my house with a screwdriver and took my laptop."
    )
    page.get_by_label("Where did it happen?").fill("14 Mill Road, Cambridge")
    page.get_by_label("When did it happen?").fill("2026-11-20")
    page.get_by_label("Was anything stolen or damaged? What?").fill("Silver laptop")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Report sent")).to_be_visible()
    reference = page.locator("#reference").inner_text()
    page.locator("#tracking-link").click()
    return reference


def _record_as_crime(page: Page, reference: str) -> str:
    """The call handler finds the report, takes it and records it as a crime."""
    sign_in(page, "call_handler")
    page.goto(f"/contacts/search/?q={reference}")
    page.get_by_role("link", name=reference).click()
    # The console takes contacts in queue order ("Take next"); other tests' reports may be ahead
    # in this shared server's queue, so take this one from its own page.
    page.get_by_role("button", name="Take this contact").click()
    expect(page.get_by_role("button", name="Record outcome")).to_be_visible()
    page.get_by_text("Crime recorded", exact=False).first.click()
    page.get_by_label("Summary").fill("Burglary: rear door forced, laptop taken")
    page.get_by_label("Offence (if known)").fill("Burglary")
    page.get_by_role("button", name="Record outcome").click()
    expect(page.locator(".messages")).to_contain_text("Crime recorded")
    return page.locator("dd", has_text="CR-").inner_text().split()[0]


def test_an_online_crime_report_is_investigated_and_the_reporter_sees_the_outcome(
    new_page: NewPage, screenshot: Screenshot
):
    public = new_page()
    reference = _report_online(public, f"Robin {uuid.uuid4().hex[:6]}")
    expect(public.get_by_role("heading", level=1)).to_contain_text(reference)

    handler = new_page()
    crime = _record_as_crime(handler, reference)
    public.reload()
    expect(public.locator("#public-status")).to_contain_text(f"Recorded as crime {crime}")

    imu = new_page()
    sign_in(imu, "imu_reviewer")
    imu.goto("/crimes/review/")
    expect(imu.locator("#queue")).to_contain_text(crime)
    screenshot(imu, "1-imu-queue")
    imu.get_by_role("link", name=crime).click()
    expect(imu.locator("#missing")).to_contain_text("Offence classification")
    imu.get_by_label("Offence classification").select_option("28E")
    imu.get_by_label("Modus operandi").fill("Rear door forced with a screwdriver")
    imu.get_by_label("CCTV").check()
    imu.get_by_label("Forensic opportunity").check()
    imu.get_by_role("button", name="Save details").click()
    expect(imu.locator(".messages")).to_contain_text("Details saved")
    imu.get_by_label("Where it happened").fill("52.1986, 0.1420")
    imu.get_by_role("button", name="Set location").click()
    expect(imu.locator(".messages")).to_contain_text("in Cambridge City")
    expect(imu.locator("#solvability-score")).to_have_text("30")
    expect(imu.get_by_label("Policing area")).to_contain_text("Cambridge City (covers the")
    screenshot(imu, "2-imu-review")
    imu.get_by_role("button", name="Allocate for investigation").click()
    expect(imu.locator(".messages")).to_contain_text("Allocated to Cambridge City")
    expect(imu.locator("#crime-status")).to_have_text("Allocated to an area")

    # The supervisor posts the sergeant to the area's crime team (shared demo server: the
    # posting is ended again below).
    supervisor = new_page()
    sign_in(supervisor, "supervisor")
    supervisor.goto("/crimes/postings/")
    posting = supervisor.locator("#postings tr", has_text="Ellis")
    posting.get_by_role("combobox").select_option(label="Cambridge City")
    posting.get_by_role("button", name="Save").click()
    expect(supervisor.locator(".messages")).to_contain_text("is posted to Cambridge City")
    screenshot(supervisor, "3-postings")

    sergeant = new_page()
    sign_in(sergeant, "sergeant")
    sergeant.goto("/crimes/sergeant/")
    row = sergeant.locator("#awaiting tr", has_text=crime)
    expect(row).to_be_visible()
    expect(sergeant.get_by_role("heading", level=1)).to_contain_text("Cambridge City")
    screenshot(sergeant, "3-sergeant")
    row.get_by_role("button", name="Assign").click()
    expect(sergeant.locator(".messages")).to_contain_text("Assigned to")
    expect(sergeant.locator("#crime-status")).to_have_text("Under investigation")

    officer = new_page()
    sign_in(officer, "investigating_officer")
    officer.goto("/crimes/mine/")
    officer.get_by_role("link", name=crime).click()
    officer.get_by_role("button", name="Record first contact").click()
    expect(officer.locator(".messages")).to_contain_text("First contact with the victim recorded")
    officer.get_by_label("Update for the victim").fill("We have asked the neighbours for CCTV.")
    officer.get_by_role("button", name="Send update").click()
    expect(officer.locator(".messages")).to_contain_text("Victim updated")
    officer.get_by_label("Outcome code").select_option("18")
    screenshot(officer, "4-officer")
    officer.get_by_role("button", name="Close crime").click()
    expect(officer.locator(".messages")).to_contain_text("Closed with outcome 18")
    expect(officer.locator("#outcome")).to_contain_text("victim told")

    public.reload()
    expect(public.locator("#public-status")).to_contain_text(
        "finished our investigation but have not been able to identify a suspect"
    )
    expect(public.locator("#updates")).to_contain_text("We have asked the neighbours for CCTV.")
    expect(public.locator("#updates")).to_contain_text("investigated by officers in Cambridge")
    screenshot(public, "5-public-tracking")

    supervisor.goto("/crimes/postings/")
    posting = supervisor.locator("#postings tr", has_text="Ellis")
    posting.get_by_role("combobox").select_option(label="not posted (all areas)")
    posting.get_by_role("button", name="Save").click()
    expect(supervisor.locator(".messages")).to_contain_text("no longer posted")
