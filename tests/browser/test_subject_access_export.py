"""The subject access export opens in a browser, shows the review markings, and prints.

Built from search results made by hand (the search itself is tested in demandhub/privacy):
Playwright's event loop and the ORM must not share a test."""

from pathlib import Path

from playwright.sync_api import Browser, expect

from demandhub.privacy import export
from demandhub.privacy.subject_access import Found, Identifiers


def test_the_html_export_opens_and_shows_what_needs_review(
    browser: Browser, tmp_path: Path, screenshots_dir: Path
) -> None:
    found = [
        Found(
            "contact",
            "contacts.contact",
            1,
            "WC-20260101-0001",
            ["caller name"],
            {
                "caller_name": "Jo Bloggs",
                "message": "My van was stolen <b>overnight</b>",
                "chat": ["public: help", "operator: what happened?"],
            },
        ),
        Found(
            "crime",
            "crimes.crimerecord",
            7,
            "CR-20260101-0007",
            ["victim by name"],
            {
                "summary": "Van taken from the drive",
                "parties": [{"role": "victim", "name": "Jo Bloggs"}],
            },
            [
                "names another person (witness): redact unless they consent",
                "restricted (need-to-know: sexual offence): the restricting officer decides",
            ],
        ),
    ]
    _, html = export.write(tmp_path / "sar", Identifiers.parse(name="Jo Bloggs"), found)
    page = browser.new_page()
    try:
        page.goto(html.as_uri())
        expect(page.get_by_role("heading", name="Subject access export")).to_be_visible()
        expect(page.locator("section.record")).to_have_count(2)
        review = page.locator("section.review")
        expect(review).to_have_count(1)
        expect(review.locator(".flag")).to_have_text(
            [
                "For review before disclosure: names another person (witness): "
                "redact unless they consent",
                "For review before disclosure: restricted (need-to-know: sexual offence): "
                "the restricting officer decides",
            ]
        )
        expect(page.locator(".how").first).to_have_text("Matched by: caller name")
        # What the public wrote is shown as text, never as markup.
        expect(page.get_by_text("My van was stolen <b>overnight</b>")).to_be_visible()
        page.screenshot(path=str(screenshots_dir / "subject-access-export.png"), full_page=True)
        page.emulate_media(media="print")
        assert page.pdf()[:4] == b"%PDF"  # it prints
    finally:
        page.close()
