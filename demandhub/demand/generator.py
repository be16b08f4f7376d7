"""The demand generator: a seeded, endless, time-ordered stream of what the public (and their
handsets) send to the hub. Pure: no I/O, no clock; the runner decides when each item is sent.

Arrivals on each channel are a Poisson process whose rate is the profile's rate for the hour of
the week (constant within each clock hour, so exponential gaps within the hour are exact). Each
arrival is an incident of a classification drawn from the channel's mix, at a point inside a
policing area, reported by a fictional caller; then the follow-on behaviour: more 999 callers for
incidents passers-by see, AML from most mobiles on 999, callers who ring off before an answer,
101 callers who ring back, and people who have been in touch before.
"""

import heapq
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from . import profile as p
from .geography import Area, near, pick_area, sample_point
from .narratives import narrative
from .people import Caller, new_caller, street_address

LONDON = ZoneInfo("Europe/London")
REPEAT_POOL = 500  # callers remembered for repeat contacts

# What the runner sends: which entry point (kind) and why (role).
TELEPHONY, AML_SMS, CHAT, REPORT, MESSAGE = "telephony", "aml_sms", "chat", "report", "message"
FIRST, DUPLICATE, REPEAT, CALLBACK, AML, ABANDONED = (
    "first",  # the first contact about an incident
    "duplicate",  # another caller about the same incident
    "repeat",  # a first contact from someone who has been in touch before
    "callback",  # the same caller again about the same incident
    "aml",  # the handset's location during a 999 call
    "abandoned",  # the caller rang off before an answer
)
REPORT_KINDS = {"CRIME": "crime", "ASB": "asb", "TRANSPORT": "rtc"}


@dataclass(frozen=True, order=True)
class Send:
    """One thing to send. `at` is simulated time; the runner stamps the payload's time
    fields with the wall-clock time it is sent at (stamp=True) or leaves them (replay)."""

    at: datetime
    seq: int
    kind: str = field(compare=False)
    payload: dict[str, Any] = field(compare=False)
    role: str = field(compare=False, default=FIRST)
    channel: str = field(compare=False, default="")
    classification: str = field(compare=False, default="")
    incident: str = field(compare=False, default="")
    area: str = field(compare=False, default="")
    latitude: float | None = field(compare=False, default=None)
    longitude: float | None = field(compare=False, default=None)
    place: str = field(compare=False, default="")  # the street address the caller gives
    stamp: bool = field(compare=False, default=True)
    line_number: int | None = field(compare=False, default=None)  # replay: the CSV line


def hour_of_week(moment: datetime, zone: tzinfo) -> int:
    """0 for Monday 00:00-01:00 local time, 167 for Sunday 23:00-24:00."""
    local = moment.astimezone(zone)
    return local.weekday() * 24 + local.hour


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


