"""Bearer tokens let devices and gateways call the API as a service account."""

import pytest
from django.core.management import CommandError, call_command

from demandhub.accounts.actions import issue_token, revoke_token
from demandhub.accounts.errors import TokenAlreadyRevoked
from demandhub.accounts.models import ApiToken


def test_a_token_authenticates_api_calls_as_its_account(client, dispatcher, administrator):
    _, secret = issue_token(dispatcher, by=administrator, name="vehicle locator")

    response = client.get("/api/accounts/me", headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 200
    assert response.json()["username"] == "dispatcher"
    assert "dispatch.view_resource" in response.json()["permissions"]


def test_only_the_hash_of_the_secret_is_stored(dispatcher, administrator):
    token, secret = issue_token(dispatcher, by=administrator, name="gateway")

    stored = ApiToken.objects.get(pk=token.pk)
    assert secret not in {stored.secret_hash, stored.prefix, stored.name}
    assert secret.startswith("dh_" + stored.prefix)


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer ", "Basic abc", "Bearer dh_" + "x" * 43])
def test_a_bad_or_missing_token_gets_401_in_json(client, header):
    response = client.get("/api/accounts/me", headers={"Authorization": header})

    assert response.status_code == 401
    assert response.json() == {"detail": "Sign in, or send a valid bearer token."}


def test_a_revoked_token_is_refused(client, dispatcher, administrator):
    token, secret = issue_token(dispatcher, by=administrator, name="gateway")
    revoke_token(token, by=administrator)

    response = client.get("/api/accounts/me", headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 401
    with pytest.raises(TokenAlreadyRevoked):
        revoke_token(token, by=administrator)


def test_a_deactivated_account_s_token_is_refused(client, dispatcher, administrator):
    _, secret = issue_token(dispatcher, by=administrator, name="gateway")
    dispatcher.is_active = False
    dispatcher.save()

    response = client.get("/api/accounts/me", headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 401


def test_the_token_command_issues_lists_and_revokes(capsys, dispatcher):
    call_command("token", "issue", "--user", "dispatcher", "--name", "telephony")
    out = capsys.readouterr().out
    assert "dh_" in out

    token = ApiToken.objects.get()
    call_command("token", "list")
    assert "telephony as dispatcher" in capsys.readouterr().out
    call_command("token", "revoke", str(token.pk))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_token_command_refuses_an_unknown_account():
    with pytest.raises(CommandError, match="no active account 'ghost'"):
        call_command("token", "issue", "--user", "ghost", "--name", "x")


def test_a_wrong_token_on_a_write_gets_401_not_a_csrf_refusal(dispatcher, administrator):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    response = strict.post(
        "/api/contacts/messages",
        data={},
        content_type="application/json",
        headers={"Authorization": "Bearer dh_wrong"},
    )

    assert response.status_code == 401
    assert response.json() == {"detail": "Sign in, or send a valid bearer token."}
