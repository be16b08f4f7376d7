"""Writes for incidents. Each runs in one transaction, audits itself and announces on commit."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from demandhub import audit
from demandhub.accounts.models import User
from demandhub.audit.models import Action
from demandhub.contacts.models import Contact
from demandhub.core import realtime

from .models import Incident
from .references import next_reference


@transaction.atomic
def raise_incident(*, by: User | None, summary: str, contact: Contact | None = None) -> Incident:
    """Open an incident, from a contact or directly by staff. by=None: raised by the system."""
    now = timezone.now()
    incident = Incident.objects.create(
        reference=next_reference(settings.FORCE_CODE, timezone.localdate(now)),
        contact=contact,
        summary=summary,
        opened_at=now,
        opened_by=by,
    )
    audit.record(
        Action.INCIDENT_RAISED,
        actor=by,
        subject=incident,
        reference=incident.reference,
        contact=contact.pk if contact else None,
    )
    realtime.announce("incidents", "incident.raised", incident.pk)
    return incident
