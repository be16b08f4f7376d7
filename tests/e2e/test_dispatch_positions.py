"""A vehicle locator reports positions to the real server with its bearer token, as a device
would: no session, no CSRF cookie."""

import json
import re
import urllib.error
import urllib.request
from datetime import UTC, datetime

from .server import DemoServer


def post_json(url: str, body: object, token: str) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(  # noqa: S310  (our own test server)
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.load(response)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def test_a_locator_reports_positions_with_its_token_and_bad_fixes_are_refused(
    demo_server: DemoServer,
):
    issued = demo_server.demandhub("token", "issue", "--user", "vehicle_locator", "--name", "AVL")
    assert issued.returncode == 0, issued.stderr
    token = re.search(r"(dh_\S+)", issued.stdout).group(1)  # type: ignore[union-attr]
    now = datetime.now(UTC).isoformat()

    status, body = post_json(
        demo_server.url("/api/dispatch/positions"),
        {
            "positions": [
                {"call_sign": "R01", "latitude": 52.2101, "longitude": 0.1302, "recorded_at": now},
                {"call_sign": "R02", "latitude": 95.0, "longitude": 0.1302, "recorded_at": now},
            ]
        },
        token,
    )

    assert status == 200, body
    assert (body["accepted"], body["refused"]) == (1, 1)
    assert demo_server.query("SELECT latitude FROM dispatch_resource WHERE call_sign = 'R01'") == [
        (52.2101,)
    ]
