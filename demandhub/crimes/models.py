"""Crime records: a crime reported on any channel, awaiting the IMU's recording decision.

Minimal for now (issue 11 records them from contacts); issue 5 adds review, allocation,
investigation, victim care and outcomes.
"""

from django.conf import settings
from django.db import models


class CrimeRecord(models.Model):
    """A report of a crime, from a contact (999, 101 crime line, web chat, online report).

    Lifecycle (see workflow.NEXT):

      * awaiting_review: recorded from a contact; the IMU decides whether it is a crime within
        24 hours of the report (recording_deadline, ../shared/DOMAIN.md section 6)

      * reference: CR-<YYYYMMDD>-<NNNN>, unique per day; quoted to the reporter
      * contact: the contact the report came from; null when recorded directly by staff
      * reported_at: when the report reached the force (starts the 24-hour clock)
      * transcript: the web chat transcript or online form text it was recorded from
    """

    class Status(models.TextChoices):
        AWAITING_REVIEW = "awaiting_review", "Awaiting IMU review"

    reference = models.CharField(max_length=24, unique=True)
    contact = models.ForeignKey(
        "contacts.Contact", models.PROTECT, null=True, blank=True, related_name="crime_records"
    )
    status = models.CharField(max_length=24, choices=Status, default=Status.AWAITING_REVIEW)
    summary = models.TextField()
    offence = models.CharField(max_length=200, blank=True)
    transcript = models.TextField(blank=True)
    reported_at = models.DateTimeField(db_index=True)
    recording_deadline = models.DateTimeField(db_index=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        permissions = [("record_crime", "Can record a crime reported in a contact")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recording_deadline__gt=models.F("reported_at")),
                name="crimes_crimerecord_deadline_after_report",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reporter_status(self) -> str:
        """What the reporter is told about this record's progress (the tracking page)."""
        return REPORTER_STATUS.get(self.status, "We are dealing with your report.")


# Words for the public: no internal jargon (IMU, NCRS) on the tracking page.
REPORTER_STATUS: dict[str, str] = {
    CrimeRecord.Status.AWAITING_REVIEW: (
        "Your report has been recorded and is waiting to be reviewed by our investigations "
        "team. We will tell you what happens next."
    ),
}


class StatusChange(models.Model):
    """One row per status move of a crime record. Written only by workflow.move()."""

    crime = models.ForeignKey(CrimeRecord, models.PROTECT, related_name="status_changes")
    old_status = models.CharField(max_length=24, choices=CrimeRecord.Status, blank=True)
    new_status = models.CharField(max_length=24, choices=CrimeRecord.Status)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.crime}: {self.old_status or '-'} -> {self.new_status}"


class ReferenceCounter(models.Model):
    """The last sequence number issued for crime references on one day."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"
