"""Request middleware: a request id and client address for the audit trail, and default deny."""

import re
import uuid
from collections.abc import Callable
from typing import Any

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
