"""Server-side SVG geometry for the staffing chart: service level against agents. Pure; the
template draws the shapes, so no chart library is needed."""

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
