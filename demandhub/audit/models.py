"""The audit trail: who did what to which record, when, from where. Append-only and hash-chained."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

GENESIS_HASH = "0" * 64


class Action(models.TextChoices):
    """The catalogue of audited actions, reviewable in one place. Apps add their own here.

    The column holds no database `choices`, so adding an action needs no migration; record()
    refuses any value not listed here.
    """

    USER_LOGGED_IN = "user.logged_in", "Signed in"
    USER_LOGGED_OUT = "user.logged_out", "Signed out"
    USER_LOGIN_FAILED = "user.login_failed", "Sign-in refused"
    USER_CREATED = "user.created", "Staff account created"
    USER_ROLES_CHANGED = "user.roles_changed", "Staff roles changed"
    USER_SECOND_FACTOR_ENROLLED = "user.second_factor_enrolled", "Authenticator app enrolled"
    USER_SECOND_FACTOR_VERIFIED = "user.second_factor_verified", "Second factor given at sign-in"
    USER_SECOND_FACTOR_FAILED = "user.second_factor_failed", "Wrong second-factor code"
    USER_SECOND_FACTOR_RESET = "user.second_factor_reset", "Authenticator app reset"
    USER_SESSIONS_REVOKED = "user.sessions_revoked", "Signed out everywhere by a supervisor"
    USER_SESSION_EXPIRED = "user.session_expired", "Session ended after inactivity"
    USER_UNLOCKED = "user.unlocked", "Sign-in lockout cleared"
    RECORD_RESTRICTED = "record.restricted", "Record restricted to named teams"
    RESTRICTION_LIFTED = "record.restriction_lifted", "Record restriction lifted"
    RESTRICTED_RECORD_VIEWED = "record.restricted_viewed", "Restricted record opened (with reason)"
    ROLES_SYNCED = "roles.synced", "Role definitions synchronised"
    TOKEN_ISSUED = "token.issued", "API token issued"
    TOKEN_REVOKED = "token.revoked", "API token revoked"
    FORCE_SEEDED = "force.seeded", "Reference data seeded"
    EXERCISE_STARTED = "exercise.started", "Training exercise started"
    EXERCISE_ENDED = "exercise.ended", "Training exercise ended"
    EXERCISE_PURGED = "exercise.purged", "Training exercise's records purged"
    RECORD_CHANGED_IN_ADMIN = "admin.changed", "Reference record changed in the admin"
    INCIDENT_RAISED = "incident.raised", "Incident raised"
    CONTACT_RECEIVED = "contact.received", "Contact received"
    CONTACT_ANSWERED = "contact.answered", "Contact answered"
    CONTACT_ABANDONED = "contact.abandoned", "Contact abandoned before answer"
    CONTACT_CALL_UPDATED = "contact.call_updated", "Call updated by the telephony system"
    CONTACT_COMPLETED = "contact.completed", "Contact outcome recorded"
    CONTACT_TRANSFERRED = "contact.transferred", "101 call transferred to 999"
    CONTACT_LOCATION_SET = "contact.location_set", "Contact location set"
    CONTACT_REPORTER_UPDATED = "contact.reporter_updated", "Update added for the reporter"
    CONTACT_RELEASED = "contact.released", "Contact returned to the queue"
    STAFF_STATE_CHANGED = "staff.state_changed", "Staff state on the floor changed"
    AML_RECEIVED = "aml.received", "Handset location (AML) received"
    AML_MATCHED = "aml.matched", "Handset location matched to a 999 call"
    CRIME_RECORDED = "crime.recorded", "Crime recorded"
    CHAT_MESSAGE_POSTED = "chat.message_posted", "Web chat message posted"
    TELEPHONY_EVENT_REJECTED = "telephony.event_rejected", "Malformed telephony event kept"
    INCIDENT_LOCATED = "incident.located", "Incident location set"
    INCIDENT_PERSON_ADDED = "incident.person_added", "Person added to an incident"
    INCIDENT_LOGGED = "incident.logged", "Incident log entry written"
    INCIDENT_LOG_STRICKEN = "incident.log_stricken", "Incident log entry struck through"
    INCIDENT_GRADED = "incident.graded", "Incident graded"
    INCIDENT_REGRADED = "incident.regraded", "Incident regraded"
    INCIDENT_ESCALATED = "incident.escalated", "Incident escalated by the resolution team"
    INCIDENT_RESOLVED = "incident.resolved", "Incident resolved without deployment"
    INCIDENT_REVIEW_SAMPLED = "incident.review_sampled", "Resolution sampled for quality review"
    INCIDENT_REVIEWED = "incident.reviewed", "Resolution quality reviewed"
    INCIDENT_REDIRECTED = "incident.redirected", "Incident redirected to another agency"
    INCIDENT_CLOSED = "incident.closed", "Incident closed"
    INCIDENT_CONTACT_LINKED = "incident.contact_linked", "Contact linked to an incident"
    INCIDENT_EXPORTED = "incident.exported", "Incident exported as EIDO"
    INCIDENT_IMPORTED = "incident.imported", "Incident imported from EIDO"
    WARNING_ADDED = "warning.added", "Warning marker added"
    WARNING_WITHDRAWN = "warning.withdrawn", "Warning marker withdrawn"
    VULNERABILITY_FLAGGED = "vulnerability.flagged", "Vulnerability flagged on a person"
    VULNERABILITY_WITHDRAWN = "vulnerability.withdrawn", "Vulnerability flag withdrawn"
    REFERRAL_MADE = "referral.made", "Safeguarding referral made"
    REFERRAL_UPDATED = "referral.updated", "Safeguarding referral status changed"
    # Crimes and the IMU (issue 5)
    CRIME_DETAILS_CHANGED = "crime.details_changed", "Crime record details changed"
    CRIME_PARTY_ADDED = "crime.party_added", "Victim, suspect or witness added to a crime"
    CRIME_RECORDING_DECIDED = "crime.recording_decided", "Crime recording decision made"
    CRIME_INFORMATION_REQUESTED = "crime.information_requested", "Reporter asked for information"
    CRIME_FILED = "crime.filed", "Crime filed by the IMU"
    CRIME_ALLOCATED = "crime.allocated", "Crime allocated to a policing area"
    CRIME_ASSIGNED = "crime.assigned", "Crime assigned to an investigating officer"
    CRIME_ACTION_ADDED = "crime.action_added", "Investigation action added"
    CRIME_ACTION_COMPLETED = "crime.action_completed", "Investigation action completed"
    CRIME_VICTIM_UPDATED = "crime.victim_updated", "Victim updated"
    CRIME_VICTIM_CARE_SET = "crime.victim_care_set", "Victims' Code entitlement and frequency set"
    CRIME_KEY_DECISION = "crime.key_decision", "Key decision recorded for the victim"
    CRIME_CLOSED = "crime.closed", "Crime closed with an outcome"
    CRIME_CANCELLED = "crime.cancelled", "Recorded crime cancelled"
    CRIME_LINKED = "crime.linked", "Crimes confirmed as linked"
    CRIME_POSTING_SET = "crime.posting_set", "Officer posted to a policing area"
    CRIME_POSTING_ENDED = "crime.posting_ended", "Officer's area posting ended"
    CRIME_RESTRICTED_VIEWED = "crime.restricted_viewed", "Restricted crime record viewed"
    # Live video and location from the scene (issue 10).
    SCENE_LINK_CREATED = "scene.link_created", "Scene video link created"
    SCENE_LINK_SENT = "scene.link_sent", "Scene video link sent by text message"
    SCENE_LINK_REVOKED = "scene.link_revoked", "Scene video link withdrawn"
    SCENE_LINK_OPENED = "scene.link_opened", "Scene video link opened by the caller"
    SCENE_LINK_REFUSED = "scene.link_refused", "Scene video link refused to a device"
    SCENE_CONSENT_GIVEN = "scene.consent_given", "Caller consented to share video and location"
    SCENE_CALLER_CONNECTED = "scene.caller_connected", "Caller connected to stream from the scene"
    SCENE_STREAM_WATCHED = "scene.stream_watched", "Scene video stream watched"
    SCENE_LOCATION_SHARED = "scene.location_shared", "Caller's phone location received"
    SCENE_EVIDENCE_CAPTURED = "scene.evidence_captured", "Evidence captured from scene video"
    SCENE_EVIDENCE_VIEWED = "scene.evidence_viewed", "Scene video evidence viewed or downloaded"
    # Dispatch (issue 4).
    RESOURCE_STATUS_CHANGED = "resource.status_changed", "Resource status changed"
    RESOURCE_BOOKED_ON = "resource.booked_on", "Officer booked on to a resource"
    RESOURCE_BOOKED_OFF = "resource.booked_off", "Officer booked off a resource"
    POSITIONS_REPORTED = "resource.positions_reported", "Resource positions reported"
    RESOURCE_ASSIGNED = "resource.assigned", "Resource assigned to an incident"
    RESOURCE_STOOD_DOWN = "resource.stood_down", "Resource stood down from an incident"
    # Retention, legal holds and subject access (issue 9, privacy).
    RETENTION_ANONYMISED = "retention.anonymised", "Record anonymised under the retention schedule"
    RETENTION_DELETED = "retention.deleted", "Record deleted under the retention schedule"
    LEGAL_HOLD_PLACED = "legal_hold.placed", "Legal hold placed on a record"
    LEGAL_HOLD_RELEASED = "legal_hold.released", "Legal hold released"
    SUBJECT_ACCESS_SEARCHED = "subject_access.searched", "Subject access search run"


class Event(models.Model):
    """One audited action. Rows are never updated or deleted (a PostgreSQL trigger enforces it).

    `prev_hash` is the `hash` of the entry before; `hash` is the SHA-256 of `prev_hash` and this
    entry's content (chain.content_of). Editing, deleting or inserting a row by hand breaks the
    chain, which `demandhub audit verify` detects. The unique `prev_hash` makes a fork
    impossible even if two writers raced past the head lock.

      * actor: the signed-in member of staff, or null for the system (commands, devices)
      * ip_address, request_id: where the request came from and its X-Request-ID
      * subject_type, subject_id: the record acted on, as "app_label.model" and its primary key
    """

    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=64)
    subject_type = models.CharField(max_length=64)
    subject_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    ip_address = models.CharField(max_length=45, null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["subject_type", "subject_id", "occurred_at"])]
        constraints = [
            models.UniqueConstraint(fields=["prev_hash"], name="audit_event_one_successor"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.subject_type}:{self.subject_id}"

    @property
    def action_label(self) -> str:
        try:
            return str(Action(self.action).label)
        except ValueError:
            return self.action
