"""Training scenarios: how much demand, for how long. Pure.

An exercise's demand comes through the gateway API only (telephony, AML, messages), never
the public's own pages: a web chat or online report carries no account to mark it with, so it
would land in the live queues. Those channels are left out of every scenario.
"""

from dataclasses import dataclass

from .profile import (
    EMERGENCY_CALL,
    MONTHLY_VOLUMES,
    NON_EMERGENCY_CALL,
    ONLINE_REPORT,
    WEB_CHAT,
    Profile,
)

PUBLIC_PAGE_CHANNELS = (WEB_CHAT, ONLINE_REPORT)


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    scale: float  # times the force's normal demand
    minutes: int

    def profile(self, scale: float | None = None) -> Profile:
        monthly = {c: v for c, v in MONTHLY_VOLUMES.items() if c not in PUBLIC_PAGE_CHANNELS}
        return Profile(monthly=monthly, scale=self.scale if scale is None else scale)


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario("normal_shift", "A normal hour on the control room floor", 1.0, 60),
        Scenario("busy_night", "A busy Friday night: twice the usual demand", 2.0, 120),
        Scenario(
            "major_incident", "A major incident: ten times normal demand for an hour", 10.0, 60
        ),
    )
}
CALL_CHANNELS = (EMERGENCY_CALL, NON_EMERGENCY_CALL)
