"""Server-side SVG geometry for the staffing chart: service level against agents. Pure; the
template draws the shapes, so no chart library is needed."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 520, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 14, 36


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label_x: float
    agents: int
    service_level: float
    meets_target: bool


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    target_y: float
    target_label: str
    gridlines: list[tuple[float, str]]  # (y, label)
    plot_left: int
    plot_right: int
    axis_y: float


def service_level_chart(rows: Sequence[tuple[int, float]], target: float) -> Chart:
    """One bar per (agents, service level), with a line at the target service level."""
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(rows), 1)

    def y(value: float) -> float:
        return round(TOP + plot_h * (1 - value), 1)

    bars = [
        Bar(
            x=round(LEFT + i * slot + slot * 0.15, 1),
            y=y(sl),
            width=round(slot * 0.7, 1),
            height=round(plot_h * sl, 1),
            label_x=round(LEFT + i * slot + slot / 2, 1),
            agents=agents,
            service_level=sl,
            meets_target=sl >= target,
        )
        for i, (agents, sl) in enumerate(rows)
    ]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        bars=bars,
        target_y=y(target),
        target_label=f"target {target:.0%}",
        gridlines=[(y(v / 4), f"{v * 25}%") for v in range(5)],
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        axis_y=y(0),
    )


# -- dashboard charts: time series and bars ----------------------------------------------------
# Geometry only: the template analytics/_chart.html draws what these return. Values of None
# (no data in that bucket) leave a gap in a line and no bar.

SERIES_WIDTH, SERIES_HEIGHT, WIDE = 640, 260, 1320
S_LEFT, S_RIGHT, S_TOP, S_BOTTOM = 56, 16, 16, 40
MAX_X_LABELS = 12
MAX_BAR = 64  # widest bar (or group of bars side by side), in chart units


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    series: int
    title: str


@dataclass(frozen=True)
class Line:
    points: str  # "x,y x,y ..." for <polyline>
    series: int


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    series: int
    title: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class SeriesChart:
    """A time series or bar chart: what the template needs to draw it."""

    slug: str
    kind: str  # "line" or "bar"
    width: int
    height: int
    plot_left: int
    plot_right: int
    axis_y: float
    gridlines: list[tuple[float, str]]
    x_labels: list[Label]
    rects: list[Rect]
    lines: list[Line]
    dots: list[Dot]
    legend: list[tuple[int, str]]
    target_y: float | None
    target_label: str
    empty: bool


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten at or above `value` (1 for 0)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power + 1e-12:
            return step * power
    return 10 * power


def format_value(value: float, unit: str) -> str:
    if unit == "percent":
        return f"{value * 100:.0f}%" if value * 100 == round(value * 100) else f"{value:.1%}"
    if unit == "seconds":
        if value >= 120:
            return f"{value / 60:.1f} min".replace(".0 min", " min")
        return f"{value:.0f} s" if value == round(value) else f"{value:.1f} s"
    if unit == "hours":
        return f"{value:.0f} h" if value == round(value) else f"{value:.1f} h"
    if unit == "score":
        return f"{value:.1f}"
    return f"{value:.0f}" if value == round(value) else f"{value:.1f}"


def _scale(
    values: Sequence[float | None], unit: str, target: float | None
) -> tuple[float, list[float]]:
    present = [v for v in values if v is not None]
    if unit == "percent":
        return 1.0, [0, 0.25, 0.5, 0.75, 1.0]
    top = nice_ceiling(max([*present, target or 0, 0]))
    if unit == "count" or not present:  # whole numbers on the axis
        top = max(4, math.ceil(top / 4) * 4)
    return top, [top * i / 4 for i in range(5)]


def series_chart(
    slug: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    kind: str = "line",
    unit: str = "count",
    stacked: bool = False,
    target: float | None = None,
    target_label: str = "",
    width: int = SERIES_WIDTH,
) -> SeriesChart:
    """Lines (one per series) or bars (side by side, or stacked) over the categories `labels`."""
    n = max(len(labels), 1)
    plot_w = width - S_LEFT - S_RIGHT
    plot_h = SERIES_HEIGHT - S_TOP - S_BOTTOM
    slot = plot_w / n
    if stacked:
        totals = [sum(s[1][i] or 0 for s in series) for i in range(len(labels))]
        top, ticks = _scale(totals, unit, target)
    else:
        top, ticks = _scale([v for _, vs in series for v in vs], unit, target)

    def y(value: float) -> float:
        return round(S_TOP + plot_h * (1 - min(value, top) / top), 1)

    every = max(1, math.ceil(len(labels) / MAX_X_LABELS))
    x_labels = [
        Label(x=round(S_LEFT + i * slot + slot / 2, 1), y=y(0) + 16, text=text)
        for i, text in enumerate(labels)
        if i % every == 0
    ]
    rects: list[Rect] = []
    lines: list[Line] = []
    dots: list[Dot] = []
    if kind == "bar":
        groups = 1 if stacked else max(len(series), 1)
        bar_w = min(slot * 0.72 / groups, MAX_BAR / groups if not stacked else MAX_BAR)
        offset = (slot - bar_w * groups) / 2
        for i in range(len(labels)):
            base = 0.0
            for k, (name, values) in enumerate(series):
                value = values[i]
                if value is None:
                    continue
                x = S_LEFT + i * slot + offset + (0 if stacked else k * bar_w)
                low, high = (base, base + value) if stacked else (0.0, value)
                rects.append(
                    Rect(
                        x=round(x, 1),
                        y=y(high),
                        width=round(bar_w, 1),
                        height=round(y(low) - y(high), 1),
                        series=k,
                        title=f"{labels[i]}: {name} {format_value(value, unit)}",
                    )
                )
                base = high if stacked else base
    else:
        for k, (name, values) in enumerate(series):
            run: list[str] = []
            for i, value in enumerate(values):
                cx = round(S_LEFT + i * slot + slot / 2, 1)
                if value is None:
                    if len(run) > 1:
                        lines.append(Line(points=" ".join(run), series=k))
                    run = []
                    continue
                run.append(f"{cx},{y(value)}")
                dots.append(
                    Dot(
                        x=cx,
                        y=y(value),
                        series=k,
                        title=f"{labels[i]}: {name} {format_value(value, unit)}",
                    )
                )
            if len(run) > 1:
                lines.append(Line(points=" ".join(run), series=k))
    return SeriesChart(
        slug=slug,
        kind=kind,
        width=width,
        height=SERIES_HEIGHT,
        plot_left=S_LEFT,
        plot_right=width - S_RIGHT,
        axis_y=y(0),
        gridlines=[(y(t), format_value(t, unit)) for t in ticks],
        x_labels=x_labels,
        rects=rects,
        lines=lines,
        dots=dots,
        legend=[(k, name) for k, (name, _) in enumerate(series)] if len(series) > 1 else [],
        target_y=y(target) if target is not None else None,
        target_label=target_label,
        empty=not rects and not dots,
    )
