"""How the JSON API knows who is calling: a staff session, or a device's bearer token."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken, hash_token
from .sessions import State, session_state, touch


class BearerToken(HttpBearer):
    """`Authorization: Bearer dh_...` from accounts.ApiToken; the request acts as its user."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.select_related("user")
            .filter(secret_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        # At most one write a minute per token: devices report positions many times a minute.
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class StaffSession(SessionAuth):
    """A signed-in member of staff's session cookie, with its CSRF check on writes.

    A request that carries an Authorization header is a device's, and is judged by its token
    alone: without this, a wrong token fell through to the session check and was answered
    "CSRF check Failed" (403) rather than 401.
    """

    def __call__(self, request: HttpRequest) -> Any:
        if "HTTP_AUTHORIZATION" in request.META:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        """Only a session that has given its second factor and is not idle (sessions.py)."""
        user = super().authenticate(request, key)
        if user is None or session_state(request.session) is not State.VERIFIED:
            return None
        touch(request.session)
        return user
