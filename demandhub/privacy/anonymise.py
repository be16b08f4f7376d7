"""What anonymising each kind of record removes. The statistics stay: counts, timestamps,
grades, classifications, outcomes, areas, channels. Names, numbers, addresses, narratives,
free text and files go. Each function returns the files to remove once the batch commits."""

from pathlib import Path
from typing import Any

from django.db import models

from demandhub.contacts import conf as contacts_conf
from demandhub.scene.evidence import evidence_dir

REMOVED = "[removed under the retention schedule]"


def _blank(queryset: models.QuerySet, **values: Any) -> None:  # type: ignore[type-arg]
    queryset.update(**values)


def contact(record: Any) -> list[Path]:
    from demandhub.contacts.models import Attachment, Contact

    stored = set(Attachment.objects.filter(contact=record).values_list("stored_as", flat=True))
    # A photo is stored once by its hash: keep the file while another contact still uses it.
    shared = set(
        Attachment.objects.filter(stored_as__in=stored)
        .exclude(contact=record)
        .values_list("stored_as", flat=True)
    )
    Attachment.objects.filter(contact=record).delete()
    _blank(record.chat_messages.all(), body=REMOVED)
    _blank(record.reporter_updates.all(), text=REMOVED)
    _blank(record.telephony_events.all(), raw="", error="")
    _blank(
        record.aml_messages.all(),
        raw="",
        parsed={},
        device_number="",
        latitude=None,
        longitude=None,
        error="",
        warnings=[],
    )
    _blank(record.status_changes.all(), reason="")
    Contact.objects.filter(pk=record.pk).update(
        caller_name="",
        caller_number="",
        caller_number_as_given="",
        caller_email="",
        caller_handle="",
        network_address="",
        subject="",
        message="",
        report_details={},
        outcome_reason="",
        latitude=None,
        longitude=None,
        location_text="",
        public_token_hash="",
    )
    return [Path(contacts_conf.uploads_dir()) / name for name in sorted(stored - shared)]


def _persons(queryset: models.QuerySet) -> None:  # type: ignore[type-arg]
    from demandhub.safeguarding.models import VulnerabilityFlag

    VulnerabilityFlag.objects.filter(person__in=queryset).update(notes="")
    queryset.update(name=REMOVED, date_of_birth=None, phone="", address="", description="")


def incident(record: Any) -> list[Path]:
    from demandhub.incidents.models import Incident
    from demandhub.scene.models import Evidence, SceneLocation, SmsMessage

    _persons(record.persons.all())
    _blank(record.log_entries.all(), text=REMOVED, strike_reason="")
    _blank(record.assessments.all(), override_reason="")
    _blank(record.status_changes.all(), reason="")
    _blank(record.linked_contacts.all(), reason="")
    if hasattr(record, "resolution"):
        type(record.resolution).objects.filter(pk=record.resolution.pk).update(
            outcome=REMOVED, advice_given=""
        )
        from demandhub.incidents.models import QualityReview

        QualityReview.objects.filter(resolution=record.resolution).update(feedback="")
    _blank(record.referrals.all(), reason=REMOVED, response_notes="")
    SceneLocation.objects.filter(incident=record).delete()
    SmsMessage.objects.filter(link__incident=record).update(to="", body=REMOVED)
    evidence = list(Evidence.objects.filter(incident=record))
    Evidence.objects.filter(pk__in=[e.pk for e in evidence]).delete()
    Incident.objects.filter(pk=record.pk).update(
        summary=REMOVED,
        location={},
        address="",
        latitude=None,
        longitude=None,
        redirect_reason="",
    )
    return [evidence_dir() / e.path for e in evidence]


def crime(record: Any) -> list[Path]:
    from demandhub.crimes.models import CrimeRecord, TextVector

    record.parties.all().update(name="", description="", contact_details="")
    _blank(record.status_changes.all(), reason="")
    _blank(record.reviews.all(), reason="", solvability_explanation="")
    _blank(record.actions.all(), description="", result="")
    _blank(record.victim_updates.all(), text=REMOVED)
    TextVector.objects.filter(crime=record).delete()  # embeds the narrative
    CrimeRecord.objects.filter(pk=record.pk).update(
        summary=REMOVED,
        transcript="",
        location={},
        address="",
        property_description="",
        modus_operandi="",
        allocation_override_reason="",
    )
    return []


def referral(record: Any) -> list[Path]:
    from demandhub.safeguarding.models import Referral, ReferralUpdate

    ReferralUpdate.objects.filter(referral=record).update(notes="")
    if record.person_id:
        from demandhub.incidents.models import Person

        _persons(Person.objects.filter(pk=record.person_id))
    Referral.objects.filter(pk=record.pk).update(reason=REMOVED, response_notes="")
    return []


def warning_marker(record: Any) -> list[Path]:
    type(record).objects.filter(pk=record.pk).update(
        details="", address="", person_name="", date_of_birth=None, phone=""
    )
    return []


__all__ = ["contact", "crime", "evidence_dir", "incident", "referral", "warning_marker"]
