"""Simulated staff and units for the demo: call handlers who answer 999 and 101 calls, raise and
grade incidents; a dispatcher who deploys the recommended unit; crews who drive to their
incidents along a road-like path at their kind's blue-light speed, arrive and clear.

They drive the hub only through its JSON API with bearer tokens, like any other client:
contacts (take-next, location, outcome), incidents (grade), dispatch (recommendations,
assignments, unit status, positions from the vehicle locator). Each `step(now)` does one round
of work at simulated time `now`; the demo calls it every few seconds, tests call it by hand.

They leave work for people: the call handlers take 999 and 101 only (web chats, online
reports, emails and social media wait for a person) and only as many at once as there are
simulated handlers; the dispatcher deploys Grade 1 and 2 only, and only after they have
waited a while (Grade 3 appointments are a person's); contacts and units a person is working
are left alone (take-next never takes a held contact; a unit whose status someone else
changes is dropped from the simulation's plan).
"""

import logging
import math
import random
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from demandhub.dispatch.travel import speed_kmh

from .client import ApiClient, Reply
from .generator import MESSAGE, TELEPHONY, Send
from .narratives import narrative

logger = logging.getLogger(__name__)
SCRIPT_SIZE = 20_000  # callers remembered


@dataclass(frozen=True)
class Said:
    """What a generated caller tells the handler who answers: where, what, and which
    incident (the generator's tag, shared by every caller about the same event)."""

    channel: str
    classification: str
    incident: str
    latitude: float | None
    longitude: float | None
    place: str


class Script:
    """The callers' side of each conversation, filled in as the generator sends: the
    simulated handler "hears" it when it answers the contact with that call or message id.
    Also which incident each generated event has become, so later callers are linked."""

    def __init__(self) -> None:
        self._said: OrderedDict[str, Said] = OrderedDict()
        self._raised: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def heard(self, send: Send) -> None:
        if send.kind == TELEPHONY and send.payload.get("event") == "offered":
            key = str(send.payload["call_id"])
        elif send.kind == MESSAGE:
            key = str(send.payload["external_id"])
        else:
            return
        said = Said(
            send.channel,
            send.classification,
            send.incident,
            send.latitude,
            send.longitude,
            send.place,
        )
        with self._lock:
            self._said[key] = said
            while len(self._said) > SCRIPT_SIZE:
                self._said.popitem(last=False)

    def told(self, external_id: str) -> Said | None:
        with self._lock:
            return self._said.get(external_id)

    def incident_for(self, tag: str) -> str | None:
        with self._lock:
            return self._raised.get(tag)

    def became(self, tag: str, reference: str) -> None:
        with self._lock:
            self._raised[tag] = reference
            while len(self._raised) > SCRIPT_SIZE:
                self._raised.popitem(last=False)


@dataclass(frozen=True)
class Config:
    call_handlers: int = 2  # contacts held at once
    channels: tuple[str, ...] = ("999", "101")
    handling_seconds: dict[str, tuple[float, float]] = field(
        default_factory=lambda: {"999": (60.0, 180.0), "101": (120.0, 360.0)}
    )
    dispatch_grades: frozenset[int] = frozenset({1, 2})
    dispatch_after_seconds: float = 30.0  # a person may deploy first
    on_scene_minutes: tuple[float, float] = (10.0, 40.0)
    urgent_999: float = 0.4  # 999 calls the handler finds high threat and risk (Grade 1)
    priority_101: float = 0.15  # 101 calls with medium threat and risk (Grade 2)


OnEvent = Callable[[dict[str, Any]], None]


def assessment_for(
    channel: str, said: Said | None, rng: random.Random, config: Config
) -> dict[str, Any]:
    """A THRIVE+ assessment as a handler would record it from the caller's account."""
    if channel == "999":
        level = "high" if rng.random() < config.urgent_999 else "medium"
    else:
        level = "medium" if rng.random() < config.priority_101 else "low"
    what = said.classification if said else "the caller's account"
    return {
        "elements": {
            "threat": {"level": level, "rationale": f"{what}: threat as the caller describes"},
            "harm": {"level": level, "rationale": "harm judged from the caller's account"},
            "risk": {"level": level, "rationale": "risk if nobody attends"},
            "investigation": {"level": "medium", "rationale": "witnesses and scene available"},
            "vulnerability": {"level": "low", "rationale": "no vulnerability disclosed"},
            "engagement": {"level": "low", "rationale": "caller willing to engage"},
        },
        "circumstances": [],
        "plus": {},
    }


