"""Staff accounts and the API tokens that devices and gateways use."""

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property


class User(AbstractUser):
    """A member of staff. Roles are Groups (accounts/roles.py). Accounts are deactivated,
    never deleted, because audit entries and domain records point at them."""

    staff_number = models.CharField(max_length=20, blank=True)
    # Raised to end every session the user has (accounts.actions.revoke_sessions): it is part of
    # the session hash Django checks on each request, so older sessions stop working at once.
    session_epoch = models.PositiveIntegerField(default=0)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        permissions = [
            ("manage_staff", "Can create staff accounts and change their roles"),
            ("issue_token", "Can issue and revoke API tokens"),
            ("revoke_sessions", "Can sign a member of staff out everywhere"),
        ]

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django's HMAC of the password hash, with the session epoch once it has been raised
        (epoch 0 gives Django's own value, so sessions from before this field still work)."""
        value = self.password if not self.session_epoch else f"{self.password}:{self.session_epoch}"
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            value,
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def role_names(self) -> list[str]:
        """Names of the roles held; cached because the top bar and the page both show them."""
        return sorted(g.name for g in self.groups.all())

    @property
    def role_titles(self) -> list[str]:
        from .roles import ROLES_BY_NAME

        return [ROLES_BY_NAME[n].title if n in ROLES_BY_NAME else n for n in self.role_names]


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for a machine client (telephony gateway, vehicle locator, message gateway).

    The token acts as `user`, a service account whose roles limit what it may do. Only the
    SHA-256 of the secret is kept; the secret is shown once, when issued.

      * issued_by: the administrator who issued it
      * revoked_at: set when revoked; a revoked token is refused
    """

    name = models.CharField(max_length=80)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="api_tokens")
    prefix = models.CharField(max_length=8, db_index=True)
    secret_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Team(models.Model):
    """A named team of staff (e.g. the rape investigation team, the child abuse investigation
    unit). Restricted records name the teams that may see them (need-to-know, docs/security.md)."""

    name = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=120)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teams", blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Restriction(models.Model):
    """Need-to-know: a record (incident, contact, ...) only named teams and the allocated
    officer may open (accounts/need_to_know.py). Every opening is audited with its reason.

      * subject_type, subject_id: the record, as the audit trail names records ("app.model", pk)
      * category: why it is restricted
      * lifted_at: set when the restriction is lifted; the row stays, as history
    """

    class Category(models.TextChoices):
        SEXUAL_OFFENCE = "sexual_offence", "Sexual offence"
        CHILD_ABUSE = "child_abuse", "Child abuse"
        STAFF_VICTIM = "staff_victim", "A member of staff is the victim"
        OTHER = "other", "Other sensitive matter"

    subject_type = models.CharField(max_length=64)
    subject_id = models.CharField(max_length=64)
    category = models.CharField(max_length=20, choices=Category.choices)
    teams = models.ManyToManyField(Team, related_name="restrictions", blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"],
                condition=models.Q(lifted_at__isnull=True),
                name="one_active_restriction_per_record",
            )
        ]
        permissions = [("restrict_record", "Can restrict a record to named teams")]

    def __str__(self) -> str:
        return f"{self.subject_type} #{self.subject_id}: {self.get_category_display()}"
