"""The signalling protocol spoken over the scene websockets: the shape and size of every message
a browser may send. No database access here; consumers call parse() on every frame.

Caller (/ws/scene/<token>/) may send:
  {"type": "status", "camera": bool, "location": "sharing"|"denied"|"unavailable"|"off"}
  {"type": "offer", "to": <peer>, "sdp": str}
  {"type": "candidate", "to": <peer>, "candidate": {"candidate": str, "sdpMid": str|null,
                                                     "sdpMLineIndex": int|null}}
  {"type": "location", "latitude": number, "longitude": number, "accuracy": number}
  {"type": "ping"}
Staff (/ws/scene/incident/<id>/) may send:
  {"type": "watch", "link": int}
  {"type": "answer", "link": int, "sdp": str}
  {"type": "candidate", "link": int, "candidate": {...as above}}
  {"type": "ping"}
Anything else is answered {"type": "error", "detail": ...} and goes no further.
"""

import json
import math
import re
from collections.abc import Callable
from typing import Any

MAX_FRAME = 64 * 1024  # characters; an SDP with many candidates is well under 20 KB
MAX_SDP = 48 * 1024
MAX_CANDIDATE = 1024
MAX_ACCURACY_M = 100_000.0
PEER = re.compile(r"^[0-9a-f]{16}$")
LOCATION_STATES = frozenset({"sharing", "denied", "unavailable", "off"})


class ProtocolError(ValueError):
    """The message is not one this socket accepts; the text says why (sent back to the browser)."""


Message = dict[str, Any]
Check = Callable[[Message], Message]


def _only(message: Message, *keys: str) -> None:
    extra = set(message) - {"type", *keys}
    if extra:
        raise ProtocolError(f"unexpected field(s): {', '.join(sorted(extra))}")


def _text(message: Message, key: str, limit: int) -> str:
    value = message.get(key)
    if not isinstance(value, str) or not value:
        raise ProtocolError(f"{key} must be a non-empty string")
    if len(value) > limit:
        raise ProtocolError(f"{key} is longer than {limit} characters")
    return value


def _number(message: Message, key: str, low: float, high: float) -> float:
    value = message.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProtocolError(f"{key} must be a number")
    value = float(value)
    if not (math.isfinite(value) and low <= value <= high):
        raise ProtocolError(f"{key} must be between {low:g} and {high:g}")
    return value


def _link(message: Message) -> int:
    value = message.get("link")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ProtocolError("link must be a positive integer")
    return value


def _peer(message: Message) -> str:
    value = message.get("to")
    if not isinstance(value, str) or not PEER.match(value):
        raise ProtocolError("to must name a watching peer")
    return value


def _candidate(message: Message) -> dict[str, Any]:
    value = message.get("candidate")
    if not isinstance(value, dict):
        raise ProtocolError("candidate must be an object")
    if set(value) - {"candidate", "sdpMid", "sdpMLineIndex", "usernameFragment"}:
        raise ProtocolError("candidate has unexpected fields")
    text = value.get("candidate")
    if not isinstance(text, str) or len(text) > MAX_CANDIDATE:
        raise ProtocolError(f"candidate.candidate must be a string of at most {MAX_CANDIDATE}")
    mid = value.get("sdpMid")
    if mid is not None and (not isinstance(mid, str) or len(mid) > 64):
        raise ProtocolError("candidate.sdpMid must be a short string or null")
    index = value.get("sdpMLineIndex")
    if index is not None and (
        isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < 64
    ):
        raise ProtocolError("candidate.sdpMLineIndex must be a small integer or null")
    fragment = value.get("usernameFragment")
    if fragment is not None and (not isinstance(fragment, str) or len(fragment) > 256):
        raise ProtocolError("candidate.usernameFragment must be a short string or null")
    return {"candidate": text, "sdpMid": mid, "sdpMLineIndex": index}


def _ping(message: Message) -> Message:
    _only(message)
    return {"type": "ping"}


def _status(message: Message) -> Message:
    _only(message, "camera", "location")
    camera = message.get("camera")
    if not isinstance(camera, bool):
        raise ProtocolError("camera must be true or false")
    location = message.get("location")
    if location not in LOCATION_STATES:
        raise ProtocolError(f"location must be one of {', '.join(sorted(LOCATION_STATES))}")
    return {"type": "status", "camera": camera, "location": location}


def _offer(message: Message) -> Message:
    _only(message, "to", "sdp")
    return {"type": "offer", "to": _peer(message), "sdp": _text(message, "sdp", MAX_SDP)}


def _caller_candidate(message: Message) -> Message:
    _only(message, "to", "candidate")
    return {"type": "candidate", "to": _peer(message), "candidate": _candidate(message)}


def _location(message: Message) -> Message:
    _only(message, "latitude", "longitude", "accuracy")
    return {
        "type": "location",
        "latitude": _number(message, "latitude", -90, 90),
        "longitude": _number(message, "longitude", -180, 180),
        "accuracy": _number(message, "accuracy", 0, MAX_ACCURACY_M),
    }


def _watch(message: Message) -> Message:
    _only(message, "link")
    return {"type": "watch", "link": _link(message)}


def _answer(message: Message) -> Message:
    _only(message, "link", "sdp")
    return {"type": "answer", "link": _link(message), "sdp": _text(message, "sdp", MAX_SDP)}


def _staff_candidate(message: Message) -> Message:
    _only(message, "link", "candidate")
    return {"type": "candidate", "link": _link(message), "candidate": _candidate(message)}


CALLER: dict[str, Check] = {
    "ping": _ping,
    "status": _status,
    "offer": _offer,
    "candidate": _caller_candidate,
    "location": _location,
}
STAFF: dict[str, Check] = {
    "ping": _ping,
    "watch": _watch,
    "answer": _answer,
    "candidate": _staff_candidate,
}


def parse(text: str | None, allowed: dict[str, Check]) -> Message:
    """The message in `text`, normalised, if `allowed` accepts it; ProtocolError otherwise."""
    if text is None:
        raise ProtocolError("send JSON text frames")
    if len(text) > MAX_FRAME:
        raise ProtocolError(f"message larger than {MAX_FRAME} characters")
    try:
        message = json.loads(text)
    except ValueError:
        raise ProtocolError("not JSON") from None
    if not isinstance(message, dict):
        raise ProtocolError("a message is a JSON object")
    kind = message.get("type")
    if not isinstance(kind, str) or kind not in allowed:
        raise ProtocolError(f"type must be one of {', '.join(sorted(allowed))}")
    return allowed[kind](message)
