"""Strong staff sign-in: the second factor, lockout, inactivity expiry, argon2, revocation."""

import time

import pytest
from axes.models import AccessAttempt
from channels.testing import WebsocketCommunicator
from django.test import Client, override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from demandhub.accounts import actions, otp
from demandhub.accounts.sessions import LAST_SEEN_KEY
from demandhub.accounts.tests.factories import PASSWORD, UserFactory, totp_code
from demandhub.audit.models import Action, Event
from demandhub.core.consumers import NOT_SIGNED_IN


def _password(client: Client, username: str, password: str = PASSWORD, **extra: str):  # type: ignore[no-untyped-def]
    return client.post("/login/", {"username": username, "password": password}, **extra)


# --- the second factor ---------------------------------------------------------------------------


def test_first_sign_in_enrols_an_authenticator_from_a_qr_code_then_lands(client, dispatcher):
    response = _password(client, "dispatcher")
    assert response.headers["Location"] == "/login/verify/"
    assert client.get("/login/verify/").headers["Location"] == "/login/enrol/"

    page = client.get("/login/enrol/")

    device = TOTPDevice.objects.get(user=dispatcher)
    assert not device.confirmed
    text = page.content.decode()
    assert "<svg" in text  # the QR code, drawn inline
    assert otp.secret_base32(device) in text
    assert "otpauth://totp/Demand%20Hub%3Adispatcher?secret=" in text
    # Reloading shows the same secret: the app the user has just scanned stays valid.
    assert otp.secret_base32(device) in client.get("/login/enrol/").content.decode()

    landed = client.post("/login/enrol/", {"code": totp_code(device)}, follow=True)

    assert landed.redirect_chain[-1][0] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert (
        Event.objects.filter(action=Action.USER_SECOND_FACTOR_ENROLLED, actor=dispatcher).count()
        == 1
    )


def test_a_password_alone_reaches_no_page_and_no_api(client, dispatcher):
    otp.enrol(dispatcher, confirmed=True)
    _password(client, "dispatcher")

    for path in ("/", "/dispatch/", "/audit/"):
        response = client.get(path)
        assert (response.status_code, response.headers["Location"]) == (302, "/login/verify/")
    assert client.get("/api/accounts/me").status_code == 401


@pytest.mark.django_db(transaction=True)
async def test_a_password_alone_opens_no_live_socket(dispatcher):
    from asgiref.sync import sync_to_async

    from demandhub.config.asgi import application

    @sync_to_async
    def pending_cookie() -> bytes:
        otp.enrol(dispatcher, confirmed=True)
        client = Client()
        _password(client, "dispatcher")
        return f"sessionid={client.cookies['sessionid'].value}".encode()

    communicator = WebsocketCommunicator(
        application,
        "/ws/live/dispatch/",
        headers=[(b"origin", b"http://127.0.0.1"), (b"cookie", await pending_cookie())],
    )

    connected, code = await communicator.connect()

    assert (connected, code) == (False, NOT_SIGNED_IN)


def test_a_wrong_code_is_refused_audited_and_throttled(client, dispatcher):
    device = otp.enrol(dispatcher, confirmed=True)
    _password(client, "dispatcher")
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"

    first = client.post("/login/verify/", {"code": wrong})
    second = client.post("/login/verify/", {"code": totp_code(device)})

    assert first.status_code == 422
    assert b"did not match" in first.content
    # django-otp makes the device wait after a wrong code: even the right one is refused at once.
    assert second.status_code == 422
    assert b"Too many wrong codes" in second.content
    assert client.get("/").status_code == 302
    assert (
        Event.objects.filter(action=Action.USER_SECOND_FACTOR_FAILED, actor=dispatcher).count() == 2
    )


def test_a_code_that_is_not_six_digits_is_answered_clearly(client, dispatcher):
    otp.enrol(dispatcher, confirmed=True)
    _password(client, "dispatcher")

    response = client.post("/login/verify/", {"code": "12ab"})

    assert response.status_code == 422
    assert b"6-digit code" in response.content


def test_a_code_cannot_be_used_twice(client, dispatcher):
    device = otp.enrol(dispatcher, confirmed=True)
    code = totp_code(device)
    _password(client, "dispatcher")
    assert client.post("/login/verify/", {"code": code}).headers["Location"] == "/"

    other = Client()
    _password(other, "dispatcher")

    assert other.post("/login/verify/", {"code": code}).status_code == 422


def test_the_page_asked_for_is_reached_after_the_second_factor(client, supervisor):
    device = otp.enrol(supervisor, confirmed=True)
    client.post("/login/", {"username": "supervisor", "password": PASSWORD, "next": "/audit/"})

    response = client.post("/login/verify/", {"code": totp_code(device)})

    assert response.headers["Location"] == "/audit/"


def test_a_next_address_off_the_site_is_ignored(client, supervisor):
    device = otp.enrol(supervisor, confirmed=True)
    client.post(
        "/login/", {"username": "supervisor", "password": PASSWORD, "next": "https://evil.example/"}
    )

    response = client.post("/login/verify/", {"code": totp_code(device)})

    assert response.headers["Location"] == "/"


# --- lockout -------------------------------------------------------------------------------------


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_wrong_passwords_lock_that_username_from_that_address(client, dispatcher):
    for _ in range(2):
        assert _password(client, "dispatcher", "wrong").status_code == 200

    locked = _password(client, "dispatcher", "wrong")
    # Now even the right password is refused from this address...
    still_locked = _password(client, "dispatcher")

    assert locked.status_code == 429
    assert b"Sign-in locked" in locked.content
    assert still_locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # ...but not from another address, and not for another username from this one.
    elsewhere = Client(REMOTE_ADDR="10.0.0.9")
    assert _password(elsewhere, "dispatcher").headers["Location"] == "/login/verify/"
    UserFactory(username="colleague")
    assert _password(Client(), "colleague").headers["Location"] == "/login/verify/"


