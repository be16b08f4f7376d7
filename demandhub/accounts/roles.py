"""The staff roles and the capabilities (Django permissions) each one holds.

Roles are Groups; `demandhub sync_roles` makes the Groups match this table (idempotent).
One entry per role, its capabilities grouped by app: to give a role a new capability, add the
codename to its entry. Every role also needs a demo login name in forces/demo_data.py.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    name: str
    title: str
    duty: str
    permissions: tuple[str, ...]


# Every member of staff may read the force's own reference data.
REFERENCE_READ = ("forces.view_force", "forces.view_policingarea", "forces.view_station")

ROLES: tuple[Role, ...] = (
    Role(
        "call_handler",
        "Call handler",
        "Answers 999 and 101 calls, finds out what happened and where, assesses risk with THRIVE+ "
        "and grades the incident.",
        (
            *REFERENCE_READ,
            "contacts.handle_contact",
            "contacts.handle_emergency_contact",
            "contacts.view_contact",
            "crimes.record_crime",
            "crimes.view_crimerecord",
            "dispatch.view_resource",
            "incidents.grade_incident",
            "incidents.raise_incident",
            "incidents.redirect_incident",
            "incidents.view_incident",
            "safeguarding.make_referral",
            "safeguarding.view_referral",
            "scene.view_evidence",
            "scene.watch_stream",
        ),
    ),
    Role(
        "switchboard_operator",
        "Switchboard operator",
        "Answers 101 and routes each call to the emergency line, the public line, the crime line, "
        "online reporting or another agency.",
        (
            *REFERENCE_READ,
            "contacts.handle_contact",
            "contacts.view_contact",
            "crimes.record_crime",
            "crimes.view_crimerecord",
            "incidents.view_incident",
        ),
    ),
    Role(
        "dispatcher",
        "Dispatcher",
        "Reviews graded incidents and deploys the right resource, keeping officers and the public "
        "safe.",
        (
            *REFERENCE_READ,
            "dispatch.assign_resource",
            "dispatch.change_resource_status",
            "dispatch.view_resource",
            "incidents.close_incident",
            "incidents.redirect_incident",
            "incidents.view_incident",
            "scene.view_evidence",
            "scene.watch_stream",
        ),
    ),
    Role(
        "resolution_officer",
        "Resolution (IRT) officer",
        "Resolves incidents without deployment, by phone or online.",
        (
            *REFERENCE_READ,
            "incidents.redirect_incident",
            "incidents.resolve_incident",
            "incidents.view_incident",
            "safeguarding.make_referral",
            "safeguarding.view_referral",
        ),
    ),
    Role(
        "imu_reviewer",
        "IMU reviewer",
        "Reviews crime reports for completeness and decides to file or investigate.",
        (
            *REFERENCE_READ,
            "crimes.link_crime",
            "crimes.review_crime",
            "crimes.view_crimerecord",
            "incidents.view_incident",
        ),
    ),
    Role(
        "sergeant",
        "Sergeant",
        "Takes allocated crimes for a policing area and assigns investigating officers.",
        (
            *REFERENCE_READ,
            "crimes.assign_crime",
            "crimes.investigate_crime",
            "crimes.link_crime",
            "crimes.view_crimerecord",
            "dispatch.view_resource",
            "incidents.view_incident",
        ),
    ),
    Role(
        "investigating_officer",
        "Investigating officer",
        "Investigates allocated crimes and keeps the victim informed.",
        (
            *REFERENCE_READ,
            "crimes.investigate_crime",
            "crimes.link_crime",
            "crimes.view_crimerecord",
        ),
    ),
    Role(
        "safeguarding_practitioner",
        "Safeguarding practitioner",
        "Supports vulnerable people: mental health triage and protecting-vulnerable-people "
        "referrals.",
        (
            *REFERENCE_READ,
            "incidents.view_incident",
            "safeguarding.make_referral",
            "safeguarding.respond_referral",
            "safeguarding.view_referral",
        ),
    ),
    Role(
        "supervisor",
        "Supervisor",
        "Oversees the floor: regrades, deadline alerts, quality assurance and the audit trail.",
        (
            *REFERENCE_READ,
            "accounts.restrict_record",
            "accounts.revoke_sessions",
            "analytics.view_capacity",
            "analytics.view_floor",
            "analytics.view_performance",
            "audit.view_event",
            "contacts.handle_contact",
            "contacts.handle_emergency_contact",
            "contacts.view_contact",
            "crimes.change_areaposting",
            "crimes.record_crime",
            "crimes.view_areaposting",
            "crimes.view_crimerecord",
            "dispatch.assign_resource",
            "dispatch.change_resource_status",
            "dispatch.view_deadline_alerts",
            "dispatch.view_resource",
            "dispatch.view_response_times",
            "incidents.close_incident",
            "incidents.exchange_eido",
            "incidents.grade_incident",
            "incidents.manage_warning",
            "incidents.raise_incident",
            "incidents.redirect_incident",
            "incidents.regrade_incident",
            "incidents.review_resolution",
            "incidents.view_incident",
            "privacy.add_legalhold",
            "privacy.change_legalhold",
            "privacy.view_legalhold",
            "safeguarding.make_referral",
            "safeguarding.view_referral",
            "scene.view_evidence",
            "scene.watch_stream",
        ),
    ),
    Role(
        "analyst",
        "Analyst",
        "Reports on demand, answer and attendance times and crime-recording accuracy.",
        (
            *REFERENCE_READ,
            "analytics.view_capacity",
            "analytics.view_performance",
            "audit.view_event",
            "contacts.view_contact",
            "crimes.view_crimerecord",
            "dispatch.view_resource",
            "dispatch.view_response_times",
            "incidents.view_incident",
        ),
    ),
    Role(
        "administrator",
        "Administrator",
        "Manages staff accounts, roles, API tokens and reference data.",
        (
            *REFERENCE_READ,
            "accounts.add_user",
            "accounts.change_user",
            "accounts.issue_token",
            "accounts.manage_staff",
            "accounts.revoke_sessions",
            "accounts.view_apitoken",
            "accounts.view_user",
            "analytics.view_capacity",
            "audit.view_event",
            "auth.view_group",
            "crimes.change_areaposting",
            "crimes.view_areaposting",
            "dispatch.add_resource",
            "dispatch.change_resource",
            "dispatch.view_resource",
            "forces.add_force",
            "forces.add_policingarea",
            "forces.add_station",
            "forces.change_force",
            "forces.change_policingarea",
            "forces.change_station",
        ),
    ),
    Role(
        "crime_registrar",
        "Force Crime Registrar",
        "Owns crime-recording accuracy: the only role that may cancel a recorded crime, for a "
        "reason the Home Office Counting Rules allow.",
        (
            *REFERENCE_READ,
            "audit.view_event",
            "crimes.cancel_crime",
            "crimes.view_crimerecord",
        ),
    ),
    Role(
        "trainer",
        "Trainer",
        "Runs training exercises: starts a scenario's demand for a group of trainees, ends it "
        "and purges its records; training records never reach live queues or statistics.",
        (
            *REFERENCE_READ,
            "accounts.view_user",
            "contacts.view_contact",
            "demand.run_exercise",
            "dispatch.view_resource",
            "incidents.view_incident",
        ),
    ),
    Role(
        "response_officer",
        "Response officer",
        "Books on to a unit, receives deployments and warnings on the mobile data terminal and "
        "updates the unit's status.",
        (
            *REFERENCE_READ,
            "dispatch.crew_resource",
            "dispatch.view_resource",
        ),
    ),
    Role(
        "vehicle_locator",
        "Vehicle locator (device)",
        "A service account for the automatic vehicle location gateway: reports unit positions over"
        " the API.",
        (
            *REFERENCE_READ,
            "dispatch.report_position",
        ),
    ),
    Role(
        "contact_gateway",
        "Contact gateway (service account)",
        "The telephony system, the AML receiver and the social media and email gateways: they post"
        " call events, handset locations and messages to the API with a bearer token.",
        (
            *REFERENCE_READ,
            "contacts.receive_aml",
            "contacts.receive_message",
            "contacts.receive_telephony",
        ),
    ),
)

ROLES_BY_NAME: dict[str, Role] = {role.name: role for role in ROLES}

# Roles whose holders may open the Django admin for reference data.
ADMIN_SITE_ROLES = frozenset({"administrator"})
