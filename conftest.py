"""Shared fixtures: named personas, one per role, so tests read as stories."""

import os

import pytest
from django.db import connection
from django.test.client import ClientMixin

from demandhub.accounts.models import User
from demandhub.accounts.tests.factories import UserFactory


@pytest.fixture(scope="session", autouse=True)
def _release_stray_connections(django_db_setup: None, django_db_blocker: object) -> object:
    """Let the test database be dropped at the end of a PostgreSQL run.

    Threads that async tests start (channels' database_sync_to_async, Django's async auth) may
    still hold a connection when the run ends; PostgreSQL refuses to drop a database in use.
    """
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def _login_with_second_factor(self, user, backend=None):  # type: ignore[no-untyped-def]
    """Django's test-client sign-in (force_login, login), completed as a member of staff does
    it: with the second factor given from their enrolled authenticator, and just active.

    Every staff page needs both (accounts/sessions.py); tests of the sign-in steps themselves
    post to /login/ and /login/verify/ instead, which this does not touch.
    """
    from django_otp import DEVICE_ID_SESSION_KEY

    from demandhub.accounts import otp
    from demandhub.accounts.sessions import touch

    _django_login(self, user, backend)
    device = otp.confirmed_device(user) or otp.enrol(user, confirmed=True)
    session = self.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    touch(session)
    session.save()


_django_login = ClientMixin._login
ClientMixin._login = _login_with_second_factor  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _roles(db: None) -> None:
    """Every test starts with the role Groups in place, as after `demandhub sync_roles`."""
    from demandhub.accounts.actions import sync_roles

    sync_roles(by=None)


def persona(role: str):  # type: ignore[no-untyped-def]
    """A fixture named after `role` giving a member of staff who holds just that role."""

    @pytest.fixture(name=role)
    def make(db: None) -> User:
        return UserFactory(username=role, roles=[role])

    return make


call_handler = persona("call_handler")
switchboard_operator = persona("switchboard_operator")
dispatcher = persona("dispatcher")
resolution_officer = persona("resolution_officer")
imu_reviewer = persona("imu_reviewer")
sergeant = persona("sergeant")
investigating_officer = persona("investigating_officer")
safeguarding_practitioner = persona("safeguarding_practitioner")
supervisor = persona("supervisor")
analyst = persona("analyst")
administrator = persona("administrator")


@pytest.fixture
def outsider(db: None) -> User:
    """Signed in, but holds no role."""
    return UserFactory(username="outsider")


def _session_cookie(user: User) -> bytes:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


@pytest.fixture
def outsider_session_cookie(outsider: User) -> bytes:
    """A Cookie header value signing a websocket in as `outsider`."""
    return _session_cookie(outsider)


@pytest.fixture
def supervisor_session_cookie(supervisor: User) -> bytes:
    return _session_cookie(supervisor)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked `postgres` need PostgreSQL's own features; the suite's PostgreSQL run
    (DATABASE_URL=postgres://..., as .ci/run does) executes them."""
    if item.get_closest_marker("postgres") and not os.getenv("DATABASE_URL", "").startswith(
        ("postgres://", "postgresql://")
    ):
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://... (see .ci/run)")
