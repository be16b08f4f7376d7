"""Pure rules: the signalling protocol, which positions to keep, TURN credentials."""

import base64
import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from demandhub.scene import positions, protocol
from demandhub.scene.ice import ice_servers


def test_a_well_formed_offer_is_accepted_and_normalised():
    text = json.dumps({"type": "offer", "to": "0123456789abcdef", "sdp": "v=0"})

    assert protocol.parse(text, protocol.CALLER) == {
        "type": "offer",
        "to": "0123456789abcdef",
        "sdp": "v=0",
    }


def test_each_side_may_send_only_its_own_messages():
    with pytest.raises(protocol.ProtocolError):
        protocol.parse(json.dumps({"type": "watch", "link": 1}), protocol.CALLER)
    with pytest.raises(protocol.ProtocolError):
        protocol.parse(json.dumps({"type": "location", "latitude": 1}), protocol.STAFF)


def test_an_oversized_sdp_is_refused():
    text = json.dumps({"type": "answer", "link": 1, "sdp": "x" * (protocol.MAX_SDP + 1)})

    with pytest.raises(protocol.ProtocolError, match="longer"):
        protocol.parse(text, protocol.STAFF)


def fix(lat: float, lon: float, accuracy: float, seconds: float) -> positions.Fix:
    return positions.Fix(lat, lon, accuracy, timezone.now() + timedelta(seconds=seconds))


def test_positions_are_kept_when_they_move_sharpen_or_time_passes():
    first = fix(52.2, 0.12, 20, 0)

    assert positions.worth_keeping(None, first)
    assert not positions.worth_keeping(first, fix(52.2, 0.12, 20, 1))  # too soon
    assert not positions.worth_keeping(first, fix(52.2, 0.12, 20, 5))  # nothing new
    assert positions.worth_keeping(first, fix(52.2002, 0.12, 20, 5))  # ~22 m on
    assert positions.worth_keeping(first, fix(52.2, 0.12, 8, 5))  # sharper
    assert positions.worth_keeping(first, fix(52.2, 0.12, 20, 31))  # a while later


def test_the_incident_location_follows_only_real_moves():
    applied = fix(52.2, 0.12, 10, 0)

    assert positions.worth_applying(None, applied)
    assert not positions.worth_applying(applied, fix(52.2001, 0.12, 10, 60))  # ~11 m
    assert positions.worth_applying(applied, fix(52.201, 0.12, 10, 60))  # ~111 m


def test_turn_servers_get_short_lived_credentials_from_the_shared_secret(settings):
    settings.SCENE_ICE_SERVERS = [{"urls": "stun:stun.example"}, {"urls": ["turn:turn.example"]}]
    settings.SCENE_TURN_SECRET = "shared"

    stun, turn = ice_servers("link7")

    assert "username" not in stun
    expiry, label = turn["username"].split(":")
    assert label == "link7"
    assert int(expiry) > timezone.now().timestamp()
    expected = hmac.new(b"shared", turn["username"].encode(), hashlib.sha1).digest()
    assert base64.b64decode(turn["credential"]) == expected


def test_no_ice_servers_by_default(settings):
    assert ice_servers("x") == []