class _Plan:
    """The state of one generated stream: its random source, ids and remembered callers."""

    def __init__(
        self, profile: p.Profile, areas: Sequence[Area], seed: int, tag: str, zone: tzinfo
    ) -> None:
        if not areas:
            raise ValueError("the generator needs at least one policing area")
        self.profile, self.areas, self.zone, self.tag = profile, list(areas), zone, tag
        self.rng = random.Random(seed)
        self.heap: list[Send] = []
        self.seq = 0
        self.incidents = 0
        self.calls = 0
        self.callers: list[Caller] = []

    def push(self, at: datetime, kind: str, payload: dict[str, Any], **meta: Any) -> None:
        self.seq += 1
        heapq.heappush(self.heap, Send(at, self.seq, kind, payload, **meta))

    def caller(self) -> tuple[Caller, bool]:
        if self.callers and self.rng.random() < self.profile.behaviour.repeat_caller:
            return self.rng.choice(self.callers), True
        caller = new_caller(self.rng)
        self.callers.append(caller)
        if len(self.callers) > REPEAT_POOL:
            self.callers.pop(0)
        return caller, False

    def arrival(self, channel: str, at: datetime) -> None:
        rng = self.rng
        mix = self.profile.type_mix[channel]
        code = rng.choices(list(mix), weights=list(mix.values()))[0]
        area = pick_area(rng, self.areas)
        lat, lon = sample_point(rng, area)
        place = street_address(rng, area.name)
        self.incidents += 1
        caller, repeat = self.caller()
        meta = {
            "channel": channel,
            "classification": code,
            "incident": f"{self.tag}-i{self.incidents:06d}",
            "area": area.code,
            "latitude": lat,
            "longitude": lon,
            "place": place,
        }
        role = REPEAT if repeat else FIRST
        text = narrative(rng, code, place)
        if channel in (p.EMERGENCY_CALL, p.NON_EMERGENCY_CALL):
            self.call(at, channel, caller, role=role, **meta)
            if channel == p.EMERGENCY_CALL:
                for _ in range(_poisson(rng, self.profile.extra_callers.get(code, 0.0))):
                    d_lat, d_lon = near(rng, area, lat, lon, metres=150)
                    later = at + timedelta(seconds=rng.uniform(20, 600))
                    witness = new_caller(rng)
                    extra = {**meta, "latitude": d_lat, "longitude": d_lon}
                    self.call(later, channel, witness, role=DUPLICATE, **extra)
            elif rng.random() < self.profile.behaviour.callback_101:
                later = at + timedelta(minutes=rng.uniform(20, 180))
                self.call(later, channel, caller, role=CALLBACK, **meta)
        elif channel == p.WEB_CHAT:
            form = {"name": caller.name, "email": caller.email, "phone": "", "message": text}
            self.push(at, CHAT, form, role=role, **meta)
        elif channel == p.ONLINE_REPORT:
            self.push(at, REPORT, self.report_form(code, caller, place, text), role=role, **meta)
        else:
            sender = {
                p.SOCIAL_MEDIA: "@" + caller.email.split("@")[0].replace(".", "_"),
                p.EMAIL: caller.email,
                p.EMERGENCY_SMS: caller.mobile_e164,
            }[channel]
            body = {
                "channel": channel,
                "external_id": f"{self.tag}-m{self.incidents:06d}",
                "sender": sender,
                "sender_name": caller.name,
                "subject": text[:60] if channel == p.EMAIL else "",
                "body": text,
            }
            self.push(at, MESSAGE, body, role=role, **meta)

    def report_form(self, code: str, caller: Caller, place: str, text: str) -> dict[str, Any]:
        kind = REPORT_KINDS.get(code.split("-")[0], "crime")
        form: dict[str, Any] = {
            "kind": kind,
            "name": caller.name,
            "email": caller.email,
            "phone": caller.mobile,
            "what_happened": text,
            "where": place,
            "days_ago": self.rng.randrange(0, 4),  # the runner turns this into a date
        }
        if kind == "asb":
            form.update(still_happening=self.rng.choice(["yes", "no"]), how_often="Most nights")
        elif kind == "rtc":
            form.update(anyone_injured="no", vehicles="")
        return form

    def call(self, at: datetime, line: str, caller: Caller, *, role: str, **meta: Any) -> None:
        rng, behaviour, place = self.rng, self.profile.behaviour, meta["place"]
        self.calls += 1
        call_id = f"{self.tag}-c{self.calls:06d}"
        mobile = line == p.NON_EMERGENCY_CALL or rng.random() < behaviour.mobile_999
        event = {"call_id": call_id, "event": "offered", "line": line}
        event["cli"] = caller.mobile if mobile else caller.landline
        if line == p.EMERGENCY_CALL and not mobile:
            event["address"] = place  # the network's address for a landline
        self.push(at, TELEPHONY, event, role=role, **meta)
        if line == p.EMERGENCY_CALL and mobile and rng.random() < behaviour.aml_after_mobile_999:
            lat, lon = meta["latitude"], meta["longitude"]
            aml = {
                "sender": caller.mobile_e164,
                "lt": lat,
                "lg": lon,
                "rd": rng.choice([5, 8, 12, 20, 35, 60]),
                "lc": 68,
                "pm": rng.choice("GGGW"),
            }
            self.push(at + timedelta(seconds=rng.uniform(5, 25)), AML_SMS, aml, role=AML, **meta)
        emergency = line == p.EMERGENCY_CALL
        abandon = behaviour.abandon_999 if emergency else behaviour.abandon_101
        if rng.random() < abandon:
            patience = (
                behaviour.patience_999_seconds if emergency else behaviour.patience_101_seconds
            )
            gone = at + timedelta(seconds=max(2.0, rng.expovariate(1 / patience)))
            rang_off = {"call_id": call_id, "event": "abandoned", "line": line}
            self.push(gone, TELEPHONY, rang_off, role=ABANDONED, **meta)


def generate(
    profile: p.Profile,
    *,
    areas: Sequence[Area],
    seed: int,
    start: datetime,
    end: datetime | None = None,
    zone: tzinfo = LONDON,
    tag: str | None = None,
) -> Iterator[Send]:
    """Everything sent from `start` until `end` (for ever when None), in time order.

    tag prefixes call ids and message ids; by default it is made from the seed and start, so
    two runs with different seeds or starts never share an id.
    """
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    plan = _Plan(profile, areas, seed, tag or f"dg{seed}-{start:%Y%m%d%H%M%S}", zone)
    rates = {channel: profile.rates(channel) for channel in p.CHANNELS}
    t = start
    while end is None or t < end:
        # Hour boundaries in UTC are local hour boundaries for whole-hour offsets.
        segment_end = t.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        if end is not None:
            segment_end = min(segment_end, end)
        how = hour_of_week(t, zone)
        for channel in p.CHANNELS:
            rate = rates[channel][how] / 3600  # per second
            if rate <= 0:
                continue
            at = t
            while True:
                at += timedelta(seconds=plan.rng.expovariate(rate))
                if at >= segment_end:
                    break
                plan.arrival(channel, at)
        while plan.heap and plan.heap[0].at < segment_end:
            yield heapq.heappop(plan.heap)
        t = segment_end
    # Follow-ons due after `end` (a late caller, an abandonment) are left unsent.
