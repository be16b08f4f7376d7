"""The OSRM client against a tiny local server speaking OSRM's /table format (no internet)."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from demandhub.dispatch.routing import RoutingUnavailable, configured_road_seconds, osrm_durations


class FakeOsrm(BaseHTTPRequestHandler):
    """Answers /table/v1/driving/... with 60 s per 0.01 degree of latitude from the destination,
    or whatever the test put in `reply`."""

    reply: object = None
    status = 200
    requests: list[str] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        url = urlsplit(self.path)
        parts = url.path.split("/")
        if parts[1:4] != ["table", "v1", "driving"]:
            self.send_error(404)
            return
        coords = [tuple(map(float, c.split(","))) for c in parts[4].split(";")]
        query = parse_qs(url.query)
        sources = [int(i) for i in query["sources"][0].split(";")]
        destination = coords[int(query["destinations"][0])]
        body = self.reply
        if body is None:
            body = {
                "code": "Ok",
                "durations": [[abs(coords[i][1] - destination[1]) * 6000] for i in sources],
            }
        data = json.dumps(body).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def osrm() -> Iterator[str]:
    FakeOsrm.reply, FakeOsrm.status, FakeOsrm.requests = None, 200, []
    server = HTTPServer(("127.0.0.1", 0), FakeOsrm)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_durations_come_from_one_table_request_with_lon_lat_order(osrm):
    seconds = osrm_durations([(52.21, 0.12), (52.25, 0.12)], (52.20, 0.12), base_url=osrm)

    assert seconds == pytest.approx([60.0, 300.0])
    (path,) = FakeOsrm.requests
    assert path.startswith(
        "/table/v1/driving/0.120000,52.210000;0.120000,52.250000;0.120000,52.200000?"
    )
    assert "sources=0;1&destinations=2&annotations=duration" in path


def test_unroutable_origins_come_back_as_none(osrm):
    FakeOsrm.reply = {"code": "Ok", "durations": [[None], [42.5]]}

    assert osrm_durations([(52.2, 0.1), (52.3, 0.1)], (52.2, 0.12), base_url=osrm) == [None, 42.5]


@pytest.mark.parametrize(
    ("reply", "status"),
    [
        ({"code": "InvalidQuery", "message": "Query string malformed"}, 400),
        ({"code": "Ok", "durations": [[1.0]]}, 200),  # wrong shape for two origins
        (["not", "an", "object"], 200),
    ],
)
def test_errors_from_the_server_raise_routing_unavailable(osrm, reply, status):
    FakeOsrm.reply, FakeOsrm.status = reply, status

    with pytest.raises(RoutingUnavailable):
        osrm_durations([(52.2, 0.1), (52.3, 0.1)], (52.2, 0.12), base_url=osrm)


def test_a_server_that_is_not_there_raises_routing_unavailable():
    with pytest.raises(RoutingUnavailable):
        osrm_durations([(52.2, 0.1)], (52.2, 0.12), base_url="http://127.0.0.1:9", timeout=0.5)


def test_the_configured_road_time_falls_back_to_estimates_when_osrm_fails(settings):
    settings.OSRM_URL = "http://127.0.0.1:9"
    settings.OSRM_TIMEOUT_SECONDS = 0.5

    road = configured_road_seconds()

    assert road is not None
    assert road([(52.2, 0.1), (52.3, 0.1)], (52.2, 0.12)) == [None, None]


def test_without_osrm_url_there_is_no_road_time(settings):
    settings.OSRM_URL = ""

    assert configured_road_seconds() is None
