"""The staff roles and the capabilities (Django permissions) each one holds.

Roles are Groups; `demandhub sync_roles` makes the Groups match this table (idempotent).
Apps add their permission codenames to the roles that need them.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    name: str
    title: str
    duty: str
    permissions: tuple[str, ...]


REFERENCE_READ = ("forces.view_force", "forces.view_policingarea", "forces.view_station")
INCIDENT_READ = ("incidents.view_incident",)
# Dispatch (issue 4): changing any unit's status and assigning units to incidents.
DISPATCH_CONTROL = ("dispatch.change_resource_status", "dispatch.assign_resource")
CAPACITY = ("analytics.view_capacity",)

ROLES: tuple[Role, ...] = (
    Role(
        "call_handler",
        "Call handler",
        "Answers 999 and 101 calls, finds out what happened and where, assesses risk with "
        "THRIVE+ and grades the incident.",
        (*REFERENCE_READ, *INCIDENT_READ, "dispatch.view_resource"),
    ),
    Role(
        "switchboard_operator",
        "Switchboard operator",
        "Answers 101 and routes each call to the emergency line, the public line, the crime line, "
        "online reporting or another agency.",
        REFERENCE_READ,
    ),
    Role(
        "dispatcher",
        "Dispatcher",
        "Reviews graded incidents and deploys the right resource, keeping officers and the "
        "public safe.",
        (*REFERENCE_READ, *INCIDENT_READ, "dispatch.view_resource", *DISPATCH_CONTROL),
    ),
    Role(
        "resolution_officer",
        "Resolution (IRT) officer",
        "Resolves incidents without deployment, by phone or online.",
        REFERENCE_READ,
    ),
    Role(
        "imu_reviewer",
        "IMU reviewer",
        "Reviews crime reports for completeness and decides to file or investigate.",
        REFERENCE_READ,
    ),
    Role(
        "sergeant",
        "Sergeant",
        "Takes allocated crimes for a policing area and assigns investigating officers.",
        (*REFERENCE_READ, *INCIDENT_READ, "dispatch.view_resource"),
    ),
    Role(
        "investigating_officer",
        "Investigating officer",
        "Investigates allocated crimes and keeps the victim informed.",
        REFERENCE_READ,
    ),
    Role(
        "safeguarding_practitioner",
        "Safeguarding practitioner",
        "Supports vulnerable people: mental health triage and protecting-vulnerable-people "
        "referrals.",
        REFERENCE_READ,
    ),
    Role(
        "supervisor",
        "Supervisor",
        "Oversees the floor: regrades, deadline alerts, quality assurance and the audit trail.",
        (
            *REFERENCE_READ,
            *INCIDENT_READ,
            "dispatch.view_resource",
            "audit.view_event",
            *DISPATCH_CONTROL,
            "dispatch.view_deadline_alerts",
            "dispatch.view_response_times",
            *CAPACITY,
        ),
    ),
    Role(
        "analyst",
        "Analyst",
        "Reports on demand, answer and attendance times and crime-recording accuracy.",
        (
            *REFERENCE_READ,
            *INCIDENT_READ,
            "dispatch.view_resource",
            "audit.view_event",
            *CAPACITY,
            "dispatch.view_response_times",
        ),
    ),
    Role(
        "administrator",
        "Administrator",
        "Manages staff accounts, roles, API tokens and reference data.",
        (
            *REFERENCE_READ,
            "audit.view_event",
            "accounts.manage_staff",
            "accounts.issue_token",
            "accounts.view_user",
            "accounts.add_user",
            "accounts.change_user",
            "accounts.view_apitoken",
            "auth.view_group",
            "forces.add_force",
            "forces.change_force",
            "forces.add_policingarea",
            "forces.change_policingarea",
            "forces.add_station",
            "forces.change_station",
            "dispatch.view_resource",
            "dispatch.add_resource",
            "dispatch.change_resource",
            *CAPACITY,
        ),
    ),
    Role(
        "response_officer",
        "Response officer",
        "Books on to a unit, receives deployments and warnings on the mobile data terminal and "
        "updates the unit's status.",
        (*REFERENCE_READ, "dispatch.view_resource", "dispatch.crew_resource"),
    ),
    Role(
        "vehicle_locator",
        "Vehicle locator (device)",
        "A service account for the automatic vehicle location gateway: reports unit positions "
        "over the API.",
        (*REFERENCE_READ, "dispatch.report_position"),
    ),
)

ROLES_BY_NAME: dict[str, Role] = {role.name: role for role in ROLES}

# Roles whose holders may open the Django admin for reference data.
ADMIN_SITE_ROLES = frozenset({"administrator"})


# Contacts (issue 11): who works the contact queues, and the gateways' service account.
# Appended rather than edited in place so parallel branches merge without conflicts.
CONTACT_READ = ("contacts.view_contact",)
CONTACTS_GRANTS: dict[str, tuple[str, ...]] = {
    "call_handler": (
        *CONTACT_READ,
        "contacts.handle_contact",
        "contacts.handle_emergency_contact",
        "crimes.record_crime",
        "crimes.view_crimerecord",
    ),
    "switchboard_operator": (
        *CONTACT_READ,
        "contacts.handle_contact",
        "crimes.record_crime",
        "crimes.view_crimerecord",
        *INCIDENT_READ,
    ),
    "supervisor": (
        *CONTACT_READ,
        "contacts.handle_contact",
        "contacts.handle_emergency_contact",
        "crimes.record_crime",
        "crimes.view_crimerecord",
    ),
    "analyst": (*CONTACT_READ, "crimes.view_crimerecord"),
    "imu_reviewer": ("crimes.view_crimerecord",),
}
ROLES = (
    *(
        Role(r.name, r.title, r.duty, (*r.permissions, *CONTACTS_GRANTS.get(r.name, ())))
        for r in ROLES
    ),
    Role(
        "contact_gateway",
        "Contact gateway (service account)",
        "The telephony system, the AML receiver and the social media and email gateways: "
        "they post call events, handset locations and messages to the API with a bearer token.",
        (
            *REFERENCE_READ,
            "contacts.receive_telephony",
            "contacts.receive_aml",
            "contacts.receive_message",
        ),
    ),
)

# Incidents and safeguarding (issue 3): capabilities added to existing roles.
_INCIDENT_CAPABILITIES: dict[str, tuple[str, ...]] = {
    "call_handler": (
        "incidents.raise_incident",
        "incidents.grade_incident",
        "incidents.redirect_incident",
    ),
    "dispatcher": ("incidents.close_incident", "incidents.redirect_incident"),
    "resolution_officer": (
        "incidents.view_incident",
        "incidents.resolve_incident",
        "incidents.redirect_incident",
    ),
    "supervisor": (
        "incidents.raise_incident",
        "incidents.grade_incident",
        "incidents.regrade_incident",
        "incidents.review_resolution",
        "incidents.redirect_incident",
        "incidents.close_incident",
        "incidents.manage_warning",
        "incidents.exchange_eido",
    ),
    "safeguarding_practitioner": (
        "incidents.view_incident",
        "safeguarding.view_referral",
        "safeguarding.respond_referral",
        "safeguarding.make_referral",
    ),
}
for _role in ("call_handler", "supervisor", "resolution_officer"):
    _INCIDENT_CAPABILITIES[_role] += ("safeguarding.make_referral", "safeguarding.view_referral")
ROLES = tuple(
    Role(r.name, r.title, r.duty, r.permissions + _INCIDENT_CAPABILITIES.get(r.name, ()))
    for r in ROLES
)
ROLES_BY_NAME = {role.name: role for role in ROLES}


# Live video and location from the scene (issue 10): handlers and dispatchers send links and
# watch and capture the stream; supervisors too. All three may open the evidence captured.
_SCENE = ("scene.watch_stream", "scene.view_evidence")
ROLES = tuple(
    Role(r.name, r.title, r.duty, r.permissions + _SCENE)
    if r.name in ("call_handler", "dispatcher", "supervisor")
    else r
    for r in ROLES
)
ROLES_BY_NAME = {role.name: role for role in ROLES}
