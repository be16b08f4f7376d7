"""The force directory: the map of areas and stations, and the resources, all served locally."""

from itertools import combinations
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error, FloatRect, Page, expect

from demandhub.forces import demo_data

from .conftest import Screenshot
from .staff import sign_in

pytestmark = pytest.mark.browser

AREAS = len(demo_data.AREAS)
STATIONS = sum(len(area["stations"]) for area in demo_data.AREAS)


def demo_fleet_size() -> int:
    per_station = {
        "urban": sum(count for *_, count in demo_data.URBAN_FLEET),
        "rural": sum(count for *_, count in demo_data.RURAL_FLEET),
    }
    at_stations = sum(
        per_station[area["area_type"]] * len(area["stations"]) for area in demo_data.AREAS
    )
    return at_stations + len(demo_data.SPECIALISTS)


def overlap(a: FloatRect | None, b: FloatRect | None) -> bool:
    if a is None or b is None:
        return False
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def test_a_dispatcher_sees_every_resource_without_the_page_leaving_the_server(
    page: Page, screenshot: Screenshot
):
    hosts: set[str | None] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname))
    sign_in(page, "dispatcher")

    page.goto("/force/")

    expect(page.locator("#map.leaflet-container")).to_be_visible()
    expect(page.locator("table tbody tr")).to_have_count(demo_fleet_size())
    screenshot(page, "directory")
    assert hosts == {"127.0.0.1"}


def test_the_map_outlines_each_area_and_labels_each_station(page: Page, screenshot: Screenshot):
    errors: list[Error] = []
    page.on("pageerror", lambda error: errors.append(error))
    sign_in(page, "dispatcher")

    page.goto("/force/")

    expect(page.locator("#map.leaflet-container")).to_be_visible()
    assert [error.message for error in errors] == []
    # One outline per policing area and one circle per station.
    expect(page.locator("#map .leaflet-overlay-pane path")).to_have_count(AREAS + STATIONS)
    expect(page.locator("#map").get_by_text("Parkside", exact=True)).to_be_visible()
    expect(page.locator("#map .leaflet-tooltip")).to_have_count(STATIONS)
    screenshot(page, "map")


def test_no_two_station_labels_overlap(page: Page):
    sign_in(page, "dispatcher")

    page.goto("/force/")

    labels = page.locator("#map .leaflet-tooltip")
    expect(labels).to_have_count(STATIONS)
    boxes = {label.inner_text(): label.bounding_box() for label in labels.all()}
    overlapping = [
        (a, b) for (a, box_a), (b, box_b) in combinations(boxes.items(), 2) if overlap(box_a, box_b)
    ]
    assert overlapping == []
