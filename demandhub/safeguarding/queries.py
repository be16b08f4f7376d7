"""Reads for safeguarding: the referral queue and response times."""

from datetime import timedelta

from django.db.models import QuerySet

from .models import Referral, VulnerabilityFlag

OPEN = (Referral.Status.REFERRED, Referral.Status.ACKNOWLEDGED, Referral.Status.ACCEPTED)


def referrals_open(team: str = "") -> QuerySet[Referral]:
    referrals = Referral.objects.filter(status__in=OPEN)
    if team:
        referrals = referrals.filter(team=team)
    return referrals.select_related("incident", "person", "referred_by").order_by("referred_at")


def referrals_for(incident_id: int) -> QuerySet[Referral]:
    return Referral.objects.filter(incident_id=incident_id).select_related("person")


def flags_for(incident_id: int) -> QuerySet[VulnerabilityFlag]:
    return VulnerabilityFlag.objects.filter(
        person__incident_id=incident_id, withdrawn_at__isnull=True
    ).select_related("person")


def average_response_time(team: str) -> timedelta | None:
    times = [
        r.response_time
        for r in Referral.objects.filter(team=team, responded_at__isnull=False).only(
            "referred_at", "responded_at"
        )
    ]
    return sum(times, timedelta()) / len(times) if times else None  # type: ignore[arg-type]
