"""The second factor: TOTP devices (django-otp) for staff, their enrolment and verification.

Each member of staff has at most one confirmed TOTP device. Enrolment makes an unconfirmed one,
shows its secret (as a QR code and as text) and confirms it when the first code checks out.
django-otp's TOTPDevice throttles repeated wrong codes itself (a growing delay after each).
"""

import base64

import segno
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

DEVICE_NAME = "Authenticator app"
# The device `demandhub seed` enrols for the demo logins: only these may have their current code
# printed by `demandhub otp code` (for trying the demo without an authenticator app).
DEMO_DEVICE_NAME = "Demo authenticator (seeded)"


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(user: User) -> TOTPDevice:
    """The user's device being enrolled (unconfirmed), made on first ask and kept until used,
    so reloading the enrolment page shows the same secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def enrol(user: User, *, confirmed: bool, name: str = DEVICE_NAME) -> TOTPDevice:
    """A fresh device for `user`, replacing any other (used by `demandhub seed` and tests)."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=name, confirmed=confirmed)


def verify(device: TOTPDevice, code: str) -> tuple[bool, bool]:
    """Check `code` against `device` so that one code passes once: (verified, allowed).

    django-otp's verify_token reads last_t from the instance it is given and saves it after a
    match, so two requests holding the device at once could both accept the same code. Here the
    row is re-read under a lock (select_for_update; SQLite's IMMEDIATE transactions serialise
    writers) for the check and the save, so the second sees the first's last_t and fails.
    `allowed` is False while django-otp's throttle (after wrong codes) holds the device back."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, _ = locked.verify_is_allowed()
        verified = allowed and locked.verify_token(code)
    device.refresh_from_db()
    return verified, allowed


def current_code(device: TOTPDevice) -> str:
    """The code the device shows now."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def secret_base32(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed in (RFC 4648 base32, no padding)."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def otpauth_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI for the device, labelled with the configured issuer."""
    # django-otp builds a correct URI from OTP_TOTP_ISSUER (issuer, digits, period, algorithm).
    return str(device.config_url)


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth URI as an inline SVG QR code (no image request, nothing leaves the server)."""
    return segno.make(otpauth_uri(device), error="m").svg_inline(scale=4, dark="#111")


def issuer() -> str:
    return str(settings.OTP_TOTP_ISSUER)
