"""Server-drawn horizontal bar charts of the dashboard (no JavaScript): one bar per category,
its count written at its end. Pure geometry; the template ``portfolio/_bars.html`` draws it as
one image (``role="img"`` with a title and a description), and the page shows the same figures
in a table beside it, where each figure is a link to the filtered list of cases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 560
LABEL_W = 230  # room for the category names, left of the bars
BAR_H, GAP, TOP = 22, 8, 6
COUNT_ROOM = 44  # room right of the longest bar for its count


def _coord(value: float) -> str:
    # Written by Python: a template would localise a float (« 99,5 »), which SVG does not read.
    return f"{value:.1f}"


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    y: str
    text_y: str
    width: str
    end_x: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_w: int
    bar_h: int
    bars: tuple[Bar, ...]


def bar_chart(rows: Sequence[tuple[str, int]]) -> BarChart:
    """``rows``: (label, count) in display order."""
    most = max((count for _label, count in rows), default=0) or 1
    room = WIDTH - LABEL_W - COUNT_ROOM
    bars = []
    for index, (label, count) in enumerate(rows):
        top = TOP + index * (BAR_H + GAP)
        width = room * count / most
        bars.append(Bar(label=label, count=count, y=_coord(top),
                        text_y=_coord(top + BAR_H * 0.7), width=_coord(max(width, 1.5)),
                        end_x=_coord(LABEL_W + max(width, 1.5) + 6)))
    height = TOP * 2 + len(rows) * (BAR_H + GAP)
    return BarChart(width=WIDTH, height=height, label_w=LABEL_W, bar_h=BAR_H, bars=tuple(bars))
