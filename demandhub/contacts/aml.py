"""Advanced Mobile Location (ETSI TS 103 625): parsing the SMS text and HTTPS form formats,
and checking the HTTPS HMAC. No database access here.

Published messages are often slightly wrong, so the parser is strict about what would make a
position wrong (coordinates, time, method, confidence) and tolerant about the rest: a wrong
`ml` length or an attribute it does not know becomes a warning, never a rejection.
Test vectors: ../shared/reference/aml/examples.txt.
"""

import hashlib
import hmac
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from .phones import to_e164

SMS_HEADER = re.compile(r'^A"ML=(\d+)$')
V1_KEYS = {"lt", "lg", "rd", "top", "lc", "pm", "si", "ei", "mcc", "mnc", "ml"}
V1_METHODS = {"G": "gnss", "W": "wifi", "C": "cell", "N": "none"}
V2_SOURCES = {"G": "gnss", "W": "wifi", "C": "cell", "F": "fused", "U": "unknown"}
HTTPS_SOURCES = {"GPS": "gnss", "GNSS": "gnss", "WIFI": "wifi", "CELL": "cell", "FUSED": "fused"}
_DECIMAL = re.compile(r"^[+-]?\d{1,3}(\.\d+)?$")


class AmlError(ValueError):
    """The message cannot be read as AML; the text says why."""


@dataclass
class AmlPosition:
    """A parsed AML message, whichever transport it came by."""

    transport: str  # "sms" or "https"
    version: int | None
    latitude: float | None = None
    longitude: float | None = None
    accuracy_m: float | None = None
    positioned_at: datetime | None = None
    confidence: int | None = None
    method: str = ""
    device_number: str = ""  # E.164; HTTPS messages carry it, SMS ones arrive from it
    imsi: str = ""
    imei: str = ""
    mcc: str = ""
    mnc: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def has_position(self) -> bool:
        """A fix to show: coordinates present and not the "no location" message."""
        return (
            self.latitude is not None
            and self.longitude is not None
            and self.method != "none"
            and not (self.latitude == 0 and self.longitude == 0)
        )

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["positioned_at"] = self.positioned_at.isoformat() if self.positioned_at else None
        data["has_position"] = self.has_position
        return data


def _coordinate(name: str, text: str, limit: float) -> float:
    if not _DECIMAL.match(text):
        raise AmlError(f"{name}: {text!r} is not a decimal number of degrees")
    value = float(text)
    if not -limit <= value <= limit:
        raise AmlError(f"{name}: {value} is outside -{limit}..{limit}")
    return value


def _integer(name: str, text: str) -> int:
    if not text.isdigit():
        raise AmlError(f"{name}: {text!r} is not a whole number")
    return int(text)


def _utc_timestamp(name: str, text: str) -> datetime:
    if not re.fullmatch(r"\d{14}", text):
        raise AmlError(f"{name}: {text!r} is not a UTC time as YYYYMMDDhhmmss")
    try:
        return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        raise AmlError(f"{name}: {text!r} is not a real date and time") from None


def _pairs(text: str) -> tuple[int | None, list[tuple[str, str]]]:
    parts = text.strip().split(";")
    version = None
    if parts and (header := SMS_HEADER.match(parts[0])):
        version = int(header.group(1))
        parts = parts[1:]
    pairs = []
    for part in parts:
        key, sep, value = part.partition("=")
        if not part or not sep or not key or "=" in value:
            raise AmlError(f"malformed attribute {part!r}: expected name=value")
        pairs.append((key, value))
    return version, pairs


def parse_sms(text: str) -> AmlPosition:
    """The AML SMS text (version 1, or Google's experimental version 2)."""
    text = text.strip()
    if not text:
        raise AmlError("empty message")
    version, pairs = _pairs(text)
    if version == 2:
        return _parse_sms_v2(pairs)
    if version not in (None, 1):
        raise AmlError(f"unsupported AML version {version}")
    result = AmlPosition(transport="sms", version=version)
    seen = set()
    for key, value in pairs:
        if key in seen:
            raise AmlError(f"{key}: given twice")
        seen.add(key)
        if key == "lt":
            result.latitude = _coordinate("lt", value, 90)
        elif key == "lg":
            result.longitude = _coordinate("lg", value, 180)
        elif key == "rd":
            result.accuracy_m = None if value == "N" else float(_integer("rd", value))
        elif key == "top":
            result.positioned_at = _utc_timestamp("top", value)
        elif key == "lc":
            result.confidence = _integer("lc", value)
        elif key == "pm":
            if value not in V1_METHODS:
                raise AmlError(f"pm: {value!r} is not a positioning method (G, W, C or N)")
            result.method = V1_METHODS[value]
        elif key == "si":
            result.imsi = value
        elif key == "ei":
            result.imei = value
        elif key == "mcc":
            result.mcc = value
        elif key == "mnc":
            result.mnc = value
        elif key == "ml":
            declared = _integer("ml", value)
            if declared != len(text):
                result.warnings.append(
                    f"ml says {declared} characters but the message has {len(text)}"
                )
        else:
            result.warnings.append(f"unknown attribute {key!r} ignored")
    if version is None:
        result.warnings.append('no A"ML= header; read as version 1')
    if "ml" not in seen:
        result.warnings.append("no ml length attribute")
    return result


