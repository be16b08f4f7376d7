"""Legal holds, and the ledger of what retention has already done (so a run can resume)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class LegalHold(models.Model):
    """A record that retention must not touch while the hold is in force: litigation, a
    complaint, an IOPC referral, a public inquiry. Records linked to it are kept too
    (holds.protected()). Released holds stay, for the history."""

    subject_type = models.CharField(max_length=64)  # "crimes.crimerecord", as in audit.Event
    subject_id = models.CharField(max_length=64)
    reason = models.TextField()
    placed_at = models.DateTimeField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    release_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"],
                condition=Q(released_at__isnull=True),
                name="privacy_one_active_hold_per_record",
            ),
        ]

    def __str__(self) -> str:
        return f"hold on {self.subject_type}:{self.subject_id}"


class RetentionDone(models.Model):
    """One row per record retention anonymised: a second run skips it; an interrupted run
    resumes after the last committed batch. (Deleted records need no row: they are gone.)"""

    record_type = models.CharField(max_length=64)
    record_id = models.CharField(max_length=64)
    action = models.CharField(max_length=12)
    done_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "record_id"], name="privacy_retention_once_per_record"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.record_type}:{self.record_id}"


class FileToRemove(models.Model):
    """A file retention has to remove: written in the batch's transaction with the change that
    makes the file unwanted, deleted once the file is gone. A run interrupted between its
    batch's commit and the removal leaves the row, and the next run removes the file first
    (retention.remove_queued_files), so no file outlives its record for more than one run."""

    path = models.CharField(max_length=1024)  # absolute, as the batch resolved it
    queued_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.path