@override_settings(AXES_FAILURE_LIMIT=2)
def test_a_supervisor_clears_a_lockout_from_the_staff_page(client, dispatcher, supervisor):
    public = Client()
    for _ in range(2):
        _password(public, "dispatcher", "wrong")
    assert _password(public, "dispatcher").status_code == 429
    client.force_login(supervisor)
    page = client.get("/staff/sessions/").content.decode()
    assert "<strong>locked</strong>" in page

    client.post(f"/staff/sessions/{dispatcher.pk}/unlock/")

    assert not AccessAttempt.objects.filter(username="dispatcher").exists()
    assert _password(public, "dispatcher").headers["Location"] == "/login/verify/"
    entry = Event.objects.get(action=Action.USER_UNLOCKED)
    assert (entry.actor, entry.subject_id, entry.data["attempts_cleared"]) == (
        supervisor,
        str(dispatcher.pk),
        1,
    )


def test_bearer_tokens_are_not_subject_to_the_sign_in_lockout(client, administrator):
    _, secret = actions.issue_token(administrator, by=None, name="gateway")
    with override_settings(AXES_FAILURE_LIMIT=1):
        _password(client, "administrator", "wrong")
        assert _password(client, "administrator").status_code == 429

        response = client.get("/api/accounts/me", headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 200


# --- inactivity ----------------------------------------------------------------------------------


@override_settings(SESSION_IDLE_MINUTES=15)
def test_a_session_ends_after_the_configured_inactivity(client, dispatcher):
    client.force_login(dispatcher)
    assert client.get("/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 16 * 60
    session.save()

    response = client.get("/dispatch/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/login/?idle=1&next=%2Fdispatch%2F"
    assert "_auth_user_id" not in client.session
    assert b"without activity" in client.get(response.headers["Location"]).content
    assert Event.objects.filter(action=Action.USER_SESSION_EXPIRED, actor=dispatcher).count() == 1


@override_settings(SESSION_IDLE_MINUTES=15)
def test_activity_keeps_a_session_alive_writing_it_at_most_once_a_minute(client, dispatcher):
    client.force_login(dispatcher)
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 14 * 60
    session.save()

    assert client.get("/").status_code == 200
    renewed = client.session[LAST_SEEN_KEY]
    assert time.time() - renewed < 5
    assert client.get("/").status_code == 200
    assert client.session[LAST_SEEN_KEY] == renewed


# --- revocation ----------------------------------------------------------------------------------


def test_a_supervisor_signs_someone_out_everywhere_with_a_reason(client, supervisor, dispatcher):
    desk, phone = Client(), Client()
    desk.force_login(dispatcher)
    phone.force_login(dispatcher)
    _, secret = actions.issue_token(dispatcher, by=None, name="terminal")
    client.force_login(supervisor)
    assert (
        f"/staff/sessions/{dispatcher.pk}/revoke/"
        in client.get("/staff/sessions/").content.decode()
    )

    response = client.post(
        f"/staff/sessions/{dispatcher.pk}/revoke/", {"reason": "terminal left signed in"}
    )

    assert response.headers["Location"] == "/staff/sessions/"
    for device in (desk, phone):
        assert device.get("/").status_code == 302
    # The supervisor's own session and the user's API token carry on.
    assert client.get("/staff/sessions/").status_code == 200
    assert (
        client.get("/api/accounts/me", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 200
    )
    entry = Event.objects.get(action=Action.USER_SESSIONS_REVOKED)
    assert (entry.actor, entry.subject_id, entry.data["reason"]) == (
        supervisor,
        str(dispatcher.pk),
        "terminal left signed in",
    )
    # A fresh sign-in works again.
    dispatcher.refresh_from_db()
    fresh = Client()
    fresh.force_login(dispatcher)
    assert fresh.get("/").status_code == 200


def test_revoking_needs_a_reason(client, supervisor, dispatcher):
    client.force_login(supervisor)

    client.post(f"/staff/sessions/{dispatcher.pk}/revoke/", {"reason": "  "})

    assert not Event.objects.filter(action=Action.USER_SESSIONS_REVOKED).exists()
    assert b"say why" in client.get("/staff/sessions/").content


def test_resetting_a_lost_authenticator_makes_the_user_enrol_again(client, supervisor, dispatcher):
    device = otp.enrol(dispatcher, confirmed=True)
    client.force_login(supervisor)

    client.post(f"/staff/sessions/{dispatcher.pk}/reset-second-factor/", {"reason": "lost phone"})

    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    other = Client()
    _password(other, "dispatcher")
    assert other.get("/login/verify/").headers["Location"] == "/login/enrol/"
    assert Event.objects.filter(action=Action.USER_SECOND_FACTOR_RESET).count() == 1


def test_only_holders_of_the_capability_reach_the_staff_page(client, dispatcher):
    client.force_login(dispatcher)

    assert client.get("/staff/sessions/").status_code == 403
    assert (
        client.post(f"/staff/sessions/{dispatcher.pk}/revoke/", {"reason": "x"}).status_code == 403
    )


# --- password hashing ----------------------------------------------------------------------------


def test_production_settings_hash_passwords_with_argon2():
    import importlib

    import demandhub.config.settings as production

    importlib.reload(production)
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        user = UserFactory(username="newcomer")
        user.set_password("a long enough passphrase")
        assert user.password.startswith("argon2$argon2id$")
        assert user.check_password("a long enough passphrase")
