"""Live video and location from the scene (issue 10), in two real browsers: the call handler's
and the caller's, the caller's with Chromium's fake camera and a fixed position."""

import hashlib
import io
from collections.abc import Iterator

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.server import DemoServer

from .conftest import CHROMIUM, CHROMIUM_ARGS, Screenshot
from .staff import sign_in, wait_until

pytestmark = pytest.mark.browser

# Chromium's fake camera (a moving test pattern) and microphone, allowed without a prompt; real
# host addresses instead of mDNS names so two pages of one machine connect with no STUN server.
MEDIA_ARGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
    "--autoplay-policy=no-user-gesture-required",
]
SCENE = {"latitude": 52.2053, "longitude": 0.1218, "accuracy": 15}

RAISE = (
    "from demandhub.incidents.actions import raise_incident; "
    "print(raise_incident(by=None, summary='Man with a knife outside the shop (scene test)').pk)"
)


@pytest.fixture(scope="module")
def media_browser(browser: Browser) -> Iterator[Browser]:
    """A second Chromium from the same Playwright, launched with the fake media devices."""
    launched = browser.browser_type.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *MEDIA_ARGS]
    )
    yield launched
    launched.close()


@pytest.fixture
def contexts(media_browser: Browser, demo_server: DemoServer) -> Iterator[list[BrowserContext]]:
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def open_page(
    media_browser: Browser, demo_server: DemoServer, contexts: list[BrowserContext], **options
) -> Page:
    options.setdefault("viewport", {"width": 1280, "height": 900})
    context = media_browser.new_context(base_url=demo_server.base_url, **options)
    contexts.append(context)
    return context.new_page()


def raise_incident(server: DemoServer) -> int:
    result = server.demandhub("shell", "-c", RAISE)
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip().splitlines()[-1])


def open_incident_as(page: Page, username: str, pk: int) -> None:
    sign_in(page, username)
    page.goto(f"/incidents/{pk}/")
    expect(page.locator("#scene .scene-socket-state")).to_have_text("live")


def create_link(page: Page) -> str:
    page.get_by_role("button", name="Create a link for the caller").click()
    expect(page.locator("#scene-url")).to_be_visible()
    expect(page.locator(".scene-qr svg")).to_be_visible()
    return page.locator("#scene-url").input_value()


def expect_playing(page: Page) -> None:
    """The tile's video has frames (readyState >= 2) and its clock moves on."""
    video = "#scene-videos video"
    wait_until(
        page,
        f"!!document.querySelector('{video}') && document.querySelector('{video}').readyState >= 2",
        20_000,
    )
    first = page.evaluate(f"document.querySelector('{video}').currentTime")
    wait_until(page, f"document.querySelector('{video}').currentTime > {first} + 0.5", 10_000)


