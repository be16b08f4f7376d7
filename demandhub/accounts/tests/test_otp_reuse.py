"""A TOTP code passes once, even when two requests check it against the same device at once."""

import threading

import pytest
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from demandhub.accounts import otp
from demandhub.accounts.tests.factories import UserFactory, totp_code


def test_a_code_passes_once_when_two_requests_loaded_the_device_before_either_checked(db):
    user = UserFactory(roles=["call_handler"])
    otp.enrol(user, confirmed=True)
    # Both requests read the device row before either has checked the code: django-otp's own
    # verify_token would accept the code on both stale copies.
    first, second = (TOTPDevice.objects.get(user=user) for _ in range(2))
    code = totp_code(first)

    results = [otp.verify(first, code), otp.verify(second, code)]

    assert results == [(True, True), (False, True)]
    assert TOTPDevice.objects.get(user=user).throttling_failure_count == 1


@pytest.mark.postgres  # real threads and connections, as audit's concurrent-append test
@pytest.mark.django_db(transaction=True)
def test_two_threads_verifying_the_same_code_at_once_let_exactly_one_in():
    user = UserFactory(roles=["call_handler"])
    otp.enrol(user, confirmed=True)
    devices = [TOTPDevice.objects.get(user=user) for _ in range(2)]
    code = totp_code(devices[0])
    ready = threading.Barrier(2)
    outcomes: list[bool] = []
    errors: list[BaseException] = []

    def check(device: TOTPDevice) -> None:
        try:
            ready.wait()
            outcomes.append(otp.verify(device, code)[0])
        except BaseException as e:
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=check, args=(d,)) for d in devices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(outcomes) == [False, True]
