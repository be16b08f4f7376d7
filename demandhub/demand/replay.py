"""Replay of a calls-for-service log: each row becomes a call offered on the telephony API at
its original time, with an id made from the row so that a second replay is recognised as the
same calls (the API is idempotent on line, call id, event and time). Pure: reading rows and
making Sends; the runner sends them.

The column mapping (a JSON object; SEATTLE is the default, for the sample in
../shared/reference/calls/) names the file's columns:

  call_id       the column holding the log's own id (optional: without it a hash of the row)
  call_id_prefix  put before that id (e.g. "SPD-"), so logs from different sources never meet
  time          the column with the time the call was queued (required)
  time_format   strptime format; ISO 8601 when absent
  timezone      the zone of naive times (an IANA name)
  channel       the column saying how the call came in; `channels` maps its values to
                "999", "101" or null (not a public contact: skipped); `default_channel`
                for values not listed
  priority, call_type   reported with each row (the telephony API carries neither)
  latitude, longitude, address   where: sent as the call's network address
"""

import csv
import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .generator import TELEPHONY, Send

SEATTLE: dict[str, Any] = {
    "name": "Seattle Police Department call data",
    "call_id": "CAD Event Number",
    "call_id_prefix": "SPD-",
    "time": "Original Time Queued",
    "time_format": "%m/%d/%Y %I:%M:%S %p",
    "timezone": "America/Los_Angeles",
    "channel": "Call Type",
    "channels": {
        "911": "999",
        "TELEPHONE OTHER, NOT 911": "101",
        "ALARM CALL (NOT POLICE ALARM)": "101",
        "ONVIEW": None,
    },
    "default_channel": "101",
    "priority": "Priority",
    "call_type": "Initial Call Type",
    "latitude": "Blurred_Latitude",
    "longitude": "Blurred_Longitude",
}
LINES = ("999", "101")
OPTIONAL_COLUMNS = (
    "call_id",
    "channel",
    "priority",
    "call_type",
    "latitude",
    "longitude",
    "address",
)


class MappingError(ValueError):
    """A column mapping that cannot be used."""


@dataclass(frozen=True)
class RowProblem:
    """A row that was not sent: its line in the file and why. `skipped` rows are readable but
    not public contacts (officer-initiated, say); the others could not be read."""

    line: int
    reason: str
    skipped: bool = False


@dataclass(frozen=True)
class ColumnMapping:
    columns: dict[str, str]  # role -> column name
    call_id_prefix: str
    time_format: str | None
    zone: ZoneInfo
    channels: dict[str, str | None]
    default_channel: str | None


def read_mapping(raw: Mapping[str, Any]) -> ColumnMapping:
    if not isinstance(raw, Mapping):
        raise MappingError("the mapping must be a JSON object")
    if not isinstance(raw.get("time"), str) or not raw["time"]:
        raise MappingError("time: the name of the column with the call's time is required")
    columns = {"time": raw["time"]}
    for role in OPTIONAL_COLUMNS:
        value = raw.get(role)
        if value is not None and not isinstance(value, str):
            raise MappingError(f"{role}: must be a column name")
        if value:
            columns[role] = value
    try:
        zone = ZoneInfo(str(raw.get("timezone", "Europe/London")))
    except (ZoneInfoNotFoundError, ValueError):
        raise MappingError(f"timezone: unknown zone {raw.get('timezone')!r}") from None
    channels = raw.get("channels", {})
    if not isinstance(channels, Mapping) or any(
        v is not None and v not in LINES for v in channels.values()
    ):
        raise MappingError('channels: map each value to "999", "101" or null')
    default = raw.get("default_channel", "101")
    if default is not None and default not in LINES:
        raise MappingError('default_channel: "999", "101" or null')
    return ColumnMapping(
        columns=columns,
        call_id_prefix=str(raw.get("call_id_prefix", "")),
        time_format=raw.get("time_format"),
        zone=zone,
        channels=dict(channels),
        default_channel=default,
    )


def read_rows(lines: Iterable[str], mapping: ColumnMapping) -> Iterator[Send | RowProblem]:
    """A Send for each usable row, a RowProblem for each other row, in file order. A mapped
    column missing from the header is reported at line 1; without the time column nothing
    can be read."""
    reader = csv.DictReader(lines)
    header = reader.fieldnames or []
    missing = [f"{role} ({name!r})" for role, name in mapping.columns.items() if name not in header]
    if missing:
        fatal = mapping.columns["time"] not in header
        yield RowProblem(1, "columns missing from the header: " + ", ".join(missing))
        if fatal:
            return
    for row in reader:
        yield _row(row, reader.line_num, mapping)


def _row(row: dict[str, Any], line: int, mapping: ColumnMapping) -> Send | RowProblem:
    def value(role: str) -> str:
        name = mapping.columns.get(role)
        return (row.get(name) or "").strip() if name else ""

    if None in row:
        return RowProblem(line, f"more fields than the header has ({len(row[None])} extra)")
    raw_time = value("time")
    if not raw_time:
        return RowProblem(line, f"{mapping.columns['time']}: empty")
    try:
        if mapping.time_format:
            at = datetime.strptime(raw_time, mapping.time_format)  # noqa: DTZ007  (zone below)
        else:
            at = datetime.fromisoformat(raw_time)
    except ValueError:
        wanted = mapping.time_format or "ISO 8601"
        return RowProblem(line, f"{mapping.columns['time']}: {raw_time!r} is not a time ({wanted})")
    if at.tzinfo is None:
        at = at.replace(tzinfo=mapping.zone)
    how = value("channel")
    line_name = (
        mapping.channels.get(how, mapping.default_channel) if how else mapping.default_channel
    )
    if line_name is None:
        return RowProblem(line, f"not a public contact ({how or 'no channel'})", True)
    priority = value("priority")
    if priority and not priority.isdigit():
        return RowProblem(line, f"{mapping.columns['priority']}: {priority!r} is not a number")
    where = value("address")
    lat, lon = value("latitude"), value("longitude")
    latitude = longitude = None
    if lat or lon:
        try:
            latitude, longitude = float(lat), float(lon)
        except ValueError:
            return RowProblem(line, f"latitude/longitude: {lat!r}, {lon!r} are not numbers")
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            return RowProblem(line, f"latitude/longitude: {lat}, {lon} are not on Earth")
        where = where or f"{latitude:.5f}, {longitude:.5f}"
    own_id = value("call_id")
    if "call_id" in mapping.columns and not own_id:
        return RowProblem(line, f"{mapping.columns['call_id']}: empty")
    call_id = mapping.call_id_prefix + (own_id or _row_hash(row))
    payload = {
        "call_id": call_id[:128],
        "event": "offered",
        "line": line_name,
        "occurred_at": at.isoformat(),
    }
    if where:
        payload["address"] = where[:500]
    return Send(
        at=at,
        seq=line,
        kind=TELEPHONY,
        payload=payload,
        channel=line_name,
        classification=" ".join(
            filter(None, [f"P{priority}" if priority else "", value("call_type")])
        ),
        incident=call_id,
        latitude=latitude,
        longitude=longitude,
        stamp=False,
        line_number=line,
    )


def _row_hash(row: dict[str, Any]) -> str:
    """A stable id for a row without one: the same row always gives the same id."""
    joined = "\x1f".join(f"{k}={row[k]}" for k in sorted(k for k in row if k is not None))
    return hashlib.sha256(joined.encode()).hexdigest()[:24]