def test_a_caller_streams_to_the_handler_who_captures_a_still(
    media_browser: Browser,
    demo_server: DemoServer,
    contexts: list[BrowserContext],
    screenshot: Screenshot,
):
    pk = raise_incident(demo_server)
    handler = open_page(media_browser, demo_server, contexts)
    open_incident_as(handler, "call_handler", pk)

    url = create_link(handler)
    screenshot(handler, "link")
    caller = open_page(
        media_browser,
        demo_server,
        contexts,
        permissions=["geolocation", "camera", "microphone"],
        geolocation=SCENE,
        viewport={"width": 412, "height": 915},
        is_mobile=True,
    )
    caller.goto(url)
    expect(caller.get_by_role("heading", level=1)).to_contain_text("Share live video")
    screenshot(caller, "consent")
    caller.get_by_role("button", name="I agree: start sharing").click()

    expect(caller.locator("#camera-state")).to_have_text("Shared, with sound")
    expect(caller.locator("#watchers")).to_have_text("1 person in the control room", timeout=15_000)
    expect_playing(handler)
    expect(handler.locator("#scene-positions")).to_contain_text("52.20530, 0.12180 ±15 m")
    screenshot(caller, "streaming")
    screenshot(handler, "watching")

    dispatcher = open_page(media_browser, demo_server, contexts)
    open_incident_as(dispatcher, "dispatcher", pk)
    expect(dispatcher.locator(".facts")).to_contain_text("scene, ±15 m")
    expect_playing(dispatcher)

    handler.locator("#scene-videos").get_by_role("button", name="Take a still").click()
    row = handler.locator("#scene-evidence tbody tr").first
    expect(row).to_contain_text("Still")
    expect(dispatcher.locator("#scene-evidence tbody tr")).to_have_count(1)
    screenshot(handler, "still")
    sha256 = row.get_attribute("data-sha256")
    [(path, stored_hash, size)] = demo_server.query(
        f"SELECT path, sha256, size FROM scene_evidence WHERE incident_id = {int(pk)}"  # noqa: S608
    )
    content = (demo_server.data_dir / "evidence" / path).read_bytes()
    assert content.startswith(b"\x89PNG")
    assert hashlib.sha256(content).hexdigest() == stored_hash == sha256
    assert len(content) == size
    # A real frame, not a blank canvas: Chromium's fake camera draws a moving figure and a frame
    # counter on a plain ground, so a captured frame has many colours. (Its PNG size varies with
    # the frame drawn, so the byte count says nothing.)
    frame = Image.open(io.BytesIO(content))
    assert frame.width >= 320
    assert frame.height >= 240
    colours = frame.convert("RGB").getcolors(maxcolors=1 << 24)
    assert colours is not None
    assert len(colours) > 16


def test_without_camera_permission_the_caller_still_shares_their_location(
    browser: Browser,
    media_browser: Browser,
    demo_server: DemoServer,
    contexts: list[BrowserContext],
    screenshot: Screenshot,
):
    pk = raise_incident(demo_server)
    handler = open_page(media_browser, demo_server, contexts)
    open_incident_as(handler, "dispatcher", pk)
    url = create_link(handler)
    # The ordinary browser has no camera and no permission to ask for one.
    context = browser.new_context(
        base_url=demo_server.base_url, permissions=["geolocation"], geolocation=SCENE
    )
    contexts.append(context)
    caller = context.new_page()

    caller.goto(url)
    caller.get_by_role("button", name="I agree: start sharing").click()

    expect(caller.locator("#camera-state")).to_contain_text("Not shared: no camera was found")
    expect(caller.locator("#location-state")).to_contain_text("Shared")
    expect(handler.locator("#scene-positions")).to_contain_text("52.20530, 0.12180")
    expect(handler.locator("#scene-videos")).to_contain_text("not sharing the camera")
    screenshot(caller, "no-camera")


def test_a_link_works_on_one_device_only_and_not_once_withdrawn(
    media_browser: Browser,
    demo_server: DemoServer,
    contexts: list[BrowserContext],
    screenshot: Screenshot,
):
    pk = raise_incident(demo_server)
    handler = open_page(media_browser, demo_server, contexts)
    open_incident_as(handler, "call_handler", pk)
    url = create_link(handler)
    caller = open_page(media_browser, demo_server, contexts, permissions=["geolocation"])
    caller.goto(url)
    caller.get_by_role("button", name="I agree: start sharing").click()
    expect(caller.locator("#caller-state")).to_have_text("Connected to the control room")

    second = open_page(media_browser, demo_server, contexts)
    second.goto(url)
    expect(second.get_by_role("heading", level=1)).to_have_text("This link has already been used")
    screenshot(second, "second-device")

    handler.once("dialog", lambda dialog: dialog.accept())
    handler.get_by_role("button", name="Withdraw").click()
    expect(caller.locator("#caller-state")).to_contain_text("withdrawn")
    caller.reload()
    expect(caller.get_by_role("heading", level=1)).to_have_text("This link has been withdrawn")
    screenshot(caller, "withdrawn")
    forged = open_page(media_browser, demo_server, contexts)
    forged.goto("/scene/not-a-real-link/")
    expect(forged.get_by_role("heading", level=1)).to_have_text("This link does not work")