@dataclass
class _Held:
    contact: dict[str, Any]
    due: datetime


class CallHandlers:
    """`Config.call_handlers` simulated call handlers sharing one staff account's token."""

    def __init__(
        self,
        api: ApiClient,
        script: Script,
        config: Config,
        rng: random.Random,
        tally: Counter[str],
    ) -> None:
        self.api, self.script, self.config, self.rng, self.tally = api, script, config, rng, tally
        self.held: list[_Held] = []

    def step(self, now: datetime, on_event: OnEvent) -> None:
        for held in [h for h in self.held if h.due <= now]:
            self.held.remove(held)
            self._finish(held.contact, on_event)
        while len(self.held) < self.config.call_handlers:
            reply = self.api.post(
                "/api/contacts/take-next", {"channels": list(self.config.channels)}
            )
            if reply.status != 200:
                if reply.status != 204:
                    self._refused("take-next", reply, on_event)
                break
            contact = reply.data
            low, high = self.config.handling_seconds.get(contact["channel"], (120.0, 300.0))
            self.held.append(_Held(contact, now + timedelta(seconds=self.rng.uniform(low, high))))
            self.tally["contacts taken"] += 1
            on_event({"did": "took", "contact": contact["id"], "channel": contact["channel"]})

    def _finish(self, contact: dict[str, Any], on_event: OnEvent) -> None:
        pk = contact["id"]
        said = self.script.told(contact["external_id"]) if contact["external_id"] else None
        if said is not None and said.latitude is not None:
            where = {"latitude": said.latitude, "longitude": said.longitude, "text": said.place}
            reply = self.api.post(f"/api/contacts/{pk}/location", where)
            if not reply.ok:
                return self._refused("location", reply, on_event)
            contact = reply.data
        earlier = self.script.incident_for(said.incident) if said else None
        if earlier:
            reply = self.api.post(
                f"/api/contacts/{pk}/outcome",
                {
                    "outcome": "incident_linked",
                    "incident_reference": earlier,
                    "reason": "another caller about the same incident",
                },
            )
            if reply.ok:
                self.tally["contacts linked"] += 1
                on_event({"did": "linked", "contact": pk, "incident": earlier})
                return None
        if contact.get("latitude") is None:
            # Nowhere to send anyone: the handler advises and closes the contact.
            reply = self.api.post(f"/api/contacts/{pk}/outcome", {"outcome": "advice_given"})
            if not reply.ok:
                return self._refused("outcome", reply, on_event)
            self.tally["advice given"] += 1
            on_event({"did": "advised", "contact": pk})
            return None
        code = said.classification if said else ""
        summary = narrative(self.rng, code, said.place if said else "the location given")
        reply = self.api.post(
            f"/api/contacts/{pk}/outcome",
            {"outcome": "incident_raised", "summary": summary, "classification": code},
        )
        if not reply.ok:
            return self._refused("outcome", reply, on_event)
        incident, reference = reply.data["incident"], reply.data["incident_reference"]
        self.tally["incidents raised"] += 1
        if said is not None:
            self.script.became(said.incident, reference)
        graded = self.api.post(
            f"/api/incidents/{incident}/grade",
            {"assessment": assessment_for(contact["channel"], said, self.rng, self.config)},
        )
        if not graded.ok:
            return self._refused("grade", graded, on_event)
        self.tally[f"graded {graded.data['grade']}"] += 1
        on_event(
            {"did": "raised", "contact": pk, "incident": reference, "grade": graded.data["grade"]}
        )
        return None

    def _refused(self, what: str, reply: Reply, on_event: OnEvent) -> None:
        self.tally[f"{what} refused"] += 1
        on_event({"did": f"{what} refused", "status": reply.status, "detail": reply.detail()})


