"""Signing in and out, and the landing page each role sees."""

import pytest

from demandhub.accounts import otp
from demandhub.accounts.roles import ROLES
from demandhub.accounts.tests.factories import PASSWORD, UserFactory, totp_code
from demandhub.audit.models import Action, Event


def test_a_wrong_password_is_refused_with_a_clear_message_and_audited(client, call_handler):
    response = client.post("/login/", {"username": "call_handler", "password": "wrong"})

    assert response.status_code == 200
    assert b"did not match an active account" in response.content
    assert "_auth_user_id" not in client.session
    assert Event.objects.filter(action=Action.USER_LOGIN_FAILED, subject_id="call_handler").exists()


def test_a_login_form_without_fields_is_answered_not_crashed(client):
    response = client.post("/login/", {})

    assert response.status_code == 200
    assert b"did not match" in response.content


def test_signing_in_lands_on_the_roles_landing_page_and_is_audited(client, call_handler):
    device = otp.enrol(call_handler, confirmed=True)
    response = client.post(
        "/login/", {"username": "call_handler", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/login/verify/"

    response = client.post("/login/verify/", {"code": totp_code(device)}, follow=True)

    assert response.redirect_chain[-1][0] == "/"
    assert b'data-role="call_handler"' in response.content
    assert b"Call handler" in response.content
    assert Event.objects.filter(action=Action.USER_LOGGED_IN, actor=call_handler).exists()


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.name)
def test_each_role_lands_on_a_page_listing_only_the_consoles_it_may_use(client, role):
    user = UserFactory(username=f"demo_{role.name}", roles=[role.name])
    client.force_login(user)

    page = client.get("/").content.decode()

    assert f'data-role="{role.name}"' in page
    assert ("Audit trail" in page) == user.has_perm("audit.view_event")
    assert ("Staff and reference data" in page) == user.has_perm("accounts.manage_staff")
    assert "Force directory" in page


def test_staff_without_a_role_are_told_to_ask_for_one(client, outsider):
    client.force_login(outsider)

    assert b"holds no role yet" in client.get("/").content


def test_signing_out_needs_a_post_and_ends_the_session(client, call_handler):
    client.force_login(call_handler)

    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")

    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert Event.objects.filter(action=Action.USER_LOGGED_OUT, actor=call_handler).exists()


def test_the_landing_page_costs_a_fixed_number_of_queries(
    client, supervisor, django_assert_num_queries
):
    client.force_login(supervisor)

    # session, user, roles, the user's own permissions, the roles' permissions
    with django_assert_num_queries(5):
        client.get("/")
