"""The JSON API: one NinjaAPI, every route authenticated unless it says otherwise.

Callers authenticate with a staff session (CSRF checked) or a device's bearer token
(accounts.ApiToken). Domain errors become 409, missing objects 404, refused permissions 403,
and a restricted record opened without a reason 403 with its key (accounts/need_to_know.py).
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from demandhub.accounts import need_to_know
from demandhub.accounts.api import router as accounts_router
from demandhub.accounts.auth import BearerToken, StaffSession
from demandhub.audit.api import router as audit_router
from demandhub.contacts.api import router as contacts_router
from demandhub.core.api_parser import NoNulParser
from demandhub.core.errors import DomainError
from demandhub.core.views import DATABASE_DOWN, database_unavailable
from demandhub.crimes.api import router as crimes_router

api = NinjaAPI(
    title="Demand Hub API",
    version="1.0.0",
    description="Police contact management and command and control. "
    "Authenticate with a staff session or `Authorization: Bearer <token>`.",
    # The token first: session auth fails a token-bearing POST on CSRF before the next
    # method is tried, and a device has no CSRF cookie. A request without a token falls
    # through to the session, where CSRF is checked as usual.
    auth=[BearerToken(), StaffSession()],
    docs_decorator=login_required,
    parser=NoNulParser(),
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc), "code": exc.code}, status=409)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": "You do not have permission."}, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(need_to_know.ReasonNeeded)
def reason_needed(request: HttpRequest, exc: need_to_know.ReasonNeeded) -> HttpResponse:
    """A restricted record the caller may open, but only with a reason: the staff page's
    reason form (POST /restricted/reason/ with this key) keeps it for the session."""
    return api.create_response(
        request,
        {"detail": "This record is restricted: give a reason to open it.", "key": exc.key},
        status=403,
    )


@api.exception_handler(AuthenticationError)
def not_authenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(
        request, {"detail": "Sign in, or send a valid bearer token."}, status=401
    )


@api.exception_handler(DATABASE_DOWN[0])
@api.exception_handler(DATABASE_DOWN[1])
def database_down(request: HttpRequest, exc: Exception) -> HttpResponse:
    return database_unavailable(request)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: list[dict[str, Any]] = exc.errors
    return api.create_response(
        request, {"detail": "The request is not valid.", "errors": errors}, status=422
    )


api.add_router("/accounts", accounts_router)
api.add_router("/audit", audit_router)
api.add_router("/contacts", contacts_router)
api.add_router("/crimes", crimes_router)
from demandhub.incidents.api import router as incidents_router  # noqa: E402

api.add_router("/incidents", incidents_router)
from demandhub.dispatch.api import router as dispatch_router  # noqa: E402

api.add_router("/dispatch", dispatch_router)
