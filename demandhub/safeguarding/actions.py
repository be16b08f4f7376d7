"""Writes for safeguarding: each in one transaction, audited, announced on commit."""

from django.db import transaction
from django.utils import timezone

from demandhub import audit
from demandhub.accounts.models import User
from demandhub.audit.models import Action
from demandhub.core import realtime
from demandhub.core.errors import DomainError
from demandhub.incidents.models import Incident, Person

from . import workflow
from .models import Referral, VulnerabilityFlag


class SafeguardingError(DomainError):
    code = "safeguarding_error"


@transaction.atomic
def flag_vulnerability(
    person: Person, *, by: User, kind: str, notes: str = ""
) -> VulnerabilityFlag:
    if kind not in VulnerabilityFlag.Kind.values:
        raise SafeguardingError(f"{kind!r} is not a vulnerability we record.")
    if VulnerabilityFlag.objects.filter(
        person=person, kind=kind, withdrawn_at__isnull=True
    ).exists():
        raise SafeguardingError("That vulnerability is already flagged on this person.")
    flag = VulnerabilityFlag.objects.create(
        person=person, kind=kind, notes=notes, flagged_at=timezone.now(), flagged_by=by
    )
    audit.record(
        Action.VULNERABILITY_FLAGGED, actor=by, subject=person.incident, person=person.pk, kind=kind
    )
    realtime.announce("incidents", "incident.vulnerability", person.incident_id)
    return flag


@transaction.atomic
def withdraw_vulnerability(flag: VulnerabilityFlag, *, by: User, reason: str) -> VulnerabilityFlag:
    flag = VulnerabilityFlag.objects.select_for_update().get(pk=flag.pk)
    if not reason.strip():
        raise SafeguardingError("Say why the flag is withdrawn.")
    if flag.withdrawn_at is None:
        flag.withdrawn_at = timezone.now()
        flag.save(update_fields=["withdrawn_at"])
        audit.record(
            Action.VULNERABILITY_WITHDRAWN,
            actor=by,
            subject=flag.person.incident,
            flag=flag.pk,
            reason=reason.strip(),
        )
    return flag


@transaction.atomic
def make_referral(
    incident: Incident, *, by: User, team: str, reason: str, person: Person | None = None
) -> Referral:
    if team not in Referral.Team.values:
        raise SafeguardingError(f"{team!r} is not a team we refer to.")
    if not reason.strip():
        raise SafeguardingError("Say why you are referring.")
    if person is not None and person.incident_id != incident.pk:
        raise SafeguardingError("That person is not involved in this incident.")
    referral = Referral.objects.create(
        incident=incident,
        person=person,
        team=team,
        reason=reason.strip(),
        referred_at=timezone.now(),
        referred_by=by,
    )
    audit.record(Action.REFERRAL_MADE, actor=by, subject=referral, team=team, incident=incident.pk)
    realtime.announce("safeguarding", "referral.made", referral.pk)
    return referral


@transaction.atomic
def update_referral(referral: Referral, *, by: User, to: str, notes: str = "") -> Referral:
    """The team's response: acknowledge, accept, decline or close. The first response stamps
    responded_at, from which the response time is measured."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if to == Referral.Status.DECLINED and not notes.strip():
        raise SafeguardingError("Say why the referral is declined.")
    workflow.move(referral, to, by=by, notes=notes.strip())
    fields = ["status"]
    if referral.responded_at is None:
        referral.responded_at, referral.responded_by = timezone.now(), by
        fields += ["responded_at", "responded_by"]
    if notes.strip():
        referral.response_notes = notes.strip()
        fields.append("response_notes")
    referral.save(update_fields=fields)
    audit.record(Action.REFERRAL_UPDATED, actor=by, subject=referral, status=to)
    realtime.announce("safeguarding", "referral.updated", referral.pk)
    return referral
