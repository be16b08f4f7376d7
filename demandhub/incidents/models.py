"""Incidents: what was reported, where, how urgent, and what happened to it."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from demandhub.demand.training import TrainingQuerySet

from .grading import GRADE_CHOICES


class Incident(models.Model):
    """Something reported to us that may need a police response.

    Lifecycle (workflow.NEXT holds the allowed moves):

      * open: raised from a contact or by staff; not yet graded
      * graded: THRIVE+ assessment accepted and a grade set
      * awaiting_deployment: Grade 1-3, waiting for a dispatcher to assign resources
      * resources_assigned / at_scene: set by dispatch
      * with_resolution_team: Grade 4, in the Incident Resolution Team queue
      * redirected: passed to another agency (ambulance, fire, council, ...)
      * resolved: no further deployment needed; closed: finalised with a closing code

    Fields:
      * reference: human reference, <force code>-<YYYYMMDD>-<NNNN>, unique per force and day
      * contact: the contact that raised it; null when raised directly by staff
      * classification: the opening code from classifications.catalogue() (NSIR-like); the
        closing classification may differ
      * location: the normalised location (locations.Location.as_dict()); latitude/longitude
        copy its position for queries; area is the policing area containing that position
      * attendance_deadline: from the grade and the area type (grading.ATTENDANCE_TARGETS);
        null for Grade 4 and ungraded incidents
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

    class Agency(models.TextChoices):
        AMBULANCE = "ambulance", "Ambulance service"
        FIRE = "fire", "Fire and rescue service"
        COUNCIL = "council", "Local council"
        OTHER = "other", "Another agency"

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
    classification = models.CharField(max_length=40, blank=True, db_index=True)
    qualifiers = models.JSONField(default=list, blank=True)  # NSIR qualifiers: domestic, hate...
    grade = models.PositiveSmallIntegerField(choices=GRADE_CHOICES, null=True, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    location = models.JSONField(default=dict, blank=True)
    address = models.CharField(max_length=300, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    area = models.ForeignKey(
        "forces.PolicingArea", models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    attendance_deadline = models.DateTimeField(null=True, blank=True)
    redirected_to = models.CharField(max_length=16, choices=Agency, blank=True)
    redirect_reason = models.TextField(blank=True)
    redirected_at = models.DateTimeField(null=True, blank=True)
    closing_classification = models.CharField(max_length=40, blank=True)
    closing_code = models.CharField(max_length=40, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="duplicates"
    )
    # A training exercise's record: never in live queues or statistics (demand/training.py).
    exercise = models.ForeignKey(
        "demand.Exercise", models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = TrainingQuerySet.as_manager()

    class Meta:
        permissions = [
            ("raise_incident", "Can raise incidents"),
            ("grade_incident", "Can assess and grade incidents"),
            ("regrade_incident", "Can regrade incidents (supervisor)"),
            ("resolve_incident", "Can resolve incidents without deployment"),
            ("review_resolution", "Can review resolved incidents for quality"),
            ("redirect_incident", "Can redirect incidents to another agency"),
            ("close_incident", "Can close incidents"),
            ("manage_warning", "Can add and withdraw warning markers"),
            ("exchange_eido", "Can export and import EIDO documents"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | Q(grade__gte=1, grade__lte=4),
                name="incidents_incident_grade_1_to_4",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "redirected", "closed"]) | Q(grade__isnull=False),
                name="incidents_incident_past_open_has_grade",
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="incidents_incident_coordinates_on_earth",
            ),
        ]
        indexes = [models.Index(fields=["latitude", "longitude"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def is_overdue(self, now: datetime) -> bool:
        return (
            self.attendance_deadline is not None
            and self.status in (self.Status.AWAITING_DEPLOYMENT, self.Status.RESOURCES_ASSIGNED)
            and now > self.attendance_deadline
        )


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


class StatusChange(models.Model):
    """One row per status move. Written only by workflow.move(); never updated."""

    incident = models.ForeignKey(Incident, models.PROTECT, related_name="status_changes")
    old_status = models.CharField(max_length=24, choices=Incident.Status)
    new_status = models.CharField(max_length=24, choices=Incident.Status)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.old_status} -> {self.new_status}"


class Person(models.Model):
    """Someone involved in an incident: the caller, a victim, a suspect, a witness, ..."""

    class Role(models.TextChoices):
        CALLER = "caller", "Caller"
        VICTIM = "victim", "Victim"
        SUSPECT = "suspect", "Suspect"
        WITNESS = "witness", "Witness"
        SUBJECT = "subject", "Subject of concern"
        OTHER = "other", "Other"

    incident = models.ForeignKey(Incident, models.PROTECT, related_name="persons")
    role = models.CharField(max_length=12, choices=Role)
    name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    address = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["name"]), models.Index(fields=["phone"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class LogEntry(models.Model):
    """The incident's narrative log: append-only; a wrong entry is struck through, never deleted
    (Ranger IMS). System entries (author null) record what the actions did."""

    incident = models.ForeignKey(Incident, models.PROTECT, related_name="log_entries")
    written_at = models.DateTimeField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.TextField()
    system = models.BooleanField(default=False)
    stricken = models.BooleanField(default=False)
    stricken_at = models.DateTimeField(null=True, blank=True)
    stricken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    strike_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["written_at", "id"]
        verbose_name_plural = "log entries"

    def __str__(self) -> str:
        return f"{self.incident_id} {self.written_at:%H:%M}: {self.text[:40]}"


class Assessment(models.Model):
    """One version of the incident's THRIVE+ assessment and the grade decision that followed.

    Every version is kept: the first grading, overrides, supervisor regrades and resolution-team
    escalations each add a row. `proposed_grade` and `reasons` are what the rules said; `grade` is
    what was decided; `override_reason` explains any difference (required then).
    """

    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial grading"
        REASSESSMENT = "reassessment", "Reassessment"
        REGRADE = "regrade", "Supervisor regrade"
        ESCALATION = "escalation", "Escalated by the resolution team"

    incident = models.ForeignKey(Incident, models.PROTECT, related_name="assessments")
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Kind)
    thrive = models.JSONField(default=dict)
    proposed_grade = models.PositiveSmallIntegerField(choices=GRADE_CHOICES, null=True)
    reasons = models.JSONField(default=list)
    grade = models.PositiveSmallIntegerField(choices=GRADE_CHOICES)
    override_reason = models.TextField(blank=True)
    assessed_at = models.DateTimeField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["version"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "version"], name="incidents_assessment_one_per_version"
            ),
            models.CheckConstraint(
                condition=Q(proposed_grade__isnull=True)
                | Q(grade=models.F("proposed_grade"))
                | ~Q(override_reason=""),
                name="incidents_assessment_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} v{self.version}: grade {self.grade}"

    @property
    def overridden(self) -> bool:
        return self.proposed_grade is not None and self.proposed_grade != self.grade


class LinkedContact(models.Model):
    """A further contact about an existing incident (for example a second caller), linked
    instead of raising a duplicate."""

    incident = models.ForeignKey(Incident, models.PROTECT, related_name="linked_contacts")
    contact = models.ForeignKey("contacts.Contact", models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    linked_at = models.DateTimeField()
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact"], name="incidents_contact_linked_once"),
        ]

    def __str__(self) -> str:
        return f"contact {self.contact_id} -> {self.incident_id}"


class WarningMarker(models.Model):
    """A warning on an address or a person, shown to handlers and to whoever is dispatched.

    An address marker matches incidents within `radius_m` of its point; a person marker matches
    persons involved by name and date of birth, or by phone number.
    """

    class Code(models.TextChoices):
        VIOLENCE_TO_POLICE = "violence_to_police", "Violence towards police"
        FIREARMS_CERTIFICATE = "firearms_certificate", "Firearms certificate holder"
        WEAPONS = "weapons", "Known to carry weapons"
        DANGEROUS_DOG = "dangerous_dog", "Dangerous dog"
        DRUGS = "drugs", "Drugs on premises"
        MENTAL_HEALTH = "mental_health", "Mental health: approach with care"
        SELF_HARM = "self_harm", "Risk of self-harm"
        DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse history"
        INFECTION = "infection", "Infection risk"
        OTHER = "other", "Other"

    code = models.CharField(max_length=24, choices=Code)
    details = models.TextField(blank=True)
    # An address marker:
    address = models.CharField(max_length=300, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    radius_m = models.PositiveIntegerField(default=30)
    # A person marker:
    person_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=False, longitude__isnull=False)
                | ~Q(person_name="")
                | ~Q(phone=""),
                name="incidents_warning_has_a_place_or_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()}: {self.address or self.person_name or self.phone}"

    @property
    def label(self) -> str:
        return str(self.get_code_display())


class Resolution(models.Model):
    """How the Incident Resolution Team resolved an incident without deployment."""

    incident = models.OneToOneField(Incident, models.PROTECT, related_name="resolution")
    outcome = models.TextField()
    advice_given = models.TextField(blank=True)
    crime_recorded = models.BooleanField(default=False)
    crime_reference = models.CharField(max_length=40, blank=True)
    resolved_at = models.DateTimeField()
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(crime_recorded=False) | ~Q(crime_reference=""),
                name="incidents_resolution_crime_has_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} resolved"


class QualityReview(models.Model):
    """A resolved-without-deployment incident sampled for a supervisor's quality review."""

    resolution = models.OneToOneField(Resolution, models.PROTECT, related_name="review")
    sampled_at = models.DateTimeField()
    score = models.PositiveSmallIntegerField(null=True, blank=True)  # 1 (poor) to 5 (excellent)
    feedback = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="incidents_review_score_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"review of {self.resolution_id}"
