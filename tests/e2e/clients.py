"""What the durability tests and benchmarks send: JSON over HTTP with a bearer token and an
idempotency key, a burst of calls retried the way a telephony gateway retries, and websocket
consoles."""

import http.client
import json
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from websockets.sync.client import ClientConnection, connect

from .server import DemoServer
from .web import WebClient

TIMEOUT = 10  # seconds for one HTTP request (a guard against hangs)
EVENTS = "/api/contacts/telephony/events"


def issue_token(server: DemoServer, username: str) -> str:
    issued = server.demandhub("token", "issue", "--user", username, "--name", f"test {time.time()}")
    assert issued.returncode == 0, issued.stderr
    match = re.search(r"(dh_\S+)", issued.stdout)
    assert match, issued.stdout
    return match.group(1)


def post_bytes(
    base_url: str,
    path: str,
    body: bytes,
    headers: dict[str, str],
    *,
    timeout: float = TIMEOUT,
) -> tuple[int, Any, dict[str, str]]:
    """POST `body` as it is: (status, parsed JSON body or text, answer headers); status 0 when
    the server could not be reached or cut the answer off."""
    request = urllib.request.Request(  # noqa: S310  (our own server)
        base_url + path, data=body, headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, json.load(response), dict(response.headers)
    except urllib.error.HTTPError as e:
        with e:
            text = e.read().decode(errors="replace")
        try:
            return e.code, json.loads(text), dict(e.headers)
        except ValueError:
            return e.code, text, dict(e.headers)
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError):
        return 0, None, {}  # refused, cut off mid-answer, or an answer cut short


def post_json(
    base_url: str, path: str, body: object, *, token: str, key: str | None = None
) -> tuple[int, Any]:
    """(status, parsed body); status 0 when the server could not be reached or cut us off."""
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    status, answer, _ = post_bytes(base_url, path, json.dumps(body).encode(), headers)
    return status, answer


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


class Burst:
    """Sender threads sending 999 calls (`offered` events) as a telephony gateway does: each
    call is retried with its call id as Idempotency-Key and the same body until a 2xx comes
    back. A 4xx is a bug, never a retry case: it stops every sender. Records every answer.

    Call ids are <prefix><sender>-<n>, n zero-padded to `digits`. Used by
    tests/e2e/test_durability.py and bench/durability_kill.py.
    """

    def __init__(
        self,
        server: DemoServer,
        token: str,
        *,
        senders: int = 2,
        prefix: str = "T",
        digits: int = 5,
        guard: float = 90,
    ) -> None:
        self.server, self.token = server, token
        self.digits, self.guard = digits, guard  # guard: seconds before a stuck wait fails
        self.lock = threading.Lock()
        self.acked: dict[str, Any] = {}  # call id -> the answer's body
        self.answers: list[int] = []  # every attempt's status; 0: no answer (cut off, down)
        self.retries = 0  # attempts after a call's first
        self.replays = 0  # answered from the stored first answer (Idempotent-Replayed)
        self.refused: list[tuple[int, Any]] = []
        self.crashed: list[BaseException] = []
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._send, args=(f"{prefix}{n}-",), daemon=True)
            for n in range(senders)
        ]

    def _send(self, prefix: str) -> None:
        try:
            self._send_until_stopped(prefix)
        except BaseException as e:
            self.crashed.append(e)

    def _send_until_stopped(self, prefix: str) -> None:
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"}
        number = 0
        while not self.stop.is_set():
            call_id = f"{prefix}{number:0{self.digits}d}"
            number += 1
            body = json.dumps(offered(call_id)).encode()  # one body for every attempt
            attempt = 0
            while True:
                status, answer, answer_headers = post_bytes(
                    self.server.base_url, EVENTS, body, {**headers, "Idempotency-Key": call_id}
                )
                with self.lock:
                    self.answers.append(status)
                    self.retries += attempt > 0
                    if 200 <= status < 300:
                        self.acked[call_id] = answer
                        self.replays += answer_headers.get("Idempotent-Replayed") == "true"
                if 200 <= status < 300:
                    break
                if 400 <= status < 500:
                    with self.lock:
                        self.refused.append((status, answer))
                    self.stop.set()
                    return
                attempt += 1
                time.sleep(0.05)  # down or restarting: retry the same call with the same key

    def wait_for(self, count: int) -> None:
        """Until `count` calls are acknowledged; fails on a refusal, a crash or the guard."""
        deadline = time.monotonic() + self.guard
        while len(self.acked) < count:
            if self.refused or self.crashed:
                raise AssertionError(f"senders stopped: {self.refused} {self.crashed}")
            if time.monotonic() > deadline:
                raise AssertionError(f"only {len(self.acked)} of {count} acknowledged")
            time.sleep(0.01)

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return dict(self.acked)

    @contextmanager
    def running(self) -> Iterator["Burst"]:
        for t in self.threads:
            t.start()
        try:
            yield self
        finally:
            self.stop.set()
            for t in self.threads:
                t.join(self.guard)


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
