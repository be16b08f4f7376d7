"""Writes for crime records. Each runs in one transaction, audits itself, announces on commit."""

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from demandhub import audit
from demandhub.accounts.models import User
from demandhub.audit.models import Action
from demandhub.core import realtime

from . import workflow
from .deadlines import recording_deadline
from .models import CrimeRecord
from .references import next_reference

if TYPE_CHECKING:
    from demandhub.contacts.models import Contact


@transaction.atomic
def record_crime(
    *,
    by: User | None,
    summary: str,
    contact: "Contact | None" = None,
    offence: str = "",
    transcript: str = "",
    reported_at: datetime | None = None,
) -> CrimeRecord:
    """Record a reported crime for IMU review. by=None: recorded by the system.

    The 24-hour recording clock starts when the report reached the force: the contact's
    offered time unless `reported_at` says otherwise.
    """
    now = timezone.now()
    if reported_at is None:
        reported_at = contact.offered_at if contact is not None else now
    crime = CrimeRecord.objects.create(
        reference=next_reference(timezone.localdate(now)),
        contact=contact,
        summary=summary,
        offence=offence,
        transcript=transcript,
        reported_at=reported_at,
        recording_deadline=recording_deadline(reported_at),
        recorded_at=now,
        recorded_by=by,
    )
    workflow.start(crime, by=by)
    audit.record(
        Action.CRIME_RECORDED,
        actor=by,
        subject=crime,
        reference=crime.reference,
        contact=contact.pk if contact is not None else None,
    )
    realtime.announce("crimes", "crime.recorded", crime.pk)
    return crime
