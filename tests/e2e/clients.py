"""What the durability tests send: JSON over HTTP with a bearer token and an idempotency key,
retried the way a telephony gateway retries, and websocket consoles."""

import http.client
import json
import re
import time
import urllib.error
import urllib.request
from typing import Any

from websockets.sync.client import ClientConnection, connect

from .server import DemoServer
from .web import WebClient

TIMEOUT = 10  # seconds for one HTTP request (a guard against hangs)


def issue_token(server: DemoServer, username: str) -> str:
    issued = server.demandhub("token", "issue", "--user", username, "--name", f"test {time.time()}")
    assert issued.returncode == 0, issued.stderr
    match = re.search(r"(dh_\S+)", issued.stdout)
    assert match, issued.stdout
    return match.group(1)


def post_json(
    base_url: str, path: str, body: object, *, token: str, key: str | None = None
) -> tuple[int, Any]:
    """(status, parsed body); status 0 when the server could not be reached or cut us off."""
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    request = urllib.request.Request(  # noqa: S310  (our own test server)
        base_url + path, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.status, json.load(response)
    except urllib.error.HTTPError as e:
        with e:
            text = e.read().decode(errors="replace")
        try:
            return e.code, json.loads(text)
        except ValueError:
            return e.code, text
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError):
        return 0, None  # refused, cut off mid-answer, or an answer cut short


def get(base_url: str, path: str, *, token: str | None = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(base_url + path, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.status, json.load(response)
    except urllib.error.HTTPError as e:
        with e:
            text = e.read().decode(errors="replace")
        try:
            return e.code, json.loads(text)
        except ValueError:
            return e.code, text
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError):
        return 0, None


def offered(call_id: str) -> dict[str, str]:
    from datetime import UTC, datetime

    return {
        "call_id": call_id,
        "event": "offered",
        "line": "999",
        "occurred_at": datetime.now(UTC).isoformat(),
        "cli": "07700 900123",
    }


def console(server: DemoServer, group: str, *, username: str = "dispatcher") -> ClientConnection:
    """A signed-in console's live socket on `group`, as live.js opens it."""
    from demandhub.forces.demo_data import DEMO_PASSWORD

    browser = WebClient(server.base_url)
    browser.sign_in(username, DEMO_PASSWORD)
    session = browser.cookie("sessionid")
    assert session, "sign-in failed"
    return connect(
        server.base_url.replace("http://", "ws://") + f"/ws/live/{group}/",
        additional_headers={"Cookie": f"sessionid={session}", "Origin": server.base_url},
        open_timeout=TIMEOUT,
    )


def next_notice(socket: ClientConnection, *, timeout: float) -> dict[str, Any]:
    return json.loads(socket.recv(timeout=timeout))  # type: ignore[no-any-return]