class Dispatcher:
    """A simulated dispatcher deploying the first recommended available unit."""

    def __init__(self, api: ApiClient, config: Config, tally: Counter[str]) -> None:
        self.api, self.config, self.tally = api, config, tally
        self.first_seen: dict[int, datetime] = {}

    def step(self, now: datetime, on_event: OnEvent) -> None:
        reply = self.api.get("/api/incidents", status="awaiting_deployment")
        if not reply.ok:
            self.tally["incidents refused"] += 1
            return
        waiting = {i["id"]: i for i in reply.data}
        self.first_seen = {pk: t for pk, t in self.first_seen.items() if pk in waiting}
        wait = timedelta(seconds=self.config.dispatch_after_seconds)
        for pk, incident in waiting.items():
            if incident["grade"] not in self.config.dispatch_grades:
                continue
            if incident["latitude"] is None:
                continue
            seen = self.first_seen.setdefault(pk, now)
            if now - seen >= wait:
                self._deploy(incident, on_event)

    def _deploy(self, incident: dict[str, Any], on_event: OnEvent) -> None:
        pk = incident["id"]
        recs = self.api.get(f"/api/dispatch/incidents/{pk}/recommendations")
        if not recs.ok:
            return
        choice = next(
            (
                r
                for r in recs.data["recommendations"]
                if r["status"] == "available" and not r["diversion"]
            ),
            None,
        )
        if choice is None:
            self.tally["no unit free"] += 1
            return
        made = self.api.post(
            f"/api/dispatch/incidents/{pk}/assignments", {"call_signs": [choice["call_sign"]]}
        )
        if made.status == 201:
            self.first_seen.pop(pk, None)
            self.tally["units assigned"] += 1
            on_event(
                {"did": "assigned", "incident": incident["reference"], "unit": choice["call_sign"]}
            )
        else:
            self.tally["assign refused"] += 1


# --- Units ------------------------------------------------------------------------------------

