"""Audits sign-in, sign-out and refused sign-ins.

Django announces these through its own auth signals (from the login view, the admin and any
other path), so listening is the one place that sees them all; our own code uses no signals.
"""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from demandhub import audit
from demandhub.audit.models import Action


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(Action.USER_LOGGED_IN, actor=user, subject=user)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(Action.USER_LOGGED_OUT, actor=user, subject=user)


@receiver(user_login_failed)
def audit_login_failure(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # The username is whatever was typed: kept short so a hostile value cannot bloat the trail.
    username = str(credentials.get("username", ""))[:150]
    audit.record(
        Action.USER_LOGIN_FAILED, actor=None, subject_type="accounts.user", subject_id=username[:64]
    )
