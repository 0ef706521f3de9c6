"""The compass chart: the group's opinion and the completeness of each criterion, as SVG.

A horizontal bar per criterion (bar length = completeness, bar colour = opinion). Colour is never
the only carrier of meaning: each bar is followed by the opinion in words and the percentage,
with a marker whose *shape* differs per opinion (disc, triangle, cross, ring). The SVG has
``role="img"``, a ``<title>`` and a ``<desc>`` that states every figure; renderers always place
the same figures in a data table right after it.

The SVG is built with the standard library; every text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from boussole.reports.content import (
    VERDICTS,
    CriterionSummary,
    chart_description,
    criterion_summaries,
)

SANS = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Liberation Sans', Arial, sans-serif"

#: Fill colours, each at least 3:1 against white (WCAG 1.4.11).
COLOURS: dict[str | None, str] = {
    "favorable": "#1a7f37",
    "favorable_reserves": "#b35900",
    "defavorable": "#c62828",
    None: "#6b7280",
}

WIDTH = 760
TRACK = 430  # width of a 100 % bar
ROW = 54
TOP = 8
LABEL_INDENT = 20  # the title starts after the criterion's number
MAX_TITLE = 90  # characters of a criterion title shown in the chart (the table has it all)


def _marker(verdict: str | None, x: float, y: float) -> str:
    """A small shape centred on (x, y), distinct per opinion."""
    colour = COLOURS[verdict]
    if verdict == "favorable":
        return f'<circle cx="{x}" cy="{y}" r="6" fill="{colour}"/>'
    if verdict == "favorable_reserves":
        return (f'<path d="M{x} {y - 7} L{x + 7} {y + 6} L{x - 7} {y + 6} Z" '
                f'fill="{colour}"/>')
    if verdict == "defavorable":
        return (f'<path d="M{x - 6} {y - 6} L{x + 6} {y + 6} M{x + 6} {y - 6} L{x - 6} {y + 6}" '
                f'stroke="{colour}" stroke-width="3.2" stroke-linecap="round"/>')
    return (f'<circle cx="{x}" cy="{y}" r="5.2" fill="#ffffff" stroke="{colour}" '
            f'stroke-width="2.4"/>')


def _short(title: str) -> str:
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1].rstrip() + "…"


def compass_svg(criteria: Sequence[object] | Sequence[CriterionSummary], *,
                id_prefix: str = "boussole-compass", font_family: str = SANS,
                title: str = "Boussole de l'IA : avis du groupe par critère") -> str:
    """The compass chart for the memo's ``criteria`` list (raw dicts, or summaries).

    ``id_prefix`` keeps the ``id`` of ``<title>``/``<desc>`` unique within an HTML page;
    ``font_family`` lets the PDF renderer use the fonts it embeds.
    """
    summaries: tuple[CriterionSummary, ...]
    if all(isinstance(c, CriterionSummary) for c in criteria):
        summaries = tuple(c for c in criteria if isinstance(c, CriterionSummary))
    else:
        summaries = criterion_summaries(list(criteria))
    pid = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in id_prefix) or "compass"
    axis_y = TOP + ROW * len(summaries) + 4
    legend_y = axis_y + 40
    height = legend_y + 22
    font = quoteattr(font_family)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{pid}-title {pid}-desc" font-family={font} class="compass">',
        f'<title id="{pid}-title">{escape(title)}</title>',
        f'<desc id="{pid}-desc">{escape(chart_description(summaries))} '
        "Ces données figurent aussi dans le tableau qui suit le graphique.</desc>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    # vertical guides every 25 %
    for step in range(5):
        x = TRACK * step / 4
        out.append(f'<line x1="{x + 0.5:g}" y1="{TOP}" x2="{x + 0.5:g}" y2="{axis_y}" '
                   'stroke="#d0d5dd" stroke-width="1" stroke-dasharray="3 3"/>')
        anchor = "start" if step == 0 else "end" if step == 4 else "middle"
        out.append(f'<text x="{x + 0.5:g}" y="{axis_y + 16}" font-size="12" fill="#4b5563" '
                   f'text-anchor="{anchor}">{step * 25}\u202f%</text>')
    out.append(f'<text x="{TRACK + 14}" y="{axis_y + 16}" font-size="12" fill="#4b5563">'
               "complétude des réponses</text>")
    for index, c in enumerate(summaries):
        y = TOP + ROW * index
        colour = COLOURS[c.verdict]
        bar = TRACK * c.percent / 100
        out.append(f'<g><title>{escape(f"Critère {c.number} : {c.title}")}</title>')
        out.append(f'<text x="0" y="{y + 16}" font-size="14" font-weight="bold" '
                   f'fill="#111827">{c.number}.</text>')
        out.append(f'<text x="{LABEL_INDENT}" y="{y + 16}" font-size="14" fill="#111827">'
                   f"{escape(_short(c.title))}</text>")
        out.append(f'<rect x="0" y="{y + 24}" width="{TRACK}" height="16" rx="3" '
                   'fill="#eef0f3" stroke="#9aa3af" stroke-width="1"/>')
        if bar > 0:
            out.append(f'<rect x="0" y="{y + 24}" width="{bar:g}" height="16" rx="3" '
                       f'fill="{colour}"/>')
        out.append(_marker(c.verdict, TRACK + 18, y + 32))
        out.append(f'<text x="{TRACK + 32}" y="{y + 37}" font-size="13" fill="#111827">'
                   f'{escape(c.verdict_label)} · {c.percent_label}</text></g>')
    # legend: the four shapes
    x = 0.0
    out.append('<g>')
    for verdict, label in VERDICTS.items():
        out.append(_marker(verdict, x + 7, legend_y))
        out.append(f'<text x="{x + 20:g}" y="{legend_y + 4.5}" font-size="12" fill="#374151">'
                   f"{escape(label)}</text>")
        x += 34 + 6.6 * len(label)
    out.append('</g></svg>')
    return "\n".join(out)
