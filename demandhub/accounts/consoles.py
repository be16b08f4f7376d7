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
        "Staff sign-ins",
        "accounts:staff_sessions",
        "accounts.revoke_sessions",
        "Sign someone out everywhere, clear a sign-in lockout or reset a lost authenticator.",
    ),
    Console(
        "Restrictions and legal holds",
        "privacy:records",
        "accounts.restrict_record",
        "Restrict a record to named teams or lift it; place and release legal holds.",
    ),
    Console(
        "Staff and reference data",
        "admin:index",
        "accounts.manage_staff",
        "Accounts, roles, API tokens, policing areas, stations and resources.",
    ),
    Console(
        "Contacts console",
        "contacts:console",
        "contacts.view_contact",
        "Take the next 999, 101, web chat or online contact and record its outcome.",
    ),
    Console(
        "Training exercises",
        "demand:exercises",
        "demand.run_exercise",
        "Start a scenario for a group of trainees; end it and purge its records.",
    ),
    Console(
        "Queue board",
        "contacts:board",
        "contacts.view_contact",
        "Who is waiting on each channel, and for how long; live.",
    ),
    Console(
        "Web chats",
        "contacts:chats",
        "contacts.handle_contact",
        "Waiting web chats: accept one and talk to the member of the public.",
    ),
    Console(
        "Dispatcher console",
        "dispatch:console",
        "dispatch.assign_resource",
        "Incidents awaiting deployment with their deadlines, recommended units, assignment.",
    ),
    Console(
        "Deadline alerts",
        "dispatch:alerts",
        "dispatch.view_deadline_alerts",
        "Incidents close to or past their attendance target.",
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
        "Performance dashboard",
        "analytics:performance",
        "analytics.view_performance",
        "999 and 101 answer times, attendance, crime recording and victim care, charted; CSV and"
        " the monthly report.",
    ),
    Console(
        "Floor view",
        "analytics:floor",
        "analytics.view_floor",
        "Every handler's state and time in it, queues, deadlines and wellbeing prompts; live.",
    ),
    Console(
        "Incidents",
        "incidents:board",
        "incidents.view_incident",
        "Active incidents by grade with their deadlines; raise and grade new incidents.",
    ),
    Console(
        "Call handler: new incident",
        "incidents:new",
        "incidents.raise_incident",
        "Location, THRIVE+ and grade in one screen, with history, warnings and duplicates.",
    ),
    Console(
        "Resolution team queue",
        "incidents:resolution_queue",
        "incidents.resolve_incident",
        "Grade 4 incidents to resolve without deployment.",
    ),
    Console(
        "Quality review",
        "incidents:reviews",
        "incidents.review_resolution",
        "Sampled resolutions to score, and the results.",
    ),
    Console(
        "Warning markers",
        "incidents:warnings",
        "incidents.manage_warning",
        "Warnings on addresses and people, shown to handlers and crews: add and withdraw.",
    ),
    Console(
        "Safeguarding referrals",
        "safeguarding:queue",
        "safeguarding.view_referral",
        "Referrals to mental health practitioners and PVP duty contacts, with response times.",
    ),
    Console(
        "IMU review queue",
        "crimes:imu_queue",
        "crimes.review_crime",
        "Crime reports to check, record within 24 hours, and file or allocate.",
    ),
    Console(
        "Crime allocation and workload",
        "crimes:sergeant",
        "crimes.assign_crime",
        "Crimes allocated to your area to assign; your team's workload and overdue updates.",
    ),
    Console(
        "My crimes",
        "crimes:mine",
        "crimes.investigate_crime",
        "Crimes you investigate, actions due and victims awaiting an update.",
    ),
    Console(
        "Crime team postings",
        "crimes:postings",
        "crimes.view_areaposting",
        "Which sergeant and investigating officer works on which policing area's crimes.",
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
