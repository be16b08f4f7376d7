"""Living demand for `demandhub demo`: the generator in a background thread against the demo's
own server, logging what it sent and what the server answered to a file."""

import json
import logging
import random
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from . import generator, runner
from .gateway import Answer, Gateway
from .geography import Area
from .profile import Profile

logger = logging.getLogger(__name__)
READY_TIMEOUT = 60  # seconds to wait for the server's /healthz


def start(
    *,
    base_url: str,
    token: str,
    areas: list[Area],
    log_path: Path,
    speed: float = 1.0,
    seed: int | None = None,
    profile: Profile | None = None,
) -> tuple[threading.Thread, threading.Event]:
    """Start the generator in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    chosen = seed if seed is not None else random.SystemRandom().randrange(1_000_000)
    thread = threading.Thread(
        target=_run,
        name="demand-generator",
        kwargs={
            "base_url": base_url,
            "token": token,
            "areas": areas,
            "log_path": log_path,
            "speed": speed,
            "seed": chosen,
            "profile": profile or Profile(),
            "stop": stop,
        },
        daemon=True,
    )
    thread.start()
    return thread, stop


def _run(
    *,
    base_url: str,
    token: str,
    areas: list[Area],
    log_path: Path,
    speed: float,
    seed: int,
    profile: Profile,
    stop: threading.Event,
) -> None:
    if not _wait_until_ready(base_url, stop):
        logger.warning("demand generator: %s never answered /healthz; not started", base_url)
        return
    gateway = Gateway(base_url, token)
    with log_path.open("a", encoding="utf-8") as log:

        def record(send: generator.Send, wall: datetime, answer: Answer) -> None:
            log.write(json.dumps(result_line(send, wall, answer)) + "\n")
            log.flush()

        log.write(json.dumps({"started": datetime.now(UTC).isoformat(), "seed": seed}) + "\n")
        sends = generator.generate(profile, areas=areas, seed=seed, start=datetime.now(UTC))
        runner.run(sends, gateway.send, speed=speed, on_result=record, stop=stop)


def result_line(send: generator.Send, wall: datetime, answer: Answer) -> dict[str, object]:
    """One JSON-able line per send: what was sent, why, and what the server answered."""
    line: dict[str, object] = {
        "sent_at": wall.isoformat(),
        "kind": send.kind,
        "role": send.role,
        "channel": send.channel,
        "classification": send.classification,
        "incident": send.incident,
        "area": send.area,
        "status": answer.status,
        "ok": answer.ok,
        "answer": answer.summary,
    }
    if send.line_number is not None:
        line["line"] = send.line_number
    return line


def _wait_until_ready(base_url: str, stop: threading.Event) -> bool:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline and not stop.is_set():
        try:
            url = base_url.rstrip("/") + "/healthz"
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return True
        except OSError:
            pass
        stop.wait(0.5)
    return False
