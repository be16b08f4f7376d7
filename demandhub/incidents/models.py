"""Incidents: what was reported, where, how urgent, and what happened to it."""

from django.conf import settings
from django.db import models


class Incident(models.Model):
    """Something reported to us that may need a police response.

    Lifecycle (issue 3 adds the transition table): open, graded, awaiting deployment, resources
    assigned, at scene, resolved, closed; or passed to the resolution team; or redirected.

      * reference: human reference, <force code>-<YYYYMMDD>-<NNNN>, unique per force and day
      * contact: the contact that raised it; null when raised directly by staff
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        GRADED = "graded", "Graded"
        AWAITING_DEPLOYMENT = "awaiting_deployment", "Awaiting deployment"
        RESOURCES_ASSIGNED = "resources_assigned", "Resources assigned"
        AT_SCENE = "at_scene", "At scene"
        WITH_RESOLUTION_TEAM = "with_resolution_team", "With the resolution team"
        REDIRECTED = "redirected", "Redirected to another agency"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed"

    reference = models.CharField(max_length=24, unique=True)
    contact = models.ForeignKey(
        "contacts.Contact", models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    status = models.CharField(max_length=24, choices=Status, default=Status.OPEN)
    summary = models.TextField()
    opened_at = models.DateTimeField(db_index=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return self.reference


class ReferenceCounter(models.Model):
    """The last sequence number issued for a force's incident references on one day."""

    force_code = models.CharField(max_length=8)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["force_code", "day"], name="incidents_one_counter_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.force_code} {self.day}: {self.last}"
