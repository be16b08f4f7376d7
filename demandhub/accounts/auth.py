"""How the JSON API knows who is calling: a staff session, or a device's bearer token; and,
for an operation that names one (`holding`), that the caller holds its permission, checked
before the request's input is read, so a caller without the role is refused (403) whatever
they send, rather than told first what is wrong with their input (422)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from . import bearer
from .models import ApiToken, hash_token
from .sessions import State, session_state, touch


class _Requiring:
    """The permissions an operation's caller must hold (all of them, or any one of `any_of`)."""

    def __init__(self, *, requires: tuple[str, ...] = (), any_of: tuple[str, ...] = ()) -> None:
        self.requires = requires
        self.any_of = any_of
        super().__init__()

    def _permitted(self, user: Any) -> Any:
        """`user`, if they hold the permissions; PermissionDenied (403) if not. Ninja answers
        an exception raised here through the API's handler, before validating any input."""
        if user is None:
            return None
        if self.requires and not user.has_perms(self.requires):
            raise PermissionDenied
        if self.any_of and not any(user.has_perm(p) for p in self.any_of):
            raise PermissionDenied
        return user


class BearerToken(_Requiring, HttpBearer):
    """`Authorization: Bearer dh_...` from accounts.ApiToken; the request acts as its user."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = bearer.find(hash_token(token))
        if found is None:
            return None
        # At most one write a minute per token: devices report positions many times a minute.
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.token_id).update(last_used_at=now)
        request.user = found.user
        return self._permitted(found.user)


class StaffSession(_Requiring, SessionAuth):
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
        return self._permitted(user)


def holding(*permissions: str, any_of: tuple[str, ...] = ()) -> list[Any]:
    """The API's authentication (bearer token first, then staff session, as config/api.py)
    for an operation that needs `permissions` (all) or one of `any_of`: e.g.
    `@router.post(..., auth=holding("incidents.grade_incident"))`. A caller who is not signed
    in gets 401; one signed in without the permission 403, both before the body is read."""
    return [
        BearerToken(requires=permissions, any_of=any_of),
        StaffSession(requires=permissions, any_of=any_of),
    ]
