"""Contacts: every approach by the public, on any channel, from the moment it is offered."""

from django.conf import settings
from django.db import models


class Contact(models.Model):
    """One approach by the public: a 999 or 101 call, a web chat, an online report, an emergency
    SMS, a social media or email message.

      * offered_at: when it reached the force (the clock for answer-time standards)
      * handled_by: the member of staff who answered it
    """

    class Channel(models.TextChoices):
        EMERGENCY_CALL = "999", "999 call"
        NON_EMERGENCY_CALL = "101", "101 call"
        WEB_CHAT = "web_chat", "Web chat"
        ONLINE_REPORT = "online_report", "Online report"
        EMERGENCY_SMS = "emergency_sms", "Emergency SMS"
        SOCIAL_MEDIA = "social_media", "Social media"
        EMAIL = "email", "Email"

    channel = models.CharField(max_length=16, choices=Channel)
    caller_name = models.CharField(max_length=200, blank=True)
    caller_number = models.CharField(max_length=20, blank=True)  # E.164
    offered_at = models.DateTimeField(db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.pk}"
