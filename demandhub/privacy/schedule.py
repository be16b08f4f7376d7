"""The retention schedule: for each kind of record, how long it is kept and what happens then.

Modelled on the Authorised Professional Practice for the Management of Police Information
(MoPI) and Part 3 of the Data Protection Act 2018 (s.39: kept no longer than necessary for
the law enforcement purpose; s.40: safeguards for archiving and statistics):

  * MoPI group 1 (certain public protection matters: homicide, serious sexual and violent
    offences, offences with an enhanced risk of harm): kept until the subject is deemed to
    have reached 100 years of age, reviewed every 10 years. Never disposed of automatically
    here (period None): a reviewer decides.
  * MoPI group 2 (other sexual, violent or serious offences): reviewed every 10 years.
  * MoPI group 3 (all other offences): a 6-year clear period from the crime.
  * Non-crime information (incidents, contacts, referrals): 6 years, the MoPI minimum for
    information that is not kept for public protection; contacts that led to nothing (advice,
    abandoned calls) after 2 years.
  * Operational data with no evidential purpose (unit tracks, idempotency keys, expired
    sessions, unmatched handset locations, rejected telephony payloads): weeks to a year.

"anonymise" keeps the row and its statistics (counts, timestamps, grades, classifications,
areas, outcomes) and removes names, numbers, addresses, narratives, free text and files;
"delete" removes the row. Settings give the defaults (RETENTION_SCHEDULE); an operator
overrides any of them in settings or in the JSON file named by RETENTION_SCHEDULE_FILE
(docs/privacy.md).
"""

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ANONYMISE, DELETE = "anonymise", "delete"

# Home Office offence groups (crimes.offences) by MoPI group; anything else is group 3.
MOPI_GROUP_1_OFFENCE_GROUPS = {"Sexual offences"}
MOPI_GROUP_2_OFFENCE_GROUPS = {"Violence against the person", "Robbery", "Drug offences"}


@dataclass(frozen=True)
class Rule:
    key: str  # the record type, as operators name it
    label: str
    days: int | None  # None: never disposed of automatically (reviewed by a person)
    action: str
    basis: str  # why this period: shown in the dry run and kept in each audit entry


DEFAULT_RULES: tuple[Rule, ...] = (
    Rule(
        "contact",
        "Contacts that led to no incident or crime (with transcripts, uploads)",
        730,
        ANONYMISE,
        "force policy for contacts with no policing purpose recorded",
    ),
    Rule(
        "contact_linked",
        "Contacts linked to an incident or crime (kept while it is kept)",
        2190,
        ANONYMISE,
        "MoPI: follows the incident or crime it raised",
    ),
    Rule(
        "incident",
        "Incidents (persons, log, resolution, scene links)",
        2190,
        ANONYMISE,
        "MoPI non-crime information: 6 years",
    ),
    Rule(
        "crime_group_1",
        "Crime records, MoPI group 1 (public protection)",
        None,
        ANONYMISE,
        "MoPI group 1: retained to 100 years of age of the subject, reviewed every 10 years",
    ),
    Rule(
        "crime_group_2",
        "Crime records, MoPI group 2 (sexual, violent or serious)",
        3650,
        ANONYMISE,
        "MoPI group 2: review after 10 years",
    ),
    Rule(
        "crime_group_3",
        "Crime records, MoPI group 3 (all other offences)",
        2190,
        ANONYMISE,
        "MoPI group 3: 6-year clear period",
    ),
    Rule(
        "scene_evidence",
        "Scene video stills and recordings (files)",
        2190,
        DELETE,
        "MoPI: evidence of non-serious matters, 6 years",
    ),
    Rule(
        "safeguarding_referral",
        "Safeguarding referrals and vulnerability flags",
        2190,
        ANONYMISE,
        "MoPI non-crime information: 6 years",
    ),
    Rule(
        "warning_marker",
        "Withdrawn warning markers",
        2190,
        ANONYMISE,
        "MoPI: 6 years after withdrawal",
    ),
    Rule(
        "position",
        "Unit position reports (officers' tracks)",
        365,
        DELETE,
        "DPA 2018 s.39: no purpose after a year (complaints window)",
    ),
    Rule(
        "aml_unmatched",
        "Handset locations matched to no 999 call",
        31,
        DELETE,
        "DPA 2018 s.39: no purpose once no call can match",
    ),
    Rule(
        "telephony_rejected",
        "Rejected telephony payloads matched to no contact",
        365,
        DELETE,
        "DPA 2018 s.39: kept a year for fault finding",
    ),
    Rule(
        "idempotency_key",
        "Idempotency keys (replayable request bodies)",
        3,
        DELETE,
        "DPA 2018 s.39: retries stop within hours",
    ),
    Rule("session", "Expired sign-in sessions", 0, DELETE, "expired: no purpose"),
)


def _override(rule: Rule, change: Any, source: str) -> Rule:
    if not isinstance(change, dict) or set(change) - {"days", "action"}:
        raise ImproperlyConfigured(
            f"{source}: {rule.key} must be an object with 'days' and/or 'action'"
        )
    days = change.get("days", rule.days)
    if days is not None and (not isinstance(days, int) or isinstance(days, bool) or days < 0):
        raise ImproperlyConfigured(f"{source}: {rule.key}.days must be a whole number >= 0 or null")
    action = change.get("action", rule.action)
    if action not in (ANONYMISE, DELETE):
        raise ImproperlyConfigured(f"{source}: {rule.key}.action must be anonymise or delete")
    if action == DELETE and rule.action == ANONYMISE:
        # Deleting a contact, incident or crime would lose the statistics and break the
        # links other records hold to it; the schedule only anonymises these.
        raise ImproperlyConfigured(f"{source}: {rule.key} can only be anonymised")
    return replace(rule, days=days, action=action)


def rules() -> dict[str, Rule]:
    """The schedule in force: the defaults, then settings.RETENTION_SCHEDULE, then the file."""
    schedule = {rule.key: rule for rule in DEFAULT_RULES}
    layers: list[tuple[str, Any]] = [("RETENTION_SCHEDULE", settings.RETENTION_SCHEDULE)]
    path = settings.RETENTION_SCHEDULE_FILE
    if path:
        try:
            layers.append((str(path), json.loads(Path(path).read_text())))
        except (OSError, ValueError) as error:
            raise ImproperlyConfigured(f"RETENTION_SCHEDULE_FILE {path}: {error}") from error
    for source, layer in layers:
        if not isinstance(layer, dict):
            raise ImproperlyConfigured(f"{source} must map record types to overrides")
        for key, change in layer.items():
            if key not in schedule:
                raise ImproperlyConfigured(
                    f"{source}: unknown record type {key!r} (known: {', '.join(schedule)})"
                )
            schedule[key] = _override(schedule[key], change, source)
    return schedule


def crime_rule_key(offence_group: str, enhanced: bool) -> str:
    if offence_group in MOPI_GROUP_1_OFFENCE_GROUPS or enhanced:
        return "crime_group_1"
    if offence_group in MOPI_GROUP_2_OFFENCE_GROUPS:
        return "crime_group_2"
    return "crime_group_3"
