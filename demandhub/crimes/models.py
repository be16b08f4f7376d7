"""Crime records: a crime reported on any channel, awaiting the IMU's recording decision.

Minimal for now (issue 11 records them from contacts); issue 5 adds review, allocation,
investigation, victim care and outcomes.
"""

from django.conf import settings
from django.db import models

from demandhub.demand.training import TrainingQuerySet


class CrimeRecord(models.Model):
    """A report of a crime, from a contact (999, 101 crime line, web chat, online report), an
    incident, or recorded directly by staff.

    Lifecycle (see workflow.NEXT):

      * awaiting_review: the IMU checks it is complete, makes the recording decision within
        24 hours of the report (recording_deadline, ../shared/DOMAIN.md section 6), assesses
        solvability and decides to file or investigate
      * not_recorded: the IMU decided no notifiable crime was reported (the victim is told)
      * filed: recorded, then filed by the IMU with a Home Office outcome code (e.g. 18)
      * allocated: to the policing area covering the location, awaiting its sergeant
      * under_investigation: the sergeant assigned an investigating officer
      * closed: finalised with a Home Office outcome code and the date the victim was told
      * cancelled: a recorded crime removed by the Force Crime Registrar for an allowed reason

    Fields:

      * reference: CR-<YYYYMMDD>-<NNNN>, unique per day; quoted to the reporter
      * source: how it reached us; contact / incident link to the source record
      * reported_at: when the report reached the force (starts the 24-hour clock)
      * recording_decision / _at / _by: the NCRS decision and who made it
      * offence_code: from offences.OFFENCES; offence keeps the reporter's or handler's words
      * location / address / latitude / longitude / location_area: the normalised place and
        the policing area containing it; occurred_from / occurred_to: the time window
      * cctv ... vehicle_registration: the evidence flags solvability.assess() reads
      * area: the policing area it is allocated to (may differ from location_area with an
        override reason); officer: the investigating officer the sergeant assigned
      * enhanced_entitlement / update_every_days: Victims' Code care; victim_update_due_at is
        the next regular update, key_decision_due_at the deadline to tell the victim of a key
        decision (cleared by the update that tells them)
      * outcome_code / outcome_at / outcome_by / victim_told_on: how it was finalised
    """

    class Status(models.TextChoices):
        AWAITING_REVIEW = "awaiting_review", "Awaiting IMU review"
        NOT_RECORDED = "not_recorded", "Not recorded as a crime"
        FILED = "filed", "Filed"
        ALLOCATED = "allocated", "Allocated to an area"
        UNDER_INVESTIGATION = "under_investigation", "Under investigation"
        CLOSED = "closed", "Closed with an outcome"
        CANCELLED = "cancelled", "Cancelled"

    class Source(models.TextChoices):
        ONLINE_REPORT = "online_report", "Online report"
        WEB_CHAT = "web_chat", "Web chat"
        CRIME_LINE = "crime_line", "101 crime line"
        EMERGENCY_CALL = "999", "999 call"
        INCIDENT = "incident", "Incident"
        STAFF = "staff", "Recorded by staff"

    class RecordingDecision(models.TextChoices):
        PENDING = "", "Pending"
        RECORDED = "recorded", "Recorded as a crime"
        NOT_RECORDED = "not_recorded", "Not a crime"

    class CancellationReason(models.TextChoices):
        # Home Office Counting Rules, section C (../shared/DOMAIN.md section 6).
        NO_CRIME = "no_crime", "Additional verifiable information: no notifiable crime occurred"
        IN_ERROR = "in_error", "Recorded in error"
        DUPLICATE = "duplicate", "Duplicate of another crime record"
        OTHER_FORCE = "other_force", "Occurred in another force's area (transferred)"

    reference = models.CharField(max_length=24, unique=True)
    contact = models.ForeignKey(
        "contacts.Contact", models.PROTECT, null=True, blank=True, related_name="crime_records"
    )
    incident = models.ForeignKey(
        "incidents.Incident", models.PROTECT, null=True, blank=True, related_name="crime_records"
    )
    source = models.CharField(max_length=16, choices=Source, default=Source.STAFF)
    status = models.CharField(max_length=24, choices=Status, default=Status.AWAITING_REVIEW)
    summary = models.TextField()
    offence = models.CharField(max_length=200, blank=True)
    offence_code = models.CharField(max_length=8, blank=True)
    transcript = models.TextField(blank=True)
    reported_at = models.DateTimeField(db_index=True)
    recording_deadline = models.DateTimeField(db_index=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    recording_decision = models.CharField(
        max_length=16, choices=RecordingDecision, blank=True, default=""
    )
    recording_decided_at = models.DateTimeField(null=True, blank=True)
    recording_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Where and when
    location = models.JSONField(default=dict, blank=True)
    address = models.CharField(max_length=300, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    location_area = models.ForeignKey(
        "forces.PolicingArea", models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_from = models.DateTimeField(null=True, blank=True)
    occurred_to = models.DateTimeField(null=True, blank=True)

    # What
    property_description = models.TextField(blank=True)
    modus_operandi = models.TextField(blank=True)

    # Evidence flags (solvability.FLAGS)
    cctv = models.BooleanField("CCTV", default=False)
    forensic_opportunity = models.BooleanField(default=False)
    witnesses = models.BooleanField(default=False)
    suspect_named = models.BooleanField("named suspect", default=False)
    suspect_described = models.BooleanField("described suspect", default=False)
    traceable_property = models.BooleanField(default=False)
    vehicle_registration = models.BooleanField(default=False)

    information_requested_at = models.DateTimeField(null=True, blank=True)

    # Allocation and investigation
    area = models.ForeignKey(
        "forces.PolicingArea", models.PROTECT, null=True, blank=True, related_name="crimes"
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    allocation_override_reason = models.TextField(blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="crimes"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    victim_first_contact_at = models.DateTimeField(null=True, blank=True)

    # Victims' Code
    enhanced_entitlement = models.BooleanField(default=False)
    update_every_days = models.PositiveSmallIntegerField(default=28)
    victim_update_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    key_decision_due_at = models.DateTimeField(null=True, blank=True, db_index=True)

    # Outcome
    outcome_code = models.CharField(max_length=4, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    victim_told_on = models.DateField(null=True, blank=True)
    cancellation_reason = models.CharField(max_length=16, choices=CancellationReason, blank=True)
    # A training exercise's record: never in live queues or statistics (demand/training.py).
    exercise = models.ForeignKey(
        "demand.Exercise", models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = TrainingQuerySet.as_manager()

    class Meta:
        permissions = [
            ("record_crime", "Can record a crime reported in a contact"),
            ("review_crime", "Can review crime reports, decide recording and file or allocate"),
            ("assign_crime", "Can assign allocated crimes to investigating officers"),
            ("investigate_crime", "Can investigate crimes and update victims"),
            ("cancel_crime", "Can cancel a recorded crime (Force Crime Registrar)"),
            ("link_crime", "Can confirm links between crimes"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recording_deadline__gt=models.F("reported_at")),
                name="crimes_crimerecord_deadline_after_report",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["filed", "closed"]) | ~models.Q(outcome_code=""),
                name="crimes_crimerecord_finalised_has_outcome",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="cancelled") | ~models.Q(cancellation_reason=""),
                name="crimes_crimerecord_cancelled_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "area"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reporter_status(self) -> str:
        """What the reporter is told about this record's progress (the tracking page)."""
        if self.outcome_code and self.status in (self.Status.FILED, self.Status.CLOSED):
            from .outcomes import public_wording

            return public_wording(self.outcome_code)
        return REPORTER_STATUS.get(self.status, "We are dealing with your report.")

    @property
    def evidence(self) -> dict[str, bool]:
        from .solvability import FLAGS

        return {flag: getattr(self, flag) for flag in FLAGS}


# Words for the public: no internal jargon (IMU, NCRS) on the tracking page.
REPORTER_STATUS: dict[str, str] = {
    CrimeRecord.Status.AWAITING_REVIEW: (
        "Your report has been recorded and is waiting to be reviewed by our investigations "
        "team. We will tell you what happens next."
    ),
    CrimeRecord.Status.NOT_RECORDED: "We have decided that what you reported is not a crime.",
    CrimeRecord.Status.ALLOCATED: (
        "Your report is being passed to an officer in your local policing area, who will "
        "contact you."
    ),
    CrimeRecord.Status.UNDER_INVESTIGATION: "An officer is investigating your report.",
    CrimeRecord.Status.CANCELLED: "This crime record has been cancelled.",
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


class Party(models.Model):
    """A victim, suspect or witness named or described in a crime record."""

    class Role(models.TextChoices):
        VICTIM = "victim", "Victim"
        SUSPECT = "suspect", "Suspect"
        WITNESS = "witness", "Witness"

    crime = models.ForeignKey(CrimeRecord, models.PROTECT, related_name="parties")
    role = models.CharField(max_length=8, choices=Role)
    name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    contact_details = models.CharField(max_length=300, blank=True)
    vulnerable = models.BooleanField(default=False)
    added_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name or self.description[:40]}"


class Review(models.Model):
    """An IMU decision on a crime record: file (with the outcome code) or investigate (with the
    area). Keeps what was missing and the solvability assessment the decision rested on."""

    class Decision(models.TextChoices):
        FILE = "file", "File"
        INVESTIGATE = "investigate", "Investigate"

    crime = models.ForeignKey(CrimeRecord, models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField()
    decision = models.CharField(max_length=12, choices=Decision)
    reason = models.TextField(blank=True)
    outcome_code = models.CharField(max_length=4, blank=True)
    missing = models.JSONField(default=list, blank=True)
    solvability_score = models.PositiveSmallIntegerField()
    solvability_explanation = models.TextField(blank=True)
    suggested_area = models.ForeignKey(
        "forces.PolicingArea", models.PROTECT, null=True, blank=True, related_name="+"
    )
    area = models.ForeignKey(
        "forces.PolicingArea", models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.crime}: {self.decision}"


class AreaPosting(models.Model):
    """The policing area whose crimes a sergeant or investigating officer works on."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.PROTECT, related_name="posting")
    area = models.ForeignKey("forces.PolicingArea", models.PROTECT, related_name="postings")

    def __str__(self) -> str:
        return f"{self.user} @ {self.area}"


class InvestigationAction(models.Model):
    """A line of enquiry with an owner, a due date and, once done, its result."""

    class Kind(models.TextChoices):
        CCTV_REVIEW = "cctv_review", "CCTV review"
        FORENSIC_SUBMISSION = "forensic_submission", "Forensic submission"
        WITNESS_STATEMENT = "witness_statement", "Witness statement"
        HOUSE_TO_HOUSE = "house_to_house", "House-to-house enquiries"
        LINKED_CRIME_REVIEW = "linked_crime_review", "Linked-crime review"
        OTHER = "other", "Other enquiry"

    crime = models.ForeignKey(CrimeRecord, models.PROTECT, related_name="actions")
    kind = models.CharField(max_length=24, choices=Kind)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    due_on = models.DateField()
    result = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.crime}: {self.get_kind_display()}"


class VictimUpdate(models.Model):
    """An update given to the victim (Victims' Code). Updates given through the tracking page
    also appear there as a contacts.ReporterUpdate.

    * key_decision_due_at: the key-decision deadline this update met (the crime's pending
      key_decision_due_at when a key-decision, outcome or first-contact update was given);
      null when none was pending. Kept so the key-decision timeliness KPI can be computed
      after the crime's own deadline is cleared.
    """

    class Kind(models.TextChoices):
        FIRST_CONTACT = "first_contact", "First contact by the officer"
        KEY_DECISION = "key_decision", "Key decision"
        REGULAR = "regular", "Regular update"
        INFORMATION_REQUEST = "information_request", "Request for information"
        OUTCOME = "outcome", "Outcome"

    class Channel(models.TextChoices):
        TRACKING_PAGE = "tracking_page", "Tracking page"
        PHONE = "phone", "Phone"
        IN_PERSON = "in_person", "In person"
        EMAIL = "email", "Email"

    crime = models.ForeignKey(CrimeRecord, models.PROTECT, related_name="victim_updates")
    kind = models.CharField(max_length=20, choices=Kind)
    channel = models.CharField(max_length=16, choices=Channel)
    text = models.TextField()
    given_at = models.DateTimeField()
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    key_decision_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["given_at", "id"]

    def __str__(self) -> str:
        return f"{self.crime}: {self.text[:40]}"


class CrimeLink(models.Model):
    """Two crimes a member of staff confirmed as linked (a series), with the reason.
    Stored once per pair, the lower primary key first."""

    first = models.ForeignKey(CrimeRecord, models.PROTECT, related_name="+")
    second = models.ForeignKey(CrimeRecord, models.PROTECT, related_name="+")
    reason = models.TextField()
    score = models.FloatField(null=True, blank=True)
    confirmed_at = models.DateTimeField()
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="crimes_link_once_per_pair"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="crimes_link_ordered_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ~ {self.second_id}"


class TextVector(models.Model):
    """The stored text vector of a crime's MO and description, for linked-crime suggestions
    (linking.py). float32 bytes; `model` names the encoder that made it."""

    crime = models.OneToOneField(CrimeRecord, models.CASCADE, related_name="text_vector")
    model = models.CharField(max_length=64)
    vector = models.BinaryField()
    # LinkIndexState.revision when this row (or its crime's place or time) last changed: a
    # process holding the index in memory reloads only the rows past the revision it has.
    revision = models.BigIntegerField(default=0, db_index=True)

    def __str__(self) -> str:
        return f"{self.crime_id} ({self.model})"


class LinkIndexState(models.Model):
    """One row: a counter bumped, in the writer's transaction, whenever a crime's text vector,
    place or time changes (linking.touch). Its row lock orders the writers, so the revisions
    are committed in order and a reader that has seen revision r has every row up to r."""

    revision = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"link index revision {self.revision}"
