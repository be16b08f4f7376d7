"""Issue 6 in a real browser: an analyst opens the performance dashboard, changes the date
range and sees the charts redraw with that range's figures, and downloads the CSV behind one."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.server import DemoServer

from .conftest import Screenshot
from .staff import sign_in

pytestmark = pytest.mark.browser

# Three 999 calls on 4 March 2024, answered after 4, 6 and 20 seconds, and one on 12 March
# answered after 3 seconds: far from any other test's data on the shared server.
SEED = """
from datetime import datetime, timedelta, UTC
from demandhub.contacts.models import Contact
for day, wait in ((4, 4), (4, 6), (4, 20), (12, 3)):
    at = datetime(2024, 3, day, 10, 0, tzinfo=UTC)
    Contact.objects.get_or_create(channel="999", external_id=f"perf-{day}-{wait}", defaults=dict(
        status="completed", outcome="advice_given", offered_at=at,
        answered_at=at + timedelta(seconds=wait)))
"""


def _chart_titles(page: Page, slug: str) -> list[str]:
    return page.locator(f"#chart-{slug} circle title").all_inner_texts()


def test_the_dashboard_redraws_for_a_new_range_and_exports_its_table(
    page: Page, demo_server: DemoServer, screenshot: Screenshot
):
    seeded = demo_server.demandhub("shell", "-c", SEED)
    assert seeded.returncode == 0, seeded.stderr
    sign_in(page, "analyst")
    page.goto("/performance/?start=2024-03-01&end=2024-03-07&period=day")

    chart = page.locator("#chart-emergency-answer")
    expect(chart.locator("circle title")).to_have_text(["04 Mar: answered within 10 s 66.7%"])
    expect(chart.locator("text.x").first).to_have_text("01 Mar")
    expect(page.locator(".tile", has_text="999 answered within 10 s")).to_contain_text("66.7%")
    screenshot(page, "first-week")

    page.get_by_label("From", exact=True).fill("2024-03-08")
    page.get_by_label("To", exact=True).fill("2024-03-14")
    page.get_by_label("To", exact=True).dispatch_event("change")

    expect(chart.locator("text.x").first).to_have_text("08 Mar")
    expect(chart.locator("circle title")).to_have_text(["12 Mar: answered within 10 s 100%"])
    expect(page.locator("#range")).to_contain_text("8 Mar 2024 to 14 Mar 2024")
    assert "end=2024-03-14" in page.url
    screenshot(page, "second-week")

    with page.expect_download() as download:
        page.locator("#panel-emergency-answer a.csv").click()
    path = download.value.path()
    rows = list(csv.reader(io.StringIO(path.read_text())))
    assert download.value.suggested_filename == "emergency-answer_20240308-20240314.csv"
    assert rows[0][:5] == ["period", "offered", "answered", "within 10 s", "% within 10 s"]
    assert [r[0] for r in rows[1:]] == [f"{d:02d} Mar" for d in range(8, 15)]
    assert rows[5][:5] == ["12 Mar", "1", "1", "1", "100.0"]

    # A range chip redraws the form and the board together.
    today = datetime.now(ZoneInfo("Europe/London")).date()
    page.get_by_role("link", name="Last 7 days").click()
    expect(page.get_by_label("From", exact=True)).to_have_value(
        (today - timedelta(days=6)).isoformat()
    )
    expect(page.locator("#range")).to_contain_text(f"to {today.day} {today:%b %Y}")
    expect(chart.locator("text.x").last).to_have_text(f"{today:%d %b}")

    page.goto("/performance/?start=2024-03-08&end=2024-03-14&period=day")
    page.get_by_role("link", name="Monthly report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Demand Hub performance report: March 2024"
    )
    expect(page.locator("#chart-emergency-answer circle title")).to_have_text(
        ["04 Mar: answered within 10 s 66.7%", "12 Mar: answered within 10 s 100%"]
    )
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    screenshot(page, "monthly-report-print")
