"""Living demand for `demandhub demo`: the generator (and the simulated staff and units) in
background threads against the demo's own server, logging what they sent and what the server
answered to files."""

import json
import logging
import random
import threading
import time
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from . import generator, runner
from .client import ApiClient
from .gateway import Answer, Gateway
from .geography import Area
from .profile import CHANNELS, Profile
from .simulation import Config, Script, Simulation

logger = logging.getLogger(__name__)
READY_TIMEOUT = 60  # seconds to wait for the server's /healthz
TICK = 2.0  # seconds between the simulated staff's and units' rounds of work


WARM_CONTACTS = 12  # the demo opens with about this many contacts' worth of the shift
WARM_LEAST, WARM_MOST = timedelta(minutes=30), timedelta(hours=6)
WARM_STEP = timedelta(seconds=30)  # simulated time between the simulation's rounds in warm-up


@dataclass(frozen=True)
class Staff:
    """Tokens for the simulated staff and units; None runs living demand alone."""

    handler_token: str
    dispatcher_token: str
    locator_token: str
    log_path: Path
    config: Config | None = None


def warm_start(profile: Profile, now: datetime, *, contacts: float = WARM_CONTACTS) -> datetime:
    """Where the demo's shift begins: at least WARM_LEAST ago, and far enough back (at most
    WARM_MOST) for about `contacts` contacts at the profile's rates, so a demo started at 04:00
    opens as busy as one started in the afternoon."""
    begin, expected = now, 0.0
    while begin > now - WARM_MOST and (expected < contacts or now - begin < WARM_LEAST):
        begin -= timedelta(minutes=5)
        how = generator.hour_of_week(begin, generator.LONDON)
        expected += sum(profile.rates(channel)[how] for channel in CHANNELS) / 12
    return begin


def start(
    *,
    base_url: str,
    token: str,
    areas: list[Area],
    log_path: Path,
    speed: float = 1.0,
    seed: int | None = None,
    profile: Profile | None = None,
    staff: Staff | None = None,
    warm: bool = True,
    minutes: float | None = None,
) -> tuple[threading.Thread, threading.Event]:
    """Living demand (and, with `staff`, simulated staff and units) in daemon threads against
    the server at base_url; set the returned event to stop them.

    Once the server answers, the shift so far is caught up at once: the generator's demand
    from warm_start() until now is sent, the simulation working it round by round in simulated
    time, so queues, incidents and units on the road are there from the first minute. Then
    both carry on in real time (`speed` times real time). warm=False starts from nothing (a
    training exercise); `minutes` of simulated demand, then the generator stops."""
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
            "staff": staff,
            "warm": warm,
            "minutes": minutes,
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
    staff: Staff | None,
    warm: bool,
    minutes: float | None,
    stop: threading.Event,
) -> None:
    if not _wait_until_ready(base_url, stop):
        logger.warning("demand generator: %s never answered /healthz; not started", base_url)
        return
    gateway = Gateway(base_url, token)
    script = Script()
    simulation = None
    if staff is not None:
        simulation = Simulation(
            handler_api=ApiClient(base_url, staff.handler_token),
            dispatcher_api=ApiClient(base_url, staff.dispatcher_token),
            locator_api=ApiClient(base_url, staff.locator_token),
            script=script,
            config=staff.config,
            seed=seed,
        )
    with log_path.open("a", encoding="utf-8") as log:

        def record(send: generator.Send, wall: datetime, answer: Answer) -> None:
            if answer.ok:
                script.heard(send)
            log.write(json.dumps(result_line(send, wall, answer)) + "\n")
            log.flush()

        now = datetime.now(UTC)
        begin = warm_start(profile, now) if warm else now
        log.write(
            json.dumps({"started": now.isoformat(), "seed": seed, "warm_from": begin.isoformat()})
            + "\n"
        )
        so_far = generator.generate(profile, areas=areas, seed=seed, start=begin, end=now)
        _catch_up(so_far, gateway, record, simulation, staff, begin, now, stop)
        if simulation is not None and staff is not None:
            threading.Thread(
                target=_simulate,
                name="demand-simulation",
                args=(simulation, staff.log_path, speed, stop),
                daemon=True,
            ).start()
        end = runner.simulated_end(now, minutes)
        sends = generator.generate(profile, areas=areas, seed=seed + 1, start=now, end=end)
        runner.run(sends, gateway.send, speed=speed, on_result=record, stop=stop)


def _catch_up(
    sends: Iterable[generator.Send],
    gateway: Gateway,
    record: runner.OnResult,
    simulation: Simulation | None,
    staff: Staff | None,
    begin: datetime,
    end: datetime,
    stop: threading.Event,
) -> None:
    """Send the shift so far at once; the simulation works it in simulated time."""
    log = staff.log_path.open("a", encoding="utf-8") if staff is not None else None
    try:

        def step(at: datetime) -> None:
            if simulation is not None and log is not None:
                simulation.step(at, lambda event: _log_event(log, event))

        due = begin
        for send in sends:
            while due <= send.at:
                step(due)
                due += WARM_STEP
            if stop.is_set():
                return
            wall = datetime.now(UTC)
            record(send, wall, gateway.send(send, wall))
        while due <= end:
            step(due)
            due += WARM_STEP
    finally:
        if log is not None:
            log.close()


def _log_event(log: TextIO, event: dict[str, object]) -> None:
    log.write(json.dumps({"at": datetime.now(UTC).isoformat(), **event}) + "\n")
    log.flush()


def _simulate(simulation: Simulation, log_path: Path, speed: float, stop: threading.Event) -> None:
    """The simulation's rounds of work in real time (`speed` times), every TICK seconds."""
    began, start = time.monotonic(), datetime.now(UTC)
    with log_path.open("a", encoding="utf-8") as log:
        while not stop.is_set():
            now = start + timedelta(seconds=(time.monotonic() - began) * speed)
            try:
                simulation.step(now, lambda event: _log_event(log, event))
            except Exception:  # a surprising answer must not end the demo's simulation
                logger.exception("simulation: a round of work failed; carrying on")
            stop.wait(TICK)


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