EARTH_RADIUS_KM = 6371.0


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def bearing(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    y = math.sin(lon2 - lon1) * math.cos(lat2)
    x = math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(lon2 - lon1)
    return math.degrees(math.atan2(y, x)) % 360


def road_route(
    start: tuple[float, float], end: tuple[float, float], rng: random.Random
) -> list[tuple[float, float]]:
    """A road-like path: along one axis, then the other, through a point a little off the
    corner, so the distance driven is about 1.3 times the straight line (travel.DETOUR_FACTOR)."""
    corner = (start[0], end[1]) if rng.random() < 0.5 else (end[0], start[1])
    mid = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
    t = rng.uniform(0.1, 0.3)  # cut the corner, as roads do
    bend = (corner[0] + (mid[0] - corner[0]) * t, corner[1] + (mid[1] - corner[1]) * t)
    return [start, bend, end]


@dataclass
class Drive:
    """One unit's job as its crew works it."""

    assignment: int
    resource_id: int
    call_sign: str
    kind: str
    route: list[tuple[float, float]]
    position: tuple[float, float]
    expected: str  # the status the unit has if nobody else has touched it
    leg: int = 1
    clear_at: datetime | None = None
    heading: float = 0.0

    def advance(self, km: float) -> bool:
        """Drive `km` along the route; True on arrival."""
        while km > 0 and self.leg < len(self.route):
            target = self.route[self.leg]
            left = distance_km(self.position, target)
            if left > 0:
                self.heading = bearing(self.position, target)
            if left <= km:
                self.position, km = target, km - left
                self.leg += 1
                continue
            f = km / left
            self.position = (
                self.position[0] + (target[0] - self.position[0]) * f,
                self.position[1] + (target[1] - self.position[1]) * f,
            )
            km = 0
        return self.leg >= len(self.route)


class Units:
    """Simulated crews and their vehicle locators. Statuses go to the unit status API with the
    dispatcher's token (the crew's radio message: "en route", "at scene", "clear"), positions
    to the positions API with the vehicle locator's."""

    def __init__(
        self,
        status_api: ApiClient,
        locator_api: ApiClient,
        config: Config,
        rng: random.Random,
        tally: Counter[str],
    ) -> None:
        self.status_api, self.locator_api = status_api, locator_api
        self.config, self.rng, self.tally = config, rng, tally
        self.drives: dict[str, Drive] = {}
        self.last: datetime | None = None

    def step(self, now: datetime, on_event: OnEvent) -> None:
        elapsed = (now - self.last).total_seconds() if self.last else 0.0
        self.last = now
        jobs = self.status_api.get("/api/dispatch/assignments")
        if not jobs.ok:
            return
        active = {j["call_sign"]: j for j in jobs.data}
        for call_sign in list(self.drives):
            job = active.get(call_sign)
            drive = self.drives[call_sign]
            if (
                job is None
                or job["id"] != drive.assignment
                or job["resource_status"] != drive.expected
            ):
                del self.drives[call_sign]  # cleared or moved by someone else: theirs now
        new = [
            j
            for j in active.values()
            if j["call_sign"] not in self.drives
            and j["resource_status"] == "assigned"
            and j["incident_latitude"] is not None
        ]
        if new:
            self._set_off(new, on_event)
        moving: list[Drive] = []
        for call_sign, drive in list(self.drives.items()):
            if drive.expected == "en_route":
                km = speed_kmh(drive.kind, "urban") * elapsed / 3600
                moving.append(drive)
                if drive.advance(km) and self._status(drive, "at_scene", on_event):
                    low, high = self.config.on_scene_minutes
                    drive.clear_at = now + timedelta(minutes=self.rng.uniform(low, high))
            elif (
                drive.expected == "at_scene"
                and drive.clear_at is not None
                and now >= drive.clear_at
                and self._status(drive, "available", on_event)
            ):
                del self.drives[call_sign]
        if moving:
            self._report(moving)

    def _set_off(self, jobs: list[dict[str, Any]], on_event: OnEvent) -> None:
        units = self.status_api.get("/api/dispatch/resources")
        if not units.ok:
            return
        where = {u["call_sign"]: u for u in units.data}
        for job in jobs:
            unit = where.get(job["call_sign"])
            if unit is None or unit["latitude"] is None:
                continue
            start = (unit["latitude"], unit["longitude"])
            end = (job["incident_latitude"], job["incident_longitude"])
            drive = Drive(
                job["id"],
                unit["id"],
                job["call_sign"],
                unit["kind"],
                road_route(start, end, self.rng),
                start,
                expected="assigned",
            )
            if self._status(drive, "en_route", on_event):
                self.drives[job["call_sign"]] = drive

    def _status(self, drive: Drive, status: str, on_event: OnEvent) -> bool:
        reply = self.status_api.post(
            f"/api/dispatch/resources/{drive.resource_id}/status",
            {"status": status, "reason": "crew by radio (simulated)"},
        )
        if not reply.ok:
            self.tally["status refused"] += 1
            self.drives.pop(drive.call_sign, None)
            return False
        drive.expected = status
        self.tally[f"status {status}"] += 1
        on_event({"did": status, "unit": drive.call_sign})
        return True

    def _report(self, drives: list[Drive]) -> None:
        wall = datetime.now(UTC).isoformat()
        fixes = [
            {
                "call_sign": d.call_sign,
                "latitude": round(d.position[0], 6),
                "longitude": round(d.position[1], 6),
                "recorded_at": wall,
                "speed_kmh": speed_kmh(d.kind, "urban"),
                "heading": round(d.heading, 1) % 360,
            }
            for d in drives
        ]
        reply = self.locator_api.post("/api/dispatch/positions", {"positions": fixes})
        if reply.ok:
            self.tally["positions accepted"] += reply.data["accepted"]
        else:
            self.tally["positions refused"] += len(fixes)


class Simulation:
    """Simulated call handlers, dispatcher and crews, each through its own token."""

    def __init__(
        self,
        *,
        handler_api: ApiClient | None,
        dispatcher_api: ApiClient | None,
        locator_api: ApiClient | None,
        script: Script,
        config: Config | None = None,
        seed: int = 0,
    ) -> None:
        self.config = config or Config()
        self.tally: Counter[str] = Counter()
        rng = random.Random(seed)
        self.handlers = (
            CallHandlers(handler_api, script, self.config, random.Random(rng.random()), self.tally)
            if handler_api
            else None
        )
        self.dispatcher = (
            Dispatcher(dispatcher_api, self.config, self.tally) if dispatcher_api else None
        )
        self.units = (
            Units(dispatcher_api, locator_api, self.config, random.Random(rng.random()), self.tally)
            if dispatcher_api and locator_api
            else None
        )

    def step(self, now: datetime, on_event: OnEvent | None = None) -> None:
        emit = on_event or (lambda event: None)
        for part in (self.handlers, self.dispatcher, self.units):
            if part is not None:
                part.step(now, emit)
