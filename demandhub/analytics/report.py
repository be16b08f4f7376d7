"""A simulation result as JSON (for tools) or as a plain text table (for planners)."""

from dataclasses import asdict
from typing import Any

from .simulation import Figures, Result


def as_json(result: Result) -> dict[str, Any]:
    return {
        "weeks": result.weeks,
        "seed": result.seed,
        "events": result.events,
        "seconds": round(result.total_seconds, 3),
        "overall": {
            "channels": {name: asdict(f) for name, f in result.overall.items()},
            "occupancy": result.occupancy,
        },
        "intervals": [
            {
                "day": i.day,
                "start": i.start,
                "staff": i.staff,
                "occupancy": i.occupancy,
                "channels": {name: asdict(f) for name, f in i.channels.items()},
            }
            for i in result.intervals
        ],
    }


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}"


def _secs(x: float | None) -> str:
    return "-" if x is None else f"{x:.0f}"


def _overall_line(name: str, f: Figures) -> str:
    return (
        f"{name:<14} {f.offered:>9} {f.answered:>9} {f.abandoned:>9} "
        f"{_pct(f.service_level):>6} {_secs(f.asa_seconds):>7} {_pct(f.abandon_rate):>6}"
    )


def as_table(result: Result) -> str:
    channels = list(result.overall)
    pools = list(result.occupancy)
    lines = [
        f"{result.weeks} week(s), seed {result.seed}, {result.events} events "
        f"in {result.total_seconds:.2f} s",
        "",
        f"{'channel':<14} {'offered':>9} {'answered':>9} {'abandoned':>9} "
        f"{'SL %':>6} {'ASA s':>7} {'aband%':>6}",
    ]
    lines += [_overall_line(name, f) for name, f in result.overall.items()]
    lines.append("")
    lines += [f"occupancy {pool}: {_pct(occ)} %" for pool, occ in result.occupancy.items()]
    lines.append("")
    head = (
        ["day", "time"]
        + [f"staff:{p}" for p in pools]
        + [f"occ%:{p}" for p in pools]
        + [f"SL%:{c}" for c in channels]
        + [f"ab%:{c}" for c in channels]
    )
    rows = [head]
    for i in result.intervals:
        rows.append(
            [i.day, i.start]
            + [str(i.staff[p]) for p in pools]
            + [_pct(i.occupancy[p]) for p in pools]
            + [_pct(i.channels[c].service_level) for c in channels]
            + [_pct(i.channels[c].abandon_rate) for c in channels]
        )
    widths = [max(len(r[k]) for r in rows) for k in range(len(head))]
    lines += ["  ".join(cell.rjust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)
