"""The consoles and tools a member of staff can open from the landing page.

Each entry names the permission it needs; the landing page lists only what the user holds, so
a role's landing page is exactly the set of consoles that role may use. Apps add their consoles
here as they are built.
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Console:
    title: str
    url_name: str
    permission: str
    description: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


CONSOLES: tuple[Console, ...] = (
    Console(
        "Force directory",
        "forces:directory",
        "forces.view_policingarea",
        "Policing areas, stations and resources on the map.",
    ),
    Console(
        "Audit trail",
        "audit:events",
        "audit.view_event",
        "Who did what, when and from where; tamper-evident.",
    ),
    Console(
        "Staff and reference data",
        "admin:index",
        "accounts.manage_staff",
        "Accounts, roles, API tokens, policing areas, stations and resources.",
    ),
    Console(
        "Resource board",
        "dispatch:board",
        "dispatch.view_resource",
        "Every unit by status, stale positions flagged, on a live map.",
    ),
    Console(
        "Mobile data terminal",
        "dispatch:mdt",
        "dispatch.crew_resource",
        "Your unit's status, deployments and warnings, on a phone-sized screen.",
    ),
    Console(
        "Staffing calculator",
        "analytics:capacity",
        "analytics.view_capacity",
        "Erlang C per channel: service level, answer time and the fewest staff for a target.",
    ),
    Console(
        "API documentation",
        "api-1.0.0:openapi-view",
        "",
        "The JSON API, browsable and with its OpenAPI document.",
    ),
)


def consoles_for(user: object) -> list[Console]:
    return [
        c
        for c in CONSOLES
        if not c.permission or user.has_perm(c.permission)  # type: ignore[attr-defined]
    ]
