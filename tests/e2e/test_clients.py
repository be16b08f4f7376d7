"""The shared burst sender (clients.Burst, used by test_durability.py and
bench/durability_kill.py) against a stand-in gateway endpoint on 127.0.0.1: every call is
retried with its key and the same body until a 2xx, replays and retries are counted, and a
4xx stops the senders. No demo server: the stand-in answers at once."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from .clients import EVENTS, Burst, post_bytes


class Gateway:
    """Answers 503 to each call's first attempt; then 200 naming a contact, as a replay on
    every other call; with refuse_after set, 400 from that many calls on."""

    def __init__(self, refuse_after: int | None = None) -> None:
        self.lock = threading.Lock()
        self.attempts: dict[str, list[dict[str, Any]]] = {}
        self.refuse_after = refuse_after

    def answer(self, key: str, body: dict[str, Any]) -> tuple[int, dict[str, Any], bool]:
        with self.lock:
            seen = self.attempts.setdefault(key, [])
            seen.append(body)
            number = list(self.attempts).index(key)
        if self.refuse_after is not None and number >= self.refuse_after:
            return 400, {"detail": "refused"}, False
        if len(seen) == 1:
            return 503, {"detail": "restarting"}, False
        return 200, {"contact": 1000 + number}, number % 2 == 1


@contextmanager
def serving(gateway: Gateway) -> Iterator[Any]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            assert self.path == EVENTS
            length = int(self.headers["Content-Length"])
            body = json.loads(self.rfile.read(length))
            status, answer, replayed = gateway.answer(self.headers["Idempotency-Key"], body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if replayed:
                self.send_header("Idempotent-Replayed", "true")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield type("Server", (), {"base_url": f"http://127.0.0.1:{httpd.server_port}"})()
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_each_call_is_retried_with_its_key_and_the_same_body_until_acknowledged():
    gateway = Gateway()
    with serving(gateway) as server:
        burst = Burst(server, "dh_test", senders=2, prefix="Z", digits=3)
        with burst.running():
            burst.wait_for(6)

    acked = burst.snapshot()
    assert len(acked) >= 6
    # A sender finishes the call it started even once stopped: every call sent is acknowledged.
    assert set(gateway.attempts) == set(acked)
    assert {call[:3] for call in acked} <= {"Z0-", "Z1-"}
    for call, answer in acked.items():
        attempts = gateway.attempts[call]
        assert len(attempts) == 2  # the 503, then the acknowledgement
        assert attempts[0] == attempts[1]  # the same body, offered time included
        assert attempts[0]["call_id"] == call
        assert answer["contact"] == 1000 + list(gateway.attempts).index(call)
    assert burst.retries == len(acked)  # each call needed exactly one retry
    assert sorted(set(burst.answers)) == [200, 503]
    assert burst.answers.count(200) == burst.answers.count(503) == len(acked)
    assert burst.replays == sum(1 for call in acked if list(gateway.attempts).index(call) % 2)
    assert not burst.refused
    assert not burst.crashed


def test_a_4xx_is_not_retried_and_stops_every_sender():
    gateway = Gateway(refuse_after=2)
    with serving(gateway) as server:
        burst = Burst(server, "dh_test", senders=1, guard=30)
        with burst.running(), pytest.raises(AssertionError, match="senders stopped"):
            burst.wait_for(10)

    assert burst.refused == [(400, {"detail": "refused"})]
    assert len(burst.acked) == 2
    assert burst.stop.is_set()


def test_post_bytes_gives_zero_when_nothing_answers():
    status, answer, headers = post_bytes("http://127.0.0.1:9", EVENTS, b"{}", {}, timeout=2)

    assert (status, answer, headers) == (0, None, {})
