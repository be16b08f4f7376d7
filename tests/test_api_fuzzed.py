"""Schemathesis fuzzes every operation of the JSON API's own OpenAPI document (as served at
/api/openapi.json) through the Django app (WSGI, in-process), with a bearer token of a service
account holding every role: no input may give a server error, and every documented response
must match its schema and content type. Examples are bounded so the run takes a few minutes.

Undocumented refusals (401/403/404/409/422, each JSON) are allowed: the API answers bad input
with a clear JSON error, which is the point; they are checked for their content type only.
"""

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from demandhub.accounts.actions import issue_token
from demandhub.accounts.roles import ROLES
from demandhub.accounts.tests.factories import UserFactory

MAX_EXAMPLES = 25  # per operation


def _schema():  # type: ignore[no-untyped-def]
    """The document /api/openapi.json serves, bound to the app in this process."""
    from demandhub.config.api import api

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = get_wsgi_application()
    return loaded


schema = _schema()


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """The WSGI app closes "old" connections at each request's start and end, and on PostgreSQL
    that closes the test's own connection (its open transaction looks like a broken autocommit
    setting). Django's test client stops this the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(db) -> dict[str, str]:  # type: ignore[no-untyped-def]
    account = UserFactory(username="fuzzer", roles=[r.name for r in ROLES])
    _, secret = issue_token(account, by=None, name="schemathesis")
    return {"Authorization": f"Bearer {secret}"}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples every run, so CI is repeatable
    suppress_health_check=list(HealthCheck),
)
def test_the_api_never_errors_and_keeps_to_its_schema(case, bearer):
    response = case.call(headers=bearer)

    case.validate_response(
        response,
        checks=[not_a_server_error, content_type_conformance, response_schema_conformance],
        headers=bearer,
    )
    assert response.status_code < 500
    if response.status_code >= 400:
        headers = {k.lower(): v for k, v in response.headers.items()}
        content_type = headers["content-type"]
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        assert content_type.startswith("application/json"), (response.status_code, content_type)
