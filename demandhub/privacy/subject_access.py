"""Subject access (DPA 2018 s.45): everything held about one person, found by their
identifiers, with each record saying how it matched and what needs review before disclosure.

Matching is deliberately careful: names compare case- and space-insensitively as whole
names; phone numbers compare as E.164 (phonenumbers); postcodes compare without spaces;
email addresses case-insensitively. A date of birth alone never matches a record (too many
people share one): it only confirms a record found by another identifier.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from demandhub.audit.models import Event
from demandhub.contacts.models import Contact
from demandhub.contacts.phones import to_e164
from demandhub.crimes.models import CrimeRecord, Party
from demandhub.incidents.models import Incident, Person, WarningMarker
from demandhub.safeguarding.models import Referral

POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")


class SubjectAccessError(ValueError):
    pass


def _name(text: str) -> str:
    return " ".join(text.split()).casefold()


def _phone(text: str) -> str:
    try:
        return to_e164(text)
    except ValueError:
        return ""


@dataclass(frozen=True)
class Identifiers:
    name: str = ""
    date_of_birth: date | None = None
    phone: str = ""  # E.164
    email: str = ""
    postcode: str = ""  # upper case, no spaces

    @classmethod
    def parse(
        cls,
        *,
        name: str = "",
        date_of_birth: str = "",
        phone: str = "",
        email: str = "",
        postcode: str = "",
    ) -> "Identifiers":
        dob = None
        if date_of_birth.strip():
            try:
                dob = date.fromisoformat(date_of_birth.strip())
            except ValueError:
                raise SubjectAccessError(
                    f"date of birth {date_of_birth!r} is not a date (use YYYY-MM-DD)"
                ) from None
        e164 = ""
        if phone.strip():
            e164 = _phone(phone)
            if not e164:
                raise SubjectAccessError(f"{phone!r} is not a phone number")
        code = re.sub(r"\s+", "", postcode).upper()
        if code and not POSTCODE.match(code):
            raise SubjectAccessError(f"{postcode!r} is not a UK postcode")
        if email.strip() and "@" not in email:
            raise SubjectAccessError(f"{email!r} is not an email address")
        found = cls(_name(name), dob, e164, email.strip().casefold(), code)
        if not (found.name or found.phone or found.email or found.postcode):
            raise SubjectAccessError(
                "give at least one of name, phone, email or postcode "
                "(a date of birth alone matches too many people)"
            )
        return found

    def kinds(self) -> list[str]:
        return [
            k for k in ("name", "date_of_birth", "phone", "email", "postcode") if getattr(self, k)
        ]


@dataclass
class Found:
    kind: str  # "contact", "incident", ...
    label: str  # model label, as in the audit trail
    pk: int
    reference: str
    matched_by: list[str]
    data: dict[str, Any]
    review: list[str] = field(default_factory=list)  # why it needs review before disclosure


def _matches(
    ids: Identifiers,
    *,
    name: str = "",
    phone: str = "",
    email: str = "",
    address: str = "",
    dob: date | None = None,
    free_text: str = "",
) -> list[str]:
    how = []
    if ids.name and name and _name(name) == ids.name:
        how.append("name")
    if ids.phone:
        numbers = [phone, *re.findall(r"\+?[\d][\d ()-]{8,}\d", free_text)]
        if any(n and _phone(n) == ids.phone for n in numbers):
            how.append("phone")
    if ids.email and (
        (email and email.casefold() == ids.email) or ids.email in free_text.casefold()
    ):
        how.append("email")
    if ids.postcode and ids.postcode in re.sub(r"\s+", "", f"{address} {free_text}").upper():
        how.append("postcode")
    if how and ids.date_of_birth and dob == ids.date_of_birth:
        how.append("date_of_birth")
    if how and ids.date_of_birth and dob and dob != ids.date_of_birth:
        return []  # a different date of birth: another person of the same name
    return how


def _third_parties(names: list[tuple[str, str]]) -> list[str]:
    return [f"names another person ({role}): redact unless they consent" for role, _ in names]


def search(ids: Identifiers) -> list[Found]:
    found: list[Found] = []
    incidents: dict[int, list[str]] = {}
    for contact in Contact.objects.order_by("pk"):
        how = _matches(
            ids,
            name=contact.caller_name,
            phone=contact.caller_number,
            email=contact.caller_email,
            address=contact.location_text,
        )
        if not how:
            continue
        item = Found(
            "contact",
            "contacts.contact",
            contact.pk,
            str(contact),
            [f"caller {h}" for h in how],
            {
                "channel": contact.get_channel_display(),
                "offered_at": contact.offered_at,
                "caller_name": contact.caller_name,
                "caller_number": contact.caller_number,
                "email": contact.caller_email,
                "message": contact.message,
                "outcome": contact.get_outcome_display(),
                "chat": [f"{m.sender}: {m.body}" for m in contact.chat_messages.all()],
                "tracking_page_updates": [u.text for u in contact.reporter_updates.all()],
                "uploads": [a.original_name for a in contact.attachments.all()],
                "online_report": contact.report_details,
            },
        )
        if contact.chat_messages.filter(sender="operator").exists():
            item.review.append("chat transcript includes staff messages: check for third parties")
        found.append(item)
        if contact.incident_id:
            incidents.setdefault(contact.incident_id, []).append(f"their contact {contact}")
    for person in Person.objects.select_related("incident").order_by("pk"):
        how = _matches(
            ids,
            name=person.name,
            phone=person.phone,
            address=person.address,
            dob=person.date_of_birth,
        )
        if how:
            incidents.setdefault(person.incident_id, []).append(
                f"{person.get_role_display().lower()} by {', '.join(how)}"
            )
            for referral in Referral.objects.filter(person=person):
                found.append(
                    Found(
                        "safeguarding",
                        "safeguarding.referral",
                        referral.pk,
                        f"referral {referral.pk}",
                        [f"person by {', '.join(how)}"],
                        {
                            "team": referral.get_team_display(),
                            "referred_at": referral.referred_at,
                            "reason": referral.reason,
                            "status": referral.status,
                        },
                        [
                            "safeguarding referral: disclosure may prejudice the "
                            "protection of the person or others (DPA 2018 s.45(4))"
                        ],
                    )
                )
    for incident in Incident.objects.filter(pk__in=incidents).order_by("pk"):
        persons = list(incident.persons.all())
        others = [
            (p.get_role_display().lower(), p.name)
            for p in persons
            if not _matches(ids, name=p.name, phone=p.phone, address=p.address, dob=p.date_of_birth)
        ]
        found.append(
            Found(
                "incident",
                "incidents.incident",
                incident.pk,
                incident.reference,
                incidents[incident.pk],
                {
                    "opened_at": incident.opened_at,
                    "summary": incident.summary,
                    "classification": incident.classification,
                    "address": incident.address,
                    "persons": [{"role": p.role, "name": p.name} for p in persons],
                    "log": [e.text for e in incident.log_entries.all()],
                },
                _third_parties(others),
            )
        )
    crimes: dict[int, list[str]] = {}
    for party in Party.objects.order_by("pk"):
        how = _matches(ids, name=party.name, free_text=party.contact_details)
        if how:
            crimes.setdefault(party.crime_id, []).append(f"{party.role} by {', '.join(how)}")
    contact_ids = {f.pk for f in found if f.kind == "contact"}
    for crime in CrimeRecord.objects.filter(contact__in=contact_ids):
        crimes.setdefault(crime.pk, []).append("reported by their contact")
    for crime in CrimeRecord.objects.filter(pk__in=crimes).order_by("pk"):
        parties = list(crime.parties.all())
        others = [
            (p.role, p.name)
            for p in parties
            if not _matches(ids, name=p.name, free_text=p.contact_details)
        ]
        review = _third_parties(others)
        found.append(
            Found(
                "crime",
                "crimes.crimerecord",
                crime.pk,
                crime.reference,
                crimes[crime.pk],
                {
                    "reported_at": crime.reported_at,
                    "offence": crime.offence,
                    "summary": crime.summary,
                    "status": crime.get_status_display(),
                    "parties": [{"role": p.role, "name": p.name} for p in parties],
                },
                review,
            )
        )
    for marker in WarningMarker.objects.order_by("pk"):
        how = _matches(
            ids,
            name=marker.person_name,
            phone=marker.phone,
            address=marker.address,
            dob=marker.date_of_birth,
        )
        if how:
            found.append(
                Found(
                    "warning_marker",
                    "incidents.warningmarker",
                    marker.pk,
                    f"marker {marker.pk}",
                    how,
                    {"code": marker.get_code_display(), "details": marker.details},
                    [
                        "warning marker: officer safety information, disclosure may "
                        "prejudice the prevention of crime (DPA 2018 s.45(4))"
                    ],
                )
            )
    _mark_need_to_know(found)
    subjects = {(f.label, str(f.pk)) for f in found}
    for event in Event.objects.filter(subject_type__in={s for s, _ in subjects}).order_by("pk"):
        if (event.subject_type, event.subject_id) in subjects:
            found.append(
                Found(
                    "audit",
                    "audit.event",
                    event.pk,
                    f"audit #{event.pk}",
                    [f"about {event.subject_type} {event.subject_id}"],
                    {"occurred_at": event.occurred_at, "action": event.action_label},
                )
            )
    return found


def _mark_need_to_know(found: list[Found]) -> None:
    """Records under a need-to-know restriction (accounts.Restriction) go for review: the
    restricting officer decides what may be disclosed."""
    from django.apps import apps

    from demandhub.accounts.need_to_know import active_restriction

    for item in found:
        restriction = active_restriction(apps.get_model(item.label)(pk=item.pk))
        if restriction is not None:
            item.review.append(
                f"restricted (need-to-know: {restriction.get_category_display().lower()}): "
                "the restricting officer decides"
            )
