"""Contacts: every approach by the public, on any channel, from the moment it is offered."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from demandhub.demand.training import TrainingQuerySet


class Contact(models.Model):
    """One approach by the public: a 999 or 101 call, a web chat, an online report, an emergency
    SMS, a social media or email message.

    Lifecycle (see workflow.NEXT):

      * queued: offered and waiting for a member of staff
      * in_progress: taken (answered) by a member of staff, who records the outcome
      * completed: outcome recorded (incident, crime, advice, transfer, redirection)
      * abandoned: the caller gave up before anyone answered

    Fields:

      * offered_at: when it reached the force (the clock for answer-time standards); a 999
        contact made from a transferred 101 call keeps the 101 call's offered time
      * answered_at, ended_at, abandoned_at: from the telephony system for calls, from the
        console for other channels
      * handled_by: the member of staff who answered it
      * external_id: the telephony call id or the gateway's message id, unique per channel
        (a 101 call transferred to 999 keeps its call id on the 999 line)
      * parent: the 101 call this 999 contact was transferred from
      * incident: the incident this contact raised or was linked to
      * latitude/longitude/location_text: the location the handler set; a handset position
        (AmlMessage) is only a candidate until the handler chooses to use it
      * public_token_hash: SHA-256 of the private token in the reporter's chat or tracking link
    """

    class Channel(models.TextChoices):
        EMERGENCY_CALL = "999", "999 call"
        NON_EMERGENCY_CALL = "101", "101 call"
        WEB_CHAT = "web_chat", "Web chat"
        ONLINE_REPORT = "online_report", "Online report"
        EMERGENCY_SMS = "emergency_sms", "Emergency SMS"
        SOCIAL_MEDIA = "social_media", "Social media"
        EMAIL = "email", "Email"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        ABANDONED = "abandoned", "Abandoned"

    class Outcome(models.TextChoices):
        INCIDENT_RAISED = "incident_raised", "Incident raised"
        INCIDENT_LINKED = "incident_linked", "Linked to an existing incident"
        CRIME_RECORDED = "crime_recorded", "Crime recorded"
        ADVICE_GIVEN = "advice_given", "Advice given"
        TRANSFERRED_TO_999 = "transferred_to_999", "Transferred to 999"
        REDIRECTED_ONLINE = "redirected_online", "Redirected to online reporting"
        REDIRECTED_AGENCY = "redirected_agency", "Redirected to another agency"
        ABANDONED = "abandoned", "Abandoned"

    class ReportKind(models.TextChoices):
        CRIME = "crime", "Crime"
        ANTI_SOCIAL_BEHAVIOUR = "asb", "Anti-social behaviour"
        ROAD_TRAFFIC = "rtc", "Road traffic incident"

    channel = models.CharField(max_length=16, choices=Channel)
    status = models.CharField(max_length=16, choices=Status, default=Status.QUEUED)
    # 0 is served first: emergencies, then 101, then web chat, then written work (queueing.py).
    priority = models.PositiveSmallIntegerField(default=9)
    reference = models.CharField(max_length=24, blank=True)
    external_id = models.CharField(max_length=128, blank=True)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="transfers"
    )

    caller_name = models.CharField(max_length=200, blank=True)
    caller_number = models.CharField(max_length=20, blank=True)  # E.164
    caller_number_as_given = models.CharField(max_length=64, blank=True)
    caller_email = models.CharField(max_length=254, blank=True)
    caller_handle = models.CharField(max_length=200, blank=True)  # social media account
    network_address = models.TextField(blank=True)  # supplied by the phone network for 999

    subject = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)  # what the public wrote (report, email, post)
    report_kind = models.CharField(max_length=8, choices=ReportKind, blank=True)
    report_details = models.JSONField(default=dict, blank=True)

    offered_at = models.DateTimeField(db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    abandoned_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    outcome = models.CharField(max_length=24, choices=Outcome, blank=True)
    outcome_agency = models.CharField(max_length=200, blank=True)
    outcome_reason = models.TextField(blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    incident = models.ForeignKey(
        "incidents.Incident",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",  # incidents.LinkedContact owns Incident.linked_contacts
    )

    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    location_text = models.CharField(max_length=300, blank=True)
    location_source = models.CharField(max_length=16, blank=True)  # "handler" or "aml"

    public_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # A training exercise's record: never in live queues or statistics (demand/training.py).
    exercise = models.ForeignKey(
        "demand.Exercise", models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = TrainingQuerySet.as_manager()

    class Meta:
        permissions = [
            ("handle_contact", "Can take 101 calls, web chats, online reports and messages"),
            ("handle_emergency_contact", "Can take 999 calls and emergency SMS"),
            ("receive_telephony", "Can send telephony call events"),
            ("receive_aml", "Can send handset locations (AML)"),
            ("receive_message", "Can send social media and email messages"),
        ]
        indexes = [
            # The queue: waiting contacts, most urgent channel first, then longest waiting.
            models.Index(fields=["status", "priority", "offered_at"], name="contacts_queue"),
            models.Index(fields=["caller_number", "offered_at"], name="contacts_by_number"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~Q(external_id=""),
                name="contacts_external_id_unique_per_channel",
            ),
            models.UniqueConstraint(
                fields=["reference"],
                condition=~Q(reference=""),
                name="contacts_reference_unique",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | ~Q(outcome=""),
                name="contacts_completed_has_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(status="abandoned") | Q(outcome="abandoned"),
                name="contacts_abandoned_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="redirected_agency") | ~Q(outcome_agency=""),
                name="contacts_redirection_names_agency",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or f"{self.get_channel_display()} #{self.pk}"

    @property
    def is_call(self) -> bool:
        return self.channel in (self.Channel.EMERGENCY_CALL, self.Channel.NON_EMERGENCY_CALL)

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class StatusChange(models.Model):
    """One row per status move of a contact. Written only by workflow.move(); never updated."""

    contact = models.ForeignKey(Contact, models.PROTECT, related_name="status_changes")
    old_status = models.CharField(max_length=16, choices=Contact.Status, blank=True)
    new_status = models.CharField(max_length=16, choices=Contact.Status)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.contact}: {self.old_status or '-'} -> {self.new_status}"


class TelephonyEvent(models.Model):
    """Every payload the telephony system posted, kept as received, including rejected ones.

    * status: applied (changed the contact), duplicate (same call, line, event and time as
      one applied before) or rejected (malformed: `error` says why; nothing was changed)
    * dedupe_key: "<line>|<call id>|<event>|<time>" for applied events (unique)
    """

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        DUPLICATE = "duplicate", "Duplicate"
        REJECTED = "rejected", "Rejected"

    received_at = models.DateTimeField(db_index=True)
    raw = models.TextField()
    status = models.CharField(max_length=12, choices=Status)
    error = models.TextField(blank=True)
    line = models.CharField(max_length=8, blank=True)
    call_id = models.CharField(max_length=128, blank=True)
    event = models.CharField(max_length=16, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)
    contact = models.ForeignKey(
        Contact, models.PROTECT, null=True, blank=True, related_name="telephony_events"
    )

    class Meta:
        indexes = [models.Index(fields=["line", "call_id"], name="contacts_telephony_call")]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(status="applied"),
                name="contacts_telephony_applied_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event or '?'} {self.line}/{self.call_id} ({self.status})"


class AmlMessage(models.Model):
    """A handset location (Advanced Mobile Location, ETSI TS 103 625), kept as received.

    * transport: sms (the text format) or https (the form-encoded POST)
    * status: matched (attached to a 999 contact), unmatched (no live or recent 999 call
      from the number yet), discarded (unparseable or failed its HMAC: `error` says why)
    * contact: the 999 contact it was matched to; its position is a candidate location the
      handler may choose to use, never applied automatically
    """

    class Transport(models.TextChoices):
        SMS = "sms", "SMS"
        HTTPS = "https", "HTTPS"

    class Status(models.TextChoices):
        MATCHED = "matched", "Matched to a 999 call"
        UNMATCHED = "unmatched", "No matching 999 call"
        DISCARDED = "discarded", "Discarded"

    received_at = models.DateTimeField(db_index=True)
    transport = models.CharField(max_length=8, choices=Transport)
    raw = models.TextField()
    status = models.CharField(max_length=12, choices=Status)
    error = models.TextField(blank=True)
    warnings = models.JSONField(default=list, blank=True)
    parsed = models.JSONField(default=dict, blank=True)
    device_number = models.CharField(max_length=20, blank=True)  # E.164
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    accuracy_m = models.FloatField(null=True, blank=True)
    positioned_at = models.DateTimeField(null=True, blank=True)
    method = models.CharField(max_length=16, blank=True)
    contact = models.ForeignKey(
        Contact, models.PROTECT, null=True, blank=True, related_name="aml_messages"
    )

    class Meta:
        indexes = [models.Index(fields=["device_number", "received_at"], name="contacts_aml_num")]

    def __str__(self) -> str:
        return f"AML {self.device_number or '?'} {self.received_at:%H:%M:%S} ({self.status})"

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class ChatMessage(models.Model):
    """One line of a web chat transcript. Stored before it is broadcast; never edited.

    * sender: public (the member of the public), operator, or system (joined, closed)
    * author: the operator who wrote it; null for the public and the system
    """

    class Sender(models.TextChoices):
        PUBLIC = "public", "Member of the public"
        OPERATOR = "operator", "Operator"
        SYSTEM = "system", "System"

    contact = models.ForeignKey(Contact, models.PROTECT, related_name="chat_messages")
    sender = models.CharField(max_length=10, choices=Sender)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = models.TextField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.sender}: {self.body[:40]}"


class Attachment(models.Model):
    """A photo sent with an online report, stored under DEMANDHUB_DATA_DIR by its SHA-256."""

    contact = models.ForeignKey(Contact, models.PROTECT, related_name="attachments")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_as = models.CharField(max_length=200)  # relative to the data folder
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.original_name} ({self.sha256[:12]})"


class ReporterUpdate(models.Model):
    """An update meant for the member of the public, shown on their tracking page."""

    contact = models.ForeignKey(Contact, models.PROTECT, related_name="reporter_updates")
    text = models.TextField()
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:60]


class ReferenceCounter(models.Model):
    """The last sequence number issued for a reference prefix on one day."""

    prefix = models.CharField(max_length=8)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "day"], name="contacts_one_counter_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} {self.day}: {self.last}"


class RateLimitCount(models.Model):
    """Requests counted for one rate-limit window (ratelimit.py) when the shared cache is the
    database: each request adds one in a single upsert, where the database cache's incr is a
    read then a write that concurrent requests interleave, losing counts. Rows past
    expires_at are deleted as new windows open."""

    key = models.CharField(max_length=255, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class StaffState(models.Model):
    """What a member of staff on the floor is doing now, and since when (one row per person).

      * available: ready for the next contact
      * on_contact: answering or working a contact (set when they take one)
      * wrap_up: finishing the work after a contact (set when they record its outcome)
      * break: away from the desk
      * off: signed off the floor

    Written only by contacts.actions.staff; each move also adds a StaffStateChange.
    """

    class State(models.TextChoices):
        AVAILABLE = "available", "Available"
        ON_CONTACT = "on_contact", "On a contact"
        WRAP_UP = "wrap_up", "Wrap-up"
        BREAK = "break", "On a break"
        OFF = "off", "Off the floor"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    state = models.CharField(max_length=12, choices=State, default=State.OFF)
    since = models.DateTimeField()
    # SET_NULL: a purged training contact or one past retention leaves the state history whole.
    contact = models.ForeignKey(Contact, models.SET_NULL, null=True, blank=True, related_name="+")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.state}"


class StaffStateChange(models.Model):
    """One row per move of a member of staff's state. Never updated."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    old_state = models.CharField(max_length=12, choices=StaffState.State)
    new_state = models.CharField(max_length=12, choices=StaffState.State)
    changed_at = models.DateTimeField()
    # SET_NULL: a purged training contact or one past retention leaves the state history whole.
    contact = models.ForeignKey(Contact, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["user", "new_state", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.old_state} -> {self.new_state}"
