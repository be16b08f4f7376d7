"""Confirming that two crimes are linked (part of a series)."""

from django.db import transaction
from django.utils import timezone

from demandhub import audit
from demandhub.accounts.models import User
from demandhub.audit.models import Action
from demandhub.core import realtime

from ..errors import AlreadyLinked, ReasonRequired
from ..models import CrimeLink, CrimeRecord


@transaction.atomic
def confirm_link(
    crime: CrimeRecord, *, by: User, other: CrimeRecord, reason: str, score: float | None = None
) -> CrimeLink:
    if not reason.strip():
        raise ReasonRequired("say why these crimes are linked")
    if crime.pk == other.pk:
        raise AlreadyLinked("a crime cannot be linked to itself")
    first, second = sorted([crime, other], key=lambda c: c.pk)
    if CrimeLink.objects.filter(first=first, second=second).exists():
        raise AlreadyLinked(f"{first} and {second} are already linked")
    link = CrimeLink.objects.create(
        first=first,
        second=second,
        reason=reason.strip(),
        score=score,
        confirmed_at=timezone.now(),
        confirmed_by=by,
    )
    audit.record(Action.CRIME_LINKED, actor=by, subject=crime, other=other.reference, reason=reason)
    realtime.announce("crimes", "crime.changed", crime.pk)
    return link
