"""The AML parser against every published example in ../shared/reference/aml/examples.txt."""

import json
import re
import subprocess
import sys

import pytest

from demandhub.contacts import aml
from tests.shared_reference import shared_reference


def _examples() -> list[str]:
    lines = shared_reference("aml/examples.txt").read_text().splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


# Each published example, in file order, and what the parser makes of it:
# (latitude, longitude, accuracy, method, warning fragment) or the error fragment.
EXPECTED: list[tuple[float | None, float | None, float | None, str, str] | str] = [
    (54.76397, -0.18305, 50.0, "wifi", ""),
    (55.74297, -4.26880, 10.0, "gnss", ""),
    (0.0, 0.0, None, "none", ""),  # the "no location" message: parsed, but no position
    (51.53321, -0.12601, 14.0, "wifi", "ml says 126 characters but the message has 127"),
    (48.82639, -2.36619, 52.0, "gnss", "ml says 128 characters but the message has 126"),
    (48.82639, -2.36619, 52.0, "gnss", ""),
    (48.902963, 2.516582, 1964.0, "gnss", ""),
    (37.42175, -122.08461, 20.0, "gnss", ""),
    (54.76397, -0.18305, 50.0, "wifi", "ml says 10"),  # wrong ml: a warning, not a rejection
    (54.76397, -0.18305, 50.0, "wifi", "unknown attribute 'kl'"),  # tolerated, reported
    "top: '20130717' is not a UTC time",
    "pm: 'Z' is not a positioning method",
    "lt: '+g4.7d397' is not a decimal number",
    "lc: '99.9' is not a whole number",
    (54.76397, -0.18305, 50.0, "wifi", 'no A"ML= header'),
    (None, -0.18305, 50.0, "wifi", ""),  # missing lt: parsed, no position
    "malformed attribute 'a=='",
    "malformed attribute ''",
    (-37.42175, -122.08461, 2000.1, "gnss", "location time unknown"),  # version 2
    (55.85732, -4.26325, 10.4, "gnss", ""),  # HTTPS
    (0.85732, -4.26325, 10.4, "gnss", ""),  # HTTPS with hmac
]


def test_there_is_an_expectation_for_every_published_example():
    assert len(_examples()) == len(EXPECTED)


@pytest.mark.parametrize(("index", "expected"), list(enumerate(EXPECTED)))
def test_each_published_example_parses_as_expected(index, expected):
    text = _examples()[index]

    if isinstance(expected, str):
        with pytest.raises(aml.AmlError, match=re.escape(expected)):
            aml.parse(text)
        return
    position = aml.parse(text)
    latitude, longitude, accuracy, method, warning = expected
    assert (position.latitude, position.longitude) == (latitude, longitude)
    assert (position.accuracy_m, position.method) == (accuracy, method)
    if warning:
        assert any(warning in w for w in position.warnings), position.warnings
    else:
        assert not [w for w in position.warnings if "ml says" in w]


def test_the_no_location_message_has_no_position():
    text = (
        'A"ML=1;lt=+00.00000;lg=+000.00000;rd=N;top=20220131173734;lc=0;pm=N;'
        "si=1;ei=2;mcc=234;mnc=15;ml=91"
    )
    assert not aml.parse(text).has_position


def test_https_messages_carry_the_number_in_e164_and_the_time_in_utc():
    body = (
        "v=1&device_number=%2B447477593102&location_latitude=55.85732&location_longitude=-4.26325"
        "&location_time=1476189444435&location_accuracy=10.4&location_source=GPS"
    )
    position = aml.parse_https(body)

    assert position.device_number == "+447477593102"
    assert position.positioned_at.isoformat() == "2016-10-11T12:37:24.435000+00:00"


def test_the_published_hmac_verifies_with_its_key_and_fails_with_another():
    body = (
        "v=1&device_number=%2B33611223344&location_latitude=0.85732&location_longitude=-4.26325"
        "&location_time=1604912121000&location_accuracy=10.4&location_source=GPS"
        "&location_certainty=83&hmac=f64c70eb238bb239e00e8ac8c023bf2b5d3c41dd"
    )

    assert aml.verify_hmac(body, "AML") is True
    assert aml.verify_hmac(body, "another key") is False
    assert aml.verify_hmac(body.split("&hmac=")[0], "AML") is None


def _command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "demandhub", "aml", *args],
        capture_output=True,
        text=True,
        check=False,
        env={"DJANGO_SETTINGS_MODULE": "demandhub.config.test_settings", "PATH": "/usr/bin:/bin"},
    )


def test_the_parse_command_prints_json_and_exits_0():
    result = _command(
        "parse",
        'A"ML=1;lt=+54.76397;lg=-0.18305;rd=50;top=20130717141935;lc=90;pm=W;'
        "si=123456789012345;ei=1234567890123456;mcc=234;mnc=30;ml=128",
    )

    assert result.returncode == 0, result.stderr
    parsed = json.loads(result.stdout)
    assert (parsed["latitude"], parsed["longitude"], parsed["accuracy_m"]) == (
        54.76397,
        -0.18305,
        50.0,
    )
    assert parsed["positioned_at"] == "2013-07-17T14:19:35+00:00"


def test_the_parse_command_explains_a_bad_message_on_stderr_and_exits_2():
    result = _command("parse", 'A"ML=1;lt=+g4.7d397;lg=-0.18305')

    assert result.returncode == 2
    assert "lt: '+g4.7d397' is not a decimal number of degrees" in result.stderr
    assert result.stdout == ""
