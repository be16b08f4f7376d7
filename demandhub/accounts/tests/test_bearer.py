"""The bearer-token statement (accounts/bearer.py): one read gives the token's account, its
permissions from roles and from direct grants, and whether it is in a running exercise, and
it is read fresh, so every change applies to the next request."""

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demandhub.accounts import bearer
from demandhub.accounts.actions import issue_token, set_roles
from demandhub.accounts.models import hash_token
from demandhub.accounts.tests.factories import UserFactory
from demandhub.demand.training import exercise_of


def _found(secret: str) -> bearer.Bearer | None:
    return bearer.find(hash_token(secret))


def test_one_statement_gives_the_account_with_the_permissions_of_its_roles(db):
    gateway = UserFactory(username="gw", roles=["contact_gateway"])
    token, secret = issue_token(gateway, by=None, name="telephony")

    with CaptureQueriesContext(connection) as statements:
        found = _found(secret)
        assert found is not None
        user = found.user
        assert user.has_perm("contacts.receive_telephony")
        assert not user.has_perm("dispatch.change_resource")
        assert exercise_of(user) is None

    assert len(statements) == 1
    assert found.token_id == token.pk
    assert found.last_used_at is None
    assert (user.pk, user.username, user.is_active) == (gateway.pk, "gw", True)
    assert user.date_joined == gateway.date_joined  # a real datetime on SQLite too
    assert user.get_all_permissions() == gateway.get_all_permissions()


def test_a_permission_granted_directly_counts_and_a_role_taken_away_stops_at_once(db):
    gateway = UserFactory(username="gw", roles=["contact_gateway"])
    _, secret = issue_token(gateway, by=None, name="telephony")
    gateway.user_permissions.add(Permission.objects.get(codename="view_resource"))

    assert _found(secret).user.has_perm("dispatch.view_resource")  # type: ignore[union-attr]

    set_roles(gateway, by=None, roles=[])
    found = _found(secret)
    assert found is not None
    assert not found.user.has_perm("contacts.receive_telephony")
    assert found.user.get_all_permissions() == {"dispatch.view_resource"}


def test_an_account_without_any_permission_has_none(db):
    nobody = UserFactory(username="nobody", roles=[])
    _, secret = issue_token(nobody, by=None, name="idle")

    found = _found(secret)

    assert found is not None
    assert found.user.get_all_permissions() == set()


def test_an_unknown_token_finds_nothing(db):
    assert _found("dh_not-a-token") is None


def test_an_exercise_s_gateway_and_trainees_are_left_for_exercise_of_to_find(call_handler):
    from demandhub.demand.actions import start_exercise

    exercise, gateway_secret = start_exercise(
        by=None, name="Drill", scenario="major_incident", trainees=[call_handler]
    )
    _, trainee_secret = issue_token(call_handler, by=None, name="trainee's device")

    for secret in (gateway_secret, trainee_secret):
        found = _found(secret)
        assert found is not None
        assert exercise_of(found.user) == exercise


def test_a_superuser_s_token_lists_every_permission_as_django_does(db):
    root = UserFactory(username="root", roles=[], is_superuser=True)
    _, secret = issue_token(root, by=None, name="admin script")

    found = _found(secret)

    assert found is not None
    assert found.user.get_all_permissions() == {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
    }
