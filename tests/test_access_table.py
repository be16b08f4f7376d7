"""Every route against the role-by-route table in tests/access_table.py.

For each route, a member of staff holding just one role opens it (GET, or POST when the route
takes only POST; the API gets `{}` as its JSON body) and is either let in (anything but 401/403
and the sign-in redirect: a 404 for the walker's made-up record id still means the permission
check passed) or refused; the roles let in must be exactly the table's. A route missing from the
table fails with the line to add. Set ACCESS_TABLE_PRINT=1 to print the table as observed (to
review before pasting)."""

import os
import sys

import pytest
from django.test import Client

from demandhub.accounts.roles import ROLES
from demandhub.accounts.tests.factories import UserFactory

from .access_table import ACCESS, ADMIN_SITE, ALL_ROLES, PUBLIC
from .routes import http_routes

ROLE_NAMES = tuple(r.name for r in ROLES)
ROUTES = [r for r in http_routes() if not r.name.startswith(("admin:", "/admin/"))]
ADMIN_ROUTES = [r for r in http_routes() if r.name.startswith(("admin:", "/admin/"))]


def _let_in(response) -> bool:  # type: ignore[no-untyped-def]
    if response.status_code in (401, 403):
        return False
    location = response.headers.get("Location", "")
    # Refusals send the visitor to sign in with ?next=; sign-out's own redirect is not one.
    return not (
        response.status_code == 302
        and (location.startswith("/login/?") or location.startswith("/admin/login/"))
    )


def _observe(route, users) -> frozenset[str]:  # type: ignore[no-untyped-def]
    allowed = set()
    for name, user in users.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        response = client.get(route.url)
        if response.status_code == 405 and route.url.startswith("/api/"):
            # An empty JSON object: a body whose fields all have defaults is valid, so the
            # operation goes on to its permission check (operations that need a body check
            # the role first, accounts.auth.holding).
            response = client.post(route.url, data={}, content_type="application/json")
        elif response.status_code == 405:
            response = client.post(route.url)
        if _let_in(response):
            allowed.add(name)
    return frozenset(allowed)


@pytest.fixture
def one_user_per_role(db: None):  # type: ignore[no-untyped-def]
    return {name: UserFactory(username=f"table_{name}", roles=[name]) for name in ROLE_NAMES}


def test_every_route_has_an_entry_in_the_access_table():
    missing = [r for r in ROUTES if r.name not in ACCESS]
    lines = "\n".join(
        f'    "{r.name}": (...),  # {r.url}: the roles that may open it, or ALL_ROLES / PUBLIC'
        for r in missing
    )
    assert not missing, (
        f"{len(missing)} route(s) have no entry in tests/access_table.py. Add to ACCESS, "
        f"listing the role names (accounts/roles.py) that may reach each:\n{lines}\n"
        "(ACCESS_TABLE_PRINT=1 pytest tests/test_access_table.py prints what each role reaches "
        "now, to check against what it should.)"
    )


def test_the_table_names_no_route_that_does_not_exist():
    names = {r.name for r in ROUTES}
    stale = sorted(set(ACCESS) - names)
    assert not stale, f"tests/access_table.py lists routes that no longer exist: {stale}"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_each_role_reaches_exactly_the_routes_the_table_gives_it(route, one_user_per_role):
    observed = _observe(route, one_user_per_role)

    if os.getenv("ACCESS_TABLE_PRINT"):
        roles = ", ".join(f'"{n}"' for n in sorted(observed))
        print(f'ACCESS-TABLE "{route.name}": ({roles},),', file=sys.stderr)  # noqa: T201
    if route.name not in ACCESS:
        pytest.fail(
            f"{route.name} ({route.url}) has no entry in tests/access_table.py; "
            f"roles let in now: {sorted(observed)}"
        )
    expected = ACCESS[route.name]
    if expected == PUBLIC:
        expected = ALL_ROLES
    assert observed == frozenset(expected), (
        f"{route.name} ({route.url}): roles let in {sorted(observed)}, table says "
        f"{sorted(expected)}; extra: {sorted(observed - frozenset(expected))}, "
        f"missing: {sorted(frozenset(expected) - observed)}"
    )


@pytest.mark.parametrize(
    "route", [r for r in ADMIN_ROUTES if r.name == "admin:index"], ids=lambda r: r.name
)
def test_the_admin_site_opens_only_to_its_roles(route, one_user_per_role):
    """Admin routes come from model registrations; the admin site as a whole is one entry."""
    assert _observe(route, one_user_per_role) == ADMIN_SITE
