"""Every location format, with known reference points for the grid conversion."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import override_settings

from demandhub.incidents import locations
from demandhub.incidents.locations import LocationInvalid, parse

# Ordnance Survey's worked example (Caister water tower, "A guide to coordinate systems in Great
# Britain", OS 2020): ETRS89 52°39'28.8282"N 1°42'57.8663"E = National Grid E 651409.792
# N 313177.448 through OSTN15. pyproj's EPSG:27700 uses the Helmert transform (a few metres out),
# so the tolerance is 10 m.
CAISTER_LAT, CAISTER_LON = 52.6580078, 1.7160740
CAISTER_E, CAISTER_N = 651409.792, 313177.448


def metres_apart(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    return locations.distance_m(a_lat, a_lon, b_lat, b_lon)


def test_a_known_point_converts_from_latitude_longitude_to_the_grid():
    e, n = locations.latlon_to_bng(CAISTER_LAT, CAISTER_LON)

    assert abs(e - CAISTER_E) < 10
    assert abs(n - CAISTER_N) < 10


def test_easting_northing_converts_to_latitude_longitude():
    location = parse("651410, 313177")

    assert location.kind == "bng"
    assert metres_apart(location.latitude, location.longitude, CAISTER_LAT, CAISTER_LON) < 10
    assert location.grid_reference == "TG 51410 13177"


@pytest.mark.parametrize(
    ("text", "easting", "northing", "accuracy"),
    [
        ("TL 45000 58000", 545000, 258000, 1.0),  # 10-figure: 1 m square
        ("TL4500058000", 545000, 258000, 1.0),
        ("tl 4500 5800", 545005, 258005, 7.1),  # 8-figure: 10 m square, centre
        ("TL 450 580", 545050, 258050, 70.7),  # 6-figure: 100 m square, centre
        ("TG 51409 13177", 651409, 313177, 1.0),
        ("NN 16600 71200", 216600, 771200, 1.0),  # Ben Nevis summit area
        ("HU 39000 75000", 439000, 1175000, 1.0),  # Shetland
        ("SV 90000 10000", 90000, 10000, 1.0),  # Scilly
    ],
)
def test_lettered_grid_references_of_6_8_and_10_figures(text, easting, northing, accuracy):
    location = parse(text)

    assert location.kind == "gridref"
    assert (location.easting, location.northing) == (easting, northing)
    assert location.accuracy_m == accuracy


def test_a_grid_reference_lands_where_the_map_says():
    # TL 45000 58000 is central Cambridge (52.2012 N, 0.1203 E).
    location = parse("TL 45000 58000")

    assert metres_apart(location.latitude, location.longitude, 52.2012, 0.1203) < 30


def test_grid_references_are_written_back_from_eastings_and_northings():
    assert locations.grid_reference(545000, 258000) == "TL 45000 58000"
    assert locations.grid_reference(216600, 771200, digits=6) == "NN 166 712"
    assert locations.grid_reference(439000, 1175000) == "HU 39000 75000"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("AB 12345 67890", "not a square of the British National Grid"),
        ("XY 100 200", "not a square"),
        ("TL 123 45", "same number of figures"),
        ("TL 12345", "even number of figures"),
        ("JZ 12345 12345", "off the British National Grid"),
        ("900000, 100000", "off the British National Grid"),
        ("E 450000 N 1400000", "off the British National Grid"),
    ],
)
def test_grid_references_off_the_grid_are_refused(text, problem):
    with pytest.raises(LocationInvalid, match=problem):
        parse(text)


@pytest.mark.parametrize(
    ("text", "lat", "lon"),
    [
        ("52.2053, 0.1218", 52.2053, 0.1218),
        ("52.2053 0.1218", 52.2053, 0.1218),
        ("lat 52.2053 lon -0.1218", 52.2053, -0.1218),
        ("52.2053N 0.1218W", 52.2053, -0.1218),
    ],
)
def test_latitude_longitude_in_the_usual_spellings(text, lat, lon):
    location = parse(text)

    assert (location.kind, location.latitude, location.longitude) == ("latlon", lat, lon)
    assert location.grid_reference.startswith("TL")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("95.0, 0.1", "latitude 95 is not between -90 and 90"),
        ("52.1, 181.5", "longitude 181.5 is not between -180 and 180"),
    ],
)
def test_impossible_coordinates_are_refused(text, problem):
    with pytest.raises(LocationInvalid, match=problem):
        parse(text)


def test_a_position_abroad_is_kept_but_noted():
    location = parse("48.8566, 2.3522")

    assert location.grid_reference == ""
    assert "outside the British National Grid" in location.notes


def test_aml_gives_position_accuracy_and_method_and_tolerates_a_wrong_length():
    message = (
        'A"ML=1;lt=+51.53321;lg=-0.12601;rd=14;top=20220131171748;lc=68;pm=W;'
        "si=234159000000000;ei=123456789012345;mcc=234;mnc=15;ml=126"
    )

    location = parse(message)

    assert (location.kind, location.source) == ("aml", "aml")
    assert (location.latitude, location.longitude, location.accuracy_m) == (51.53321, -0.12601, 14)
    assert "method Wi-Fi" in location.notes
    assert any("ml=126" in n for n in location.notes)


def test_an_aml_message_without_a_fix_is_refused():
    message = (
        'A"ML=1;lt=+00.00000;lg=+000.00000;rd=N;top=20220131173734;lc=0;pm=N;'
        "si=234159000000000;ei=123456789012345;mcc=234;mnc=15;ml=127"
    )

    with pytest.raises(LocationInvalid, match="no position"):
        parse(message)


def test_free_text_addresses_are_kept_without_a_position():
    location = parse("14 Mill Road, Cambridge CB1 2AD")

    assert (location.kind, location.resolved, location.latitude) == ("address", False, None)


@pytest.mark.parametrize("text", ["hello", "!!!", "12", ""])
def test_nonsense_is_refused(text):
    with pytest.raises(LocationInvalid):
        parse(text)


def test_what3words_without_a_key_is_kept_and_flagged_unresolved(settings):
    settings.WHAT3WORDS_API_KEY = ""

    location = parse("///filled.count.soap")

    assert (location.kind, location.what3words, location.resolved) == (
        "what3words",
        "///filled.count.soap",
        False,
    )
    assert location.latitude is None
    assert "no what3words API key" in location.notes[0]


@pytest.mark.parametrize("text", ["///filled.count", "///filled.count.soap.extra", "///a1.b2.c3"])
def test_what3words_of_the_wrong_shape_is_refused(text):
    with pytest.raises(LocationInvalid, match="not a what3words address"):
        parse(text)


class FakeWhat3Words(BaseHTTPRequestHandler):
    """The what3words v3 convert-to-coordinates endpoint, for two known addresses."""

    KNOWN = {"filled.count.soap": (51.520847, -0.195521)}

    def do_GET(self) -> None:
        query = parse_qs(urlparse(self.path).query)
        FakeWhat3Words.seen.append(query)
        if query.get("key") != ["test-key"]:
            self._reply(401, {"error": {"code": "InvalidKey", "message": "bad key"}})
        elif (words := query["words"][0]) in self.KNOWN:
            lat, lng = self.KNOWN[words]
            self._reply(200, {"words": words, "coordinates": {"lat": lat, "lng": lng}})
        else:
            self._reply(400, {"error": {"code": "BadWords", "message": "not a 3 word address"}})

    def _reply(self, status: int, body: dict[str, object]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass

    seen: list[dict[str, list[str]]] = []


@pytest.fixture
def what3words_server() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), FakeWhat3Words)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v3"
    server.shutdown()
    server.server_close()


def test_what3words_is_resolved_through_the_api_when_a_key_is_set(what3words_server):
    with override_settings(WHAT3WORDS_API_KEY="test-key", WHAT3WORDS_API_URL=what3words_server):
        location = parse("///filled.count.soap")

    assert (location.latitude, location.longitude, location.resolved) == (
        51.520847,
        -0.195521,
        True,
    )
    assert location.source == "what3words"
    assert location.grid_reference.startswith("TQ")


def test_a_what3words_address_the_service_does_not_know_is_refused(what3words_server):
    with (
        override_settings(WHAT3WORDS_API_KEY="test-key", WHAT3WORDS_API_URL=what3words_server),
        pytest.raises(LocationInvalid, match="not a what3words address"),
    ):
        parse("///made.up.words")


def test_when_what3words_refuses_the_key_the_address_is_kept_unresolved(what3words_server):
    with override_settings(WHAT3WORDS_API_KEY="wrong", WHAT3WORDS_API_URL=what3words_server):
        location = parse("///filled.count.soap")

    assert location.resolved is False
    assert "InvalidKey" in location.notes[0]


def test_when_what3words_cannot_be_reached_the_address_is_kept_unresolved():
    with override_settings(WHAT3WORDS_API_KEY="k", WHAT3WORDS_API_URL="http://127.0.0.1:9/v3"):
        location = parse("///filled.count.soap")

    assert location.resolved is False
    assert "could not be reached" in location.notes[0]


def test_point_in_polygon_with_a_hole():
    outer = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
    hole = [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]
    boundary = {"type": "Polygon", "coordinates": [outer, hole]}

    assert locations.point_in_boundary(2, 2, boundary)
    assert not locations.point_in_boundary(5, 5, boundary)
    assert not locations.point_in_boundary(11, 5, boundary)
    assert locations.point_in_boundary(5, 5, {"type": "MultiPolygon", "coordinates": [[hole]]})
