"""The planning files the simulation reads and the forecast writes: demand, rota and channel
settings as CSV (formats in docs/capacity.md). Errors name the file, the line and the field."""

import csv
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from .simulation import (
    DAYS,
    HANDLING_DISTRIBUTIONS,
    HOURS_PER_WEEK,
    Channel,
    Demand,
    Rota,
    SimulationError,
)

DEMAND_COLUMNS = ("channel", "day", "hour", "arrivals_per_hour")
ROTA_COLUMNS = ("day", "start", "end")
CHANNEL_COLUMNS = (
    "channel",
    "pools",
    "priority",
    "target_seconds",
    "aht_seconds",
    "handling",
    "sd_seconds",
    "patience_seconds",
)
_TIME = re.compile(r"^(\d{2}):(\d{2})$")


class PlanFileError(ValueError):
    def __init__(self, name: str, line: int | None, field: str | None, problem: str) -> None:
        where = name + (f" line {line}" if line else "") + (f", {field}" if field else "")
        super().__init__(f"{where}: {problem}")


def _rows(
    text: TextIO, name: str, required: Sequence[str]
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    reader = csv.DictReader(text)
    header = [h.strip() for h in reader.fieldnames or []]
    if not header:
        raise PlanFileError(name, 1, None, "the file is empty; expected a header line")
    reader.fieldnames = header
    missing = [c for c in required if c not in header]
    if missing:
        raise PlanFileError(
            name, 1, None, f"missing column {', '.join(missing)} (header: {','.join(header)})"
        )
    rows = []
    for row in reader:
        if None in row:
            raise PlanFileError(name, reader.line_num, None, "more fields than the header has")
        values = {k: (v or "").strip() for k, v in row.items()}
        if not any(values.values()):
            continue
        rows.append((reader.line_num, values))
    return header, rows


def _number(name: str, line: int, field: str, value: str, *, minimum: float = 0.0) -> float:
    try:
        number = float(value)
    except ValueError:
        raise PlanFileError(name, line, field, f"{value!r} is not a number") from None
    if not math.isfinite(number):
        raise PlanFileError(name, line, field, f"{value!r} is not a finite number")
    if number < minimum:
        what = "negative" if minimum == 0 else f"below {minimum:g}"
        raise PlanFileError(name, line, field, f"{value} is {what}")
    return number


def _whole(name: str, line: int, field: str, value: str) -> int:
    if not re.fullmatch(r"\d+", value):
        raise PlanFileError(name, line, field, f"{value!r} is not a whole number of 0 or more")
    return int(value)


def _day(name: str, line: int, value: str) -> int:
    for i, day in enumerate(DAYS):
        if value.lower() == day.lower():
            return i
    raise PlanFileError(name, line, "day", f"{value!r} is not one of {', '.join(DAYS)}")


def read_demand(text: TextIO, name: str = "demand file") -> Demand:
    _, rows = _rows(text, name, DEMAND_COLUMNS)
    rates: dict[str, list[float | None]] = {}
    seen: dict[tuple[str, int], int] = {}
    for line, row in rows:
        channel = row["channel"]
        if not channel:
            raise PlanFileError(name, line, "channel", "is empty")
        day = _day(name, line, row["day"])
        hour = _whole(name, line, "hour", row["hour"])
        if hour > 23:
            raise PlanFileError(name, line, "hour", f"{hour} is not an hour of the day (0-23)")
        rate = _number(name, line, "arrivals_per_hour", row["arrivals_per_hour"])
        slot = day * 24 + hour
        if (channel, slot) in seen:
            raise PlanFileError(
                name, line, None,
                f"{channel} {DAYS[day]} hour {hour} is already given on line {seen[channel, slot]}",
            )  # fmt: skip
        seen[channel, slot] = line
        rates.setdefault(channel, [None] * HOURS_PER_WEEK)[slot] = rate
    if not rates:
        raise PlanFileError(name, None, None, "no demand rows")
    for channel, hours in rates.items():
        gaps = [i for i, r in enumerate(hours) if r is None]
        if gaps:
            first = gaps[0]
            raise PlanFileError(
                name, None, None,
                f"channel {channel} has no row for {DAYS[first // 24]} hour {first % 24}"
                + (f" and {len(gaps) - 1} more hours" if len(gaps) > 1 else "")
                + " (every channel needs all 168 hours of the week)",
            )  # fmt: skip
    return Demand({c: [float(r or 0.0) for r in hours] for c, hours in rates.items()})


def _time(name: str, line: int, field: str, value: str) -> int:
    """Minutes since midnight of an HH:MM on the half hour; 24:00 allowed for an end."""
    m = _TIME.match(value)
    if not m or int(m.group(2)) > 59 or int(m.group(1)) > 24:
        raise PlanFileError(name, line, field, f"{value!r} is not a time HH:MM")
    minutes = int(m.group(1)) * 60 + int(m.group(2))
    if minutes % 30:
        raise PlanFileError(name, line, field, f"{value} is not on the hour or half hour")
    if minutes > 24 * 60 or (minutes == 24 * 60 and field == "start"):
        raise PlanFileError(name, line, field, f"{value} is past the end of the day")
    return minutes


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def read_rota(text: TextIO, name: str = "rota file") -> Rota:
    header, rows = _rows(text, name, ROTA_COLUMNS)
    pools = [h for h in header if h not in ROTA_COLUMNS]
    if not pools:
        raise PlanFileError(name, 1, None, "no staff columns: add one column per pool")
    by_day: dict[int, list[tuple[int, int, int, dict[str, int]]]] = {}
    for line, row in rows:
        day = _day(name, line, row["day"])
        start = _time(name, line, "start", row["start"])
        end = _time(name, line, "end", row["end"])
        if end <= start:
            raise PlanFileError(
                name, line, "end", f"{row['end']} is not after the start {row['start']}"
            )
        staff = {p: _whole(name, line, p, row[p]) for p in pools}
        by_day.setdefault(day, []).append((start, end, line, staff))
    counts: dict[str, list[int]] = {p: [] for p in pools}
    for day, label in enumerate(DAYS):
        shifts = sorted(by_day.get(day, []))
        if not shifts:
            raise PlanFileError(name, None, "day", f"no rows for {label}: the rota needs every day")
        covered, previous_line = 0, None
        for start, end, line, staff in shifts:
            if start > covered:
                after = f" (line {previous_line} ends at {_hhmm(covered)})" if previous_line else ""
                raise PlanFileError(
                    name, line, "start",
                    f"gap in the rota: {label} {_hhmm(covered)}-{_hhmm(start)} has no row{after}",
                )  # fmt: skip
            if start < covered:
                raise PlanFileError(
                    name, line, "start",
                    f"{label} {_hhmm(start)} overlaps line {previous_line}, "
                    f"which runs to {_hhmm(covered)}",
                )  # fmt: skip
            for p in pools:
                counts[p].extend([staff[p]] * ((end - start) // 30))
            covered, previous_line = end, line
        if covered < 24 * 60:
            raise PlanFileError(
                name, previous_line, "end",
                f"gap in the rota: {label} {_hhmm(covered)}-24:00 has no row",
            )  # fmt: skip
    return Rota(counts)


def _optional(name: str, line: int, field: str, value: str) -> float | None:
    return None if value == "" else _number(name, line, field, value)


def read_channels(text: TextIO, name: str = "channels file") -> list[Channel]:
    _, rows = _rows(text, name, CHANNEL_COLUMNS)
    channels: list[Channel] = []
    for line, row in rows:
        handling = row["handling"] or "exponential"
        if handling not in HANDLING_DISTRIBUTIONS:
            raise PlanFileError(
                name, line, "handling",
                f"{handling!r} is not one of {', '.join(HANDLING_DISTRIBUTIONS)}",
            )  # fmt: skip
        aht = _number(name, line, "aht_seconds", row["aht_seconds"])
        if aht == 0:
            raise PlanFileError(name, line, "aht_seconds", "must be more than 0")
        patience = _optional(name, line, "patience_seconds", row["patience_seconds"])
        if patience == 0:
            raise PlanFileError(name, line, "patience_seconds", "must be more than 0, or empty")
        try:
            priority = int(row["priority"])
        except ValueError:
            raise PlanFileError(
                name, line, "priority", f"{row['priority']!r} is not a whole number"
            ) from None
        try:
            channels.append(
                Channel(
                    name=row["channel"],
                    pools=tuple(row["pools"].split()),
                    priority=priority,
                    target_seconds=_number(name, line, "target_seconds", row["target_seconds"]),
                    aht_seconds=aht,
                    handling=handling,
                    sd_seconds=_optional(name, line, "sd_seconds", row["sd_seconds"]),
                    patience_seconds=patience,
                )
            )
        except SimulationError as e:
            raise PlanFileError(name, line, None, str(e)) from None
    return channels


def read_file(path: str | Path, reader):  # type: ignore[no-untyped-def]
    """Open `path` and parse it with `reader`, naming the file in any error."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            return reader(f, path.name)
    except OSError as e:
        raise PlanFileError(str(path), None, None, e.strerror or str(e)) from None
    except UnicodeDecodeError:
        raise PlanFileError(path.name, None, None, "is not UTF-8 text") from None


def write_demand(rates: Mapping[str, Sequence[float]], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(DEMAND_COLUMNS)
    for channel, hours in rates.items():
        for slot, rate in enumerate(hours):
            writer.writerow([channel, DAYS[slot // 24], slot % 24, f"{rate:.4f}"])


def write_rota(staff: Mapping[str, Sequence[int]], out: TextIO) -> None:
    """A rota file with one row per run of half hours with unchanged staffing."""
    writer = csv.writer(out, lineterminator="\n")
    pools = list(staff)
    writer.writerow([*ROTA_COLUMNS, *pools])
    for day, label in enumerate(DAYS):
        start = 0
        for k in range(1, 49):
            i = day * 48 + k
            if k == 48 or any(staff[p][i] != staff[p][i - 1] for p in pools):
                writer.writerow(
                    [label, _hhmm(start * 30), _hhmm(k * 30), *(staff[p][i - 1] for p in pools)]
                )
                start = k


def channel_rows(channels: Iterable[Channel]) -> list[list[str]]:
    return [
        [
            c.name,
            " ".join(c.pools),
            str(c.priority),
            f"{c.target_seconds:g}",
            f"{c.aht_seconds:g}",
            c.handling,
            "" if c.sd_seconds is None else f"{c.sd_seconds:g}",
            "" if c.patience_seconds is None else f"{c.patience_seconds:g}",
        ]
        for c in channels
    ]
