"""Safeguarding: vulnerability flags on persons involved in incidents, and referrals to the hub's
mental health practitioners and the protecting-vulnerable-people (PVP) duty contacts."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q


class VulnerabilityFlag(models.Model):
    """A vulnerability recorded on a person involved in an incident. Withdrawn, never deleted."""

    class Kind(models.TextChoices):
        MENTAL_HEALTH = "mental_health", "Mental health"
        CHILD = "child", "Child"
        DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
        OLDER_PERSON = "older_person", "Older person"
        DISABILITY = "disability", "Disability"
        REPEAT_VICTIM = "repeat_victim", "Repeat victim"

    person = models.ForeignKey("incidents.Person", models.PROTECT, related_name="vulnerabilities")
    kind = models.CharField(max_length=16, choices=Kind)
    notes = models.TextField(blank=True)
    flagged_at = models.DateTimeField()
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=Q(withdrawn_at__isnull=True),
                name="safeguarding_one_active_flag_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.person}"


class DutyContact(models.Model):
    """Who takes referrals for a team, and how to reach them (reference data, in the admin)."""

    team = models.CharField(max_length=24, unique=True)
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.name} ({self.phone})"


class Referral(models.Model):
    """A referral of a person or incident to a safeguarding team, with its status and how long
    the team took to respond (responded_at - referred_at).

    Lifecycle (workflow.NEXT): referred -> acknowledged -> accepted | declined; accepted -> closed.
    """

    class Team(models.TextChoices):
        MENTAL_HEALTH = "mental_health", "Mental health practitioners (hub)"
        PVP_RASSO = "pvp_rasso", "PVP: rape and serious sexual offences"
        PVP_CHILD_ABUSE = "pvp_child_abuse", "PVP: child abuse"

    class Status(models.TextChoices):
        REFERRED = "referred", "Referred"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        CLOSED = "closed", "Closed"

    incident = models.ForeignKey("incidents.Incident", models.PROTECT, related_name="referrals")
    person = models.ForeignKey(
        "incidents.Person", models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    team = models.CharField(max_length=24, choices=Team)
    reason = models.TextField()
    status = models.CharField(max_length=16, choices=Status, default=Status.REFERRED)
    referred_at = models.DateTimeField()
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    response_notes = models.TextField(blank=True)

    class Meta:
        permissions = [
            ("make_referral", "Can flag vulnerability and make safeguarding referrals"),
            ("respond_referral", "Can respond to safeguarding referrals"),
        ]

    def __str__(self) -> str:
        return f"{self.get_team_display()} for {self.incident}"

    @property
    def response_time(self) -> timedelta | None:
        return self.responded_at - self.referred_at if self.responded_at else None


class ReferralUpdate(models.Model):
    """One row per referral status change. Written only by workflow.move()."""

    referral = models.ForeignKey(Referral, models.PROTECT, related_name="updates")
    old_status = models.CharField(max_length=16, choices=Referral.Status)
    new_status = models.CharField(max_length=16, choices=Referral.Status)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.old_status} -> {self.new_status}"
