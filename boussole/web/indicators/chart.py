"""The server-drawn SVG chart of one indicator (no JavaScript): the baseline, then the value
measured at each review stage, as a line with labelled points, and the target as a dashed line.
Pure geometry; the template ``indicators/_chart.html`` draws it with ``role="img"``, a
``<title>`` and a ``<desc>``, and the page shows the same figures as a table beside it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from boussole.core.indicators import format_number

WIDTH, HEIGHT = 560, 240
LEFT, RIGHT, TOP, BOTTOM = 90, 30, 20, 44


#: Coordinates are strings with a decimal point, written by Python: a template would localise
#: a float (« 99,5 » in French), which SVG does not read.


def _coord(value: float) -> str:
    return f"{value:.1f}"


@dataclass(frozen=True)
class Point:
    x: str
    y: str
    label: str  # the stage (or "Réf.")
    text: str  # the value as read


@dataclass(frozen=True)
class Tick:
    y: str
    text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right_x: int
    bottom_y: int
    points: tuple[Point, ...]
    polyline: str
    target_y: str
    target_text: str
    ticks: tuple[Tick, ...]
    summary: str


def line_chart(*, points: Sequence[tuple[str, float]], target: float, unit: str,
               summary: str) -> Chart:
    """``points``: (short label, value) in order, the baseline first; the values are written
    above their points without the unit (the title and the table carry it)."""
    values = [value for _label, value in points] + [target]
    low, high = min(values), max(values)
    if high == low:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.1
    low, high = low - pad, high + pad
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def y_of(value: float) -> str:
        return _coord(TOP + (high - value) / (high - low) * plot_h)

    step = plot_w / max(len(points) - 1, 1)
    drawn = tuple(
        Point(x=_coord(LEFT + (index * step if len(points) > 1 else plot_w / 2)),
              y=y_of(value), label=label, text=format_number(value))
        for index, (label, value) in enumerate(points))
    ticks = tuple(Tick(y=y_of(value), text=format_number(value))
                  for value in (high, (high + low) / 2, low))
    return Chart(width=WIDTH, height=HEIGHT, left=LEFT, right_x=WIDTH - RIGHT,
                 bottom_y=HEIGHT - BOTTOM, points=drawn,
                 polyline=" ".join(f"{p.x},{p.y}" for p in drawn),
                 target_y=y_of(target), target_text=f"{format_number(target)} {unit}",
                 ticks=ticks, summary=summary)