def _parse_sms_v2(pairs: list[tuple[str, str]]) -> AmlPosition:
    result = AmlPosition(transport="sms", version=2)
    values = dict(pairs)
    if "lo" in values:
        parts = values["lo"].split(",")
        if len(parts) != 3:
            raise AmlError("lo: expected latitude,longitude,accuracy")
        result.latitude = _coordinate("lo latitude", parts[0], 90)
        result.longitude = _coordinate("lo longitude", parts[1], 180)
        try:
            result.accuracy_m = float(parts[2])
        except ValueError:
            raise AmlError(f"lo accuracy: {parts[2]!r} is not a number") from None
    if "et" in values:
        started = datetime.fromtimestamp(_integer("et", values["et"]), tz=UTC)
        offset = values.get("lt", "-9999")
        if not re.fullmatch(r"-?\d+", offset):
            raise AmlError(f"lt: {offset!r} is not a whole number of seconds")
        # -9999 means the location time is unknown; the call start is the best we have.
        result.positioned_at = started + timedelta(seconds=0 if offset == "-9999" else int(offset))
        if offset == "-9999":
            result.warnings.append("location time unknown (lt=-9999); call start time used")
    if "lc" in values:
        result.confidence = _integer("lc", values["lc"])
    if "ls" in values:
        if values["ls"] not in V2_SOURCES:
            raise AmlError(f"ls: {values['ls']!r} is not a location source")
        result.method = V2_SOURCES[values["ls"]]
    result.imei = values.get("ei", "")
    if nc := values.get("nc", ""):
        result.mcc, result.mnc = nc[:3], nc[3:]
    return result


def parse_https(body: str) -> AmlPosition:
    """The form-encoded HTTPS POST body."""
    try:
        fields = dict(parse_qsl(body, keep_blank_values=True, strict_parsing=True))
    except ValueError as e:
        raise AmlError(f"body is not form-encoded: {e}") from None
    missing = [
        name
        for name in ("device_number", "location_latitude", "location_longitude", "location_time")
        if not fields.get(name)
    ]
    if missing:
        raise AmlError(f"missing {', '.join(missing)}")
    version = fields.get("v")
    result = AmlPosition(
        transport="https", version=int(version) if version and version.isdigit() else None
    )
    result.device_number = to_e164(fields["device_number"])
    if not result.device_number:
        raise AmlError(f"device_number: {fields['device_number']!r} is not a phone number")
    result.latitude = _coordinate("location_latitude", fields["location_latitude"], 90)
    result.longitude = _coordinate("location_longitude", fields["location_longitude"], 180)
    millis = _integer("location_time", fields["location_time"])
    result.positioned_at = datetime.fromtimestamp(millis / 1000, tz=UTC)
    if accuracy := fields.get("location_accuracy"):
        try:
            result.accuracy_m = float(accuracy)
        except ValueError:
            raise AmlError(f"location_accuracy: {accuracy!r} is not a number") from None
    if certainty := fields.get("location_certainty"):
        result.confidence = _integer("location_certainty", certainty)
    source = fields.get("location_source", "")
    result.method = HTTPS_SOURCES.get(source.upper(), source.lower())
    result.imsi = fields.get("device_imsi", "")
    result.imei = fields.get("device_imei", "")
    result.mcc = fields.get("cell_network_mcc", "")
    result.mnc = fields.get("cell_network_mnc", "")
    return result


def looks_like_https(text: str) -> bool:
    return "device_number=" in text or "location_latitude=" in text


def parse(text: str) -> AmlPosition:
    """Either format, recognised by its content (the `demandhub aml parse` command)."""
    return parse_https(text) if looks_like_https(text) else parse_sms(text)


def verify_hmac(body: str, key: str) -> bool | None:
    """True/False: the body's `hmac` (HMAC-SHA1, hex, over the raw body before "&hmac=")
    does/does not match `key`. None: the body carries no hmac."""
    body = body.strip()
    signed, sep, given = body.rpartition("&hmac=")
    if not sep:
        return None
    expected = hmac.new(key.encode(), signed.encode(), hashlib.sha1).hexdigest()
    return hmac.compare_digest(expected, given.strip().lower())
