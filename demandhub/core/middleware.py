"""Request middleware: a request id and client address for the audit trail, and default deny."""

import re
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth import middleware as auth_middleware
from django.http import HttpRequest, HttpResponse, JsonResponse

from . import context

# The URL namespace Django Ninja gives the API's routes (config/api.py).
API_NAMESPACE = "api-1.0.0"

# An upstream proxy's id is kept only if it looks like an id, so nothing odd lands in the audit.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = context.bind(context.RequestContext(request_id, client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            context.unbind(token)
        response["X-Request-ID"] = request_id
        return response


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Default deny: every page needs a signed-in user unless its view is @login_not_required.

    The JSON API is the exception in form only: Django Ninja enforces its own authentication
    (session or bearer token) on every route and answers 401 in JSON rather than redirecting.
    """

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: list[Any],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is not None and match.namespace == API_NAMESPACE:
            return None
        response: HttpResponse | None = super().process_view(
            request, view_func, view_args, view_kwargs
        )
        return response


class JsonApiMethodNotAllowedMiddleware:
    """Django Ninja answers a wrong method on an API route with a bare text/html 405; API clients
    get JSON for every error, so rewrite it (keeping the Allow header)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            allowed = response.get("Allow", "")
            json_response = JsonResponse(
                {"detail": f"{request.method} is not allowed here.", "allowed": allowed},
                status=405,
            )
            if allowed:
                json_response["Allow"] = allowed
            return json_response
        return response


class IdempotencyMiddleware:
    """Requests that carry an idempotency key run once; a retry replays the first answer.

    Last in MIDDLEWARE, and in process_view, so CSRF and sign-in checks still run on a retry
    before anything is replayed. See core/idempotency.py for the rules.
    """

    UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
    FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: list[Any],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        from asgiref.sync import iscoroutinefunction

        from . import idempotency

        if request.method not in self.UNSAFE or iscoroutinefunction(view_func):
            return None
        is_form = request.content_type in self.FORMS
        # API clients send the key as a header; the API's views read the raw body, which
        # parsing a form here would consume (multipart), so only pages' forms are parsed.
        match = request.resolver_match
        is_page_form = is_form and not (match is not None and match.namespace == API_NAMESPACE)
        key = request.headers.get(idempotency.HEADER, "")
        if not key and is_page_form:
            key = request.POST.get(idempotency.FORM_FIELD, "")
        key = key.strip()
        if not key:
            return None
        if len(key) > idempotency.MAX_KEY:
            return JsonResponse(
                {"detail": f"{idempotency.HEADER}: at most {idempotency.MAX_KEY} characters."},
                status=422,
            )

        def produce() -> idempotency.Answer:
            response = view_func(request, *view_args, **view_kwargs)
            if callable(getattr(response, "render", None)):
                response = response.render()  # a TemplateResponse
            if response.streaming:  # kept whole, so that a retry gets all of it
                streamed = HttpResponse(
                    b"".join(response.streaming_content),
                    status=response.status_code,
                    content_type=response.get("Content-Type", ""),
                )
                if response.has_header("Location"):
                    streamed["Location"] = response["Location"]
                response = streamed
            produce.response = response  # type: ignore[attr-defined]
            return idempotency.Answer(
                status=response.status_code,
                body=response.content,
                content_type=response.get("Content-Type", ""),
                location=response.get("Location", ""),
            )

        try:
            answer = idempotency.once(
                scope=idempotency.digest(_principal(request), request.method or "", request.path),
                key=key,
                fingerprint=_fingerprint(request, is_page_form),
                method=request.method or "",
                path=request.path,
                produce=produce,
            )
        except idempotency.KeyReused:
            return JsonResponse(
                {
                    "detail": f"This {idempotency.HEADER} was already used for a different "
                    "request. Send a new key for new content; retry only with the same body."
                },
                status=422,
            )
        if not answer.replayed:
            return produce.response  # type: ignore[attr-defined,no-any-return]
        replay = HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)
        if answer.location:
            replay["Location"] = answer.location
        replay[idempotency.REPLAYED_HEADER] = "true"
        return replay


def _principal(request: HttpRequest) -> str:
    """Who is asking, as a retry would present it again: the token, else the staff member."""
    if authorization := request.headers.get("Authorization", ""):
        return "token:" + authorization
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return "public"


def _fingerprint(request: HttpRequest, is_form: bool) -> str:
    from . import idempotency

    if not is_form:
        return idempotency.digest(request.content_type or "", request.body)
    # A form's raw body changes from one send to the next (the multipart boundary, the
    # masked CSRF token), so its fields and files are compared instead.
    parts: list[bytes | str] = []
    for name, values in sorted(request.POST.lists()):
        if name in ("csrfmiddlewaretoken", idempotency.FORM_FIELD):
            continue
        parts.extend([name, *values])
    for name, files in sorted(request.FILES.lists()):
        for upload in files:
            parts.extend([name, upload.name or "", b"".join(upload.chunks())])
            upload.seek(0)
    return idempotency.digest(*parts)


def content_security_policy(tile_url: str = "") -> str:
    """The Content-Security-Policy every response carries: scripts, styles, fonts and
    connections from this server only, no inline script or style, no framing, forms posting
    only here. Data for scripts travels in <script type="application/json"> (json_script),
    which is data, not code. Map tiles may come from the configured tile server."""
    images = ["'self'", "data:", "blob:"]
    if tile_url:
        parts = urlsplit(tile_url.replace("{s}", "*"))  # Leaflet's subdomain placeholder
        if parts.scheme and parts.netloc:
            images.append(f"{parts.scheme}://{parts.netloc}")
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": images,
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and a restrictive Permissions-Policy to every response
    (Django's SecurityMiddleware adds HSTS over TLS, nosniff and the referrer policy; the
    clickjacking middleware X-Frame-Options: DENY). The scene pages that use the camera,
    microphone and location say so themselves (scene.views)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.conf import settings

        self.get_response = get_response
        self.policy = content_security_policy(settings.MAP_TILE_URL)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.policy)
        response.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
        )
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response
