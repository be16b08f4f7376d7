"""Live video and location from the scene: one-time links, the caller's positions, the evidence
captured from the stream and the text messages that carried the links (issue 10)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class SceneLink(models.Model):
    """A one-time, short-lived link inviting a caller to stream video and share their location.

    Lifecycle (links.state_of reads it; actions write it):

      * waiting: created; only the SHA-256 of its token is kept, the token is shown once
      * bound: the first device opened it and consented (consent_at); only that browser session
        (device_hash, the SHA-256 of a key kept in its session) may use it again
      * revoked: withdrawn by staff (revoked_at, revoked_by); refused from then on
      * expired: expires_at has passed; refused from then on, whatever the state before

    Fields:
      * token_hash: SHA-256 (hex) of the token in the URL; the token itself is never stored
      * first_used_at: when the link was first opened, with or without consent
    """

    incident = models.ForeignKey("incidents.Incident", models.PROTECT, related_name="scene_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    first_used_at = models.DateTimeField(null=True, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    device_hash = models.CharField(max_length=64, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        permissions = [
            ("watch_stream", "Can send scene video links and watch and capture the stream"),
            ("view_evidence", "Can view and download evidence captured from scene video"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_at__isnull=True) | ~Q(device_hash=""),
                name="scene_link_consent_binds_a_device",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="scene_link_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"scene link {self.pk} for {self.incident_id}"


class SceneLocation(models.Model):
    """A position the caller's phone reported (browser geolocation), with its accuracy.

    applied: whether it was also set as the incident's location (the first fix, and later ones
    that moved or sharpened it; see actions.record_caller_location).
    """

    link = models.ForeignKey(SceneLink, models.PROTECT, related_name="locations")
    incident = models.ForeignKey("incidents.Incident", models.PROTECT, related_name="+")
    latitude = models.FloatField()
    longitude = models.FloatField()
    accuracy_m = models.FloatField()
    reported_at = models.DateTimeField()
    applied = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["incident", "reported_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180)
                & Q(accuracy_m__gte=0),
                name="scene_location_on_earth",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.latitude:.5f}, {self.longitude:.5f} ±{self.accuracy_m:.0f} m"


class Evidence(models.Model):
    """A still or a recording captured from a scene stream. Never changed or deleted by the app.

    The file lives under SCENE_EVIDENCE_DIR at `path` (relative); sha256 is the hash of its bytes
    as received, so a copy can be proved identical to what was captured.
    """

    class Kind(models.TextChoices):
        STILL = "still", "Still"
        RECORDING = "recording", "Recording"

    incident = models.ForeignKey("incidents.Incident", models.PROTECT, related_name="+")
    link = models.ForeignKey(SceneLink, models.PROTECT, related_name="evidence")
    kind = models.CharField(max_length=12, choices=Kind)
    path = models.CharField(max_length=255, unique=True)
    content_type = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    captured_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    captured_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "evidence"
        indexes = [models.Index(fields=["incident", "captured_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sha256[:12]}"

    @property
    def file_name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


class SmsMessage(models.Model):
    """A text message carrying a scene link, as handed to the SMS gateway (or its outbox).

    The body is kept with the link's token masked: the token is a credential. status: outbox
    (recorded by the outbox backend, nothing sent), sent (the gateway accepted it) or failed.
    """

    class Status(models.TextChoices):
        OUTBOX = "outbox", "In the outbox"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    link = models.ForeignKey(SceneLink, models.PROTECT, related_name="messages")
    to = models.CharField(max_length=20)
    body = models.TextField()
    backend = models.CharField(max_length=16)
    status = models.CharField(max_length=8, choices=Status)
    gateway_reference = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"SMS to {self.to} ({self.status})"
