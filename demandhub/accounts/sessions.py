"""Staff sessions: the second factor and expiry after inactivity.

A password alone signs nobody in. After the password, a session holds the user but is *pending*
until a TOTP code from the user's enrolled device is given (accounts/views.py: enrol on first
sign-in, verify afterwards); a pending session reaches only those two pages and sign-out.
django-otp's own marker (the device's persistent id in the session) says the second factor was
given; it is read from the session, which is loaded anyway, so checking it costs no query.

A session also ends after SESSION_IDLE_MINUTES without a request. The time of the last request
is written to the session at most once a minute, so a busy console does not write on every
request. Pages, the JSON API (accounts/auth.py) and websockets (StaffSessionWebsocketMiddleware)
all apply the same two rules through `session_state`.
"""

import time
from collections.abc import Callable
from enum import Enum
from typing import Any
from urllib.parse import urlencode

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from demandhub import audit
from demandhub.accounts import need_to_know
from demandhub.audit.models import Action
from demandhub.core.middleware import API_NAMESPACE

LAST_SEEN_KEY = "demandhub_last_seen"
# The last-request time is rewritten only when it is older than this (seconds).
TOUCH_EVERY_SECONDS = 60

# Pages a pending session may open (the second factor itself, and leaving).
PENDING_ALLOWED = {"accounts:otp_enrol", "accounts:otp_verify", "accounts:logout"}


class State(Enum):
    VERIFIED = "verified"  # password and second factor given, recently active
    PENDING = "pending"  # password given, second factor not yet
    IDLE = "idle"  # no request for longer than SESSION_IDLE_MINUTES


def session_state(session: SessionBase, *, now: float | None = None) -> State:
    """The state of a signed-in user's session (callers check sign-in first)."""
    now = time.time() if now is None else now
    last_seen = session.get(LAST_SEEN_KEY)
    if last_seen is not None and now - float(last_seen) > settings.SESSION_IDLE_MINUTES * 60:
        return State.IDLE
    if not session.get(DEVICE_ID_SESSION_KEY):
        return State.PENDING
    return State.VERIFIED


def touch(session: SessionBase, *, now: float | None = None) -> None:
    """Record activity, writing the session only when the last write is a minute old."""
    now = time.time() if now is None else now
    last_seen = session.get(LAST_SEEN_KEY)
    if last_seen is None or now - float(last_seen) >= TOUCH_EVERY_SECONDS:
        session[LAST_SEEN_KEY] = int(now)


class StaffSessionMiddleware:
    """After authentication: end idle sessions, and keep pending ones to the second factor."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = need_to_know.bind_session(getattr(request, "session", None))
        try:
            return self.get_response(request)
        finally:
            need_to_know.unbind_session(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A restricted record opened without a reason: ask for it (need_to_know.py)."""
        if not isinstance(exception, need_to_know.ReasonNeeded):
            return None
        from django.shortcuts import render

        # After the reason, back where the person was. A form's POST cannot be replayed by a
        # redirect (the action URL answers GET with 405), so a POST goes back to the page the
        # form was on and the person submits again; restricted_reason checks the host.
        if request.method in ("GET", "HEAD"):
            next_url, repeat = request.get_full_path(), False
        else:
            next_url, repeat = request.headers.get("Referer", "/"), True
        context = {
            "key": exception.key,
            "label": exception.label,
            "next": next_url,
            "repeat": repeat,
        }
        return render(request, "accounts/restricted_reason.html", context, status=403)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: list[Any],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return None
        state = session_state(request.session)
        if state is State.IDLE:
            audit.record(Action.USER_SESSION_EXPIRED, actor=request.user, subject=request.user)
            logout(request)
            if getattr(view_func, "login_required", True) is False:
                return None  # a public page: carry on as an anonymous visitor
            return redirect(
                f"{reverse('accounts:login')}?{urlencode({'idle': 1, 'next': request.path})}"
            )
        match = request.resolver_match
        if state is State.PENDING:
            name = match.view_name if match is not None else ""
            if name in PENDING_ALLOWED or getattr(view_func, "login_required", True) is False:
                return None
            if match is not None and match.namespace == API_NAMESPACE:
                return None  # the API refuses a pending session itself (accounts/auth.py), in JSON
            return redirect("accounts:otp_verify")
        touch(request.session)
        return None


class StaffSessionWebsocketMiddleware:
    """Inside Channels' AuthMiddlewareStack: a socket whose session is pending or idle is treated
    as anonymous, so each consumer's own sign-in check refuses it (4401)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        user = scope.get("user")
        session = scope.get("session")
        if user is not None and session is not None:
            verified = await database_sync_to_async(_verified_user)(user, session)
            if not verified:
                scope = {**scope, "user": AnonymousUser()}
        return await self.inner(scope, receive, send)


def _verified_user(user: Any, session: SessionBase) -> bool:
    if not user.is_authenticated:
        return True  # nothing to take away; the consumer decides
    return session_state(session) is State.VERIFIED
