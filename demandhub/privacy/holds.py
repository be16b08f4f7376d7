"""Legal holds: placing, releasing, and which records a hold keeps (the held record and the
records linked to it: a crime's incident and contacts, an incident's contacts and crimes)."""

from collections import defaultdict

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone

from demandhub import audit
from demandhub.accounts.models import User
from demandhub.audit.models import Action

from .models import LegalHold

HOLDABLE = {
    "contacts.contact",
    "incidents.incident",
    "crimes.crimerecord",
    "safeguarding.referral",
    "scene.evidence",
    "incidents.warningmarker",
}


class HoldError(ValueError):
    pass


def _record(subject_type: str, subject_id: str) -> models.Model:
    if subject_type not in HOLDABLE:
        raise HoldError(f"{subject_type!r} cannot be held; one of: {', '.join(sorted(HOLDABLE))}")
    model = apps.get_model(subject_type)
    try:
        return model._default_manager.get(pk=subject_id)
    except (model.DoesNotExist, ValueError):
        raise HoldError(f"no {subject_type} with id {subject_id!r}") from None


@transaction.atomic
def place(subject_type: str, subject_id: str, *, reason: str, by: User | None) -> LegalHold:
    if not reason.strip():
        raise HoldError("a legal hold needs a reason")
    record = _record(subject_type, subject_id)
    if LegalHold.objects.filter(
        subject_type=subject_type, subject_id=str(record.pk), released_at__isnull=True
    ).exists():
        raise HoldError(f"{subject_type} {record.pk} is already held")
    hold = LegalHold.objects.create(
        subject_type=subject_type,
        subject_id=str(record.pk),
        reason=reason.strip(),
        placed_at=timezone.now(),
        placed_by=by,
    )
    audit.record(
        Action.LEGAL_HOLD_PLACED, actor=by, subject=record, hold=hold.pk, reason=hold.reason
    )
    return hold


@transaction.atomic
def release(hold_id: int, *, reason: str, by: User | None) -> LegalHold:
    if not reason.strip():
        raise HoldError("releasing a legal hold needs a reason")
    hold = LegalHold.objects.select_for_update().filter(pk=hold_id).first()
    if hold is None:
        raise HoldError(f"no legal hold #{hold_id}")
    if hold.released_at is not None:
        raise HoldError(f"legal hold #{hold_id} was already released")
    hold.released_at, hold.released_by, hold.release_reason = timezone.now(), by, reason.strip()
    hold.save(update_fields=["released_at", "released_by", "release_reason"])
    audit.record(
        Action.LEGAL_HOLD_RELEASED,
        actor=by,
        subject_type=hold.subject_type,
        subject_id=hold.subject_id,
        hold=hold.pk,
        reason=hold.release_reason,
    )
    return hold


def protected() -> dict[str, dict[str, int]]:
    """{model label: {pk: hold id}} for every record an active hold keeps."""
    from demandhub.contacts.models import Contact
    from demandhub.crimes.models import CrimeRecord
    from demandhub.incidents.models import Incident, LinkedContact

    kept: dict[str, dict[str, int]] = defaultdict(dict)

    def keep(label: str, pks: object, hold: int) -> None:
        for pk in pks:  # type: ignore[attr-defined]
            if pk is not None:
                kept[label].setdefault(str(pk), hold)

    for hold in LegalHold.objects.filter(released_at__isnull=True):
        keep(hold.subject_type, [hold.subject_id], hold.pk)
        incidents: set[int] = set()
        contacts: set[int] = set()
        crimes: set[int] = set()
        if hold.subject_type == "incidents.incident":
            incidents.add(int(hold.subject_id))
        elif hold.subject_type == "contacts.contact":
            contacts.add(int(hold.subject_id))
        elif hold.subject_type == "crimes.crimerecord":
            crimes.add(int(hold.subject_id))
        else:
            model = apps.get_model(hold.subject_type)
            incidents.update(
                model._default_manager.filter(pk=hold.subject_id).values_list(
                    "incident_id", flat=True
                )
            )
        for crime in CrimeRecord.objects.filter(pk__in=crimes):
            incidents.add(crime.incident_id) if crime.incident_id else None
            contacts.add(crime.contact_id) if crime.contact_id else None
        incidents.update(
            Contact.objects.filter(pk__in=contacts, incident__isnull=False).values_list(
                "incident_id", flat=True
            )
        )
        # Everything about the incidents: the contacts that raised or joined them, their crimes.
        contacts.update(Contact.objects.filter(incident__in=incidents).values_list("pk", flat=True))
        contacts.update(
            LinkedContact.objects.filter(incident__in=incidents).values_list(
                "contact_id", flat=True
            )
        )
        contacts.update(
            Incident.objects.filter(pk__in=incidents, contact__isnull=False).values_list(
                "contact_id", flat=True
            )
        )
        crimes.update(
            CrimeRecord.objects.filter(
                models.Q(incident__in=incidents) | models.Q(contact__in=contacts)
            ).values_list("pk", flat=True)
        )
        keep("incidents.incident", incidents, hold.pk)
        keep("contacts.contact", contacts, hold.pk)
        keep("crimes.crimerecord", crimes, hold.pk)
    return kept
