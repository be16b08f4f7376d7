"""Staff accounts and the API tokens that devices and gateways use."""

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property


class User(AbstractUser):
    """A member of staff. Roles are Groups (accounts/roles.py). Accounts are deactivated,
    never deleted, because audit entries and domain records point at them."""

    staff_number = models.CharField(max_length=20, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        permissions = [
            ("manage_staff", "Can create staff accounts and change their roles"),
            ("issue_token", "Can issue and revoke API tokens"),
        ]

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
