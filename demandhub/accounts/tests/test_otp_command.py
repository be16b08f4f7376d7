"""`demandhub otp`: a demo login's current code (demo logins only), reset, sign out everywhere."""

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from demandhub.accounts import otp
from demandhub.audit.models import Action, Event


def test_the_current_code_is_shown_for_a_seeded_demo_authenticator(capsys, dispatcher):
    device = otp.enrol(dispatcher, confirmed=True, name=otp.DEMO_DEVICE_NAME)

    call_command("otp", "code", "dispatcher")

    assert capsys.readouterr().out.strip() == otp.current_code(device)
    assert device.verify_token(otp.current_code(device))


def test_no_code_is_shown_for_a_real_member_of_staffs_authenticator(dispatcher):
    otp.enrol(dispatcher, confirmed=True)

    with pytest.raises(CommandError, match="only for demo logins"):
        call_command("otp", "code", "dispatcher")


def test_reset_forgets_the_authenticator_with_a_reason(dispatcher):
    otp.enrol(dispatcher, confirmed=True)

    call_command("otp", "reset", "dispatcher", "--reason", "lost phone")

    assert not TOTPDevice.objects.filter(user=dispatcher).exists()
    assert Event.objects.get(action=Action.USER_SECOND_FACTOR_RESET).data["reason"] == "lost phone"


def test_revoking_sessions_from_the_shell_needs_a_reason(dispatcher):
    with pytest.raises(CommandError, match="say why"):
        call_command("otp", "revoke-sessions", "dispatcher", "--reason", " ")

    call_command("otp", "revoke-sessions", "dispatcher", "--reason", "leaver")
    dispatcher.refresh_from_db()

    assert dispatcher.session_epoch == 1
