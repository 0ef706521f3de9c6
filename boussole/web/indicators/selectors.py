"""Reads of a case's follow-up indicators (issue 13, item 3), in a fixed number of queries.

:func:`case_indicators` is the plain-data form (codes, ISO dates) for the CLI and exports;
:func:`indicator_rows` is what the page shows (labels, progress, trend, chart)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from boussole.core import indicators as rules
from boussole.web.cases.models import Answer, Case
from boussole.web.footprint.selectors import footprint_get
from boussole.web.grids import grid_for
from boussole.web.indicators.chart import Chart, line_chart
from boussole.web.indicators.models import Indicator, Measurement, Stage


def _indicators(case: Case) -> list[Indicator]:
    ordered = Measurement.objects.order_by("measured_on", "pk")
    rows = list(Indicator.objects.filter(case=case)
                .prefetch_related(Prefetch("measurements", queryset=ordered)))
    return rows


def _measurements(indicator: Indicator) -> list[Measurement]:
    return sorted(indicator.measurements.all(), key=lambda m: rules.stage_order(m.stage))


def _trend(indicator: Indicator, values: list[Measurement]) -> str:
    return rules.trend(indicator.direction, [m.value for m in values])


def case_indicators(case: Case) -> list[dict[str, Any]]:
    """Every indicator of the case as plain data: label, unit, kind, direction, baseline and
    target (value, ISO date), values [{stage, date, value}] in stage order, trend code."""
    out: list[dict[str, Any]] = []
    for indicator in _indicators(case):
        values = _measurements(indicator)
        out.append({
            "label": indicator.label, "unit": indicator.unit, "kind": indicator.kind,
            "direction": indicator.direction,
            "baseline": {"value": indicator.baseline_value,
                         "date": indicator.baseline_date.isoformat()},
            "target": {"value": indicator.target_value,
                       "date": indicator.target_date.isoformat()},
            "values": [{"stage": m.stage, "date": m.measured_on.isoformat(),
                        "value": m.value} for m in values],
            "trend": _trend(indicator, values),
        })
    return out


def energy_estimate(case: Case) -> float | None:
    """The yearly energy (kWh) the criterion-5 footprint calculator estimated for the case,
    from its stored result (read-only); ``None`` without a computed footprint."""
    footprint = footprint_get(case)
    if footprint is None:
        return None
    value = (footprint.result or {}).get("per_year", {}).get("energy_kwh")
    return float(value) if isinstance(value, int | float) else None


def proposals(case: Case, existing: list[Indicator] | None = None) -> list[rules.Proposal]:
    """The indicators proposed from criterion 3's answers, less those already created."""
    grid = grid_for(case.grid_id, case.grid_version)
    ids = [q.id for q in grid.criterion(3).questions]
    answers = {a.item_id: a.value for a in Answer.objects.filter(case=case, item_id__in=ids)}
    taken = {i.source_key for i in (existing if existing is not None
                                     else Indicator.objects.filter(case=case))}
    return [p for p in rules.proposals(grid, answers) if p.key not in taken]


def trend_labels() -> dict[str, str]:
    return {rules.IMPROVING: _("en amélioration"), rules.STABLE: _("stable"),
            rules.WORSENING: _("en dégradation"),
            rules.UNKNOWN: _("pas encore de tendance (une mesure au plus)")}


@dataclass
class Row:
    indicator: Indicator
    values: list[Measurement]
    trend: str
    trend_label: str
    progress: float | None
    chart: Chart
    estimate: float | None
    missing_stages: list[tuple[str, str]]
    table: list[dict[str, Any]]
    baseline_text: str
    target_text: str
    estimate_text: str
    last_text: str
    chart_id: str


def indicator_rows(case: Case) -> list[Row]:
    stage_labels = dict(Stage.choices)
    short_labels = {"T0": "T0", "M6": _("6 mois"), "A1": _("1 an"), "A3": _("3 ans"),
                    "A5": _("5 ans")}
    labels = trend_labels()
    estimate = None
    rows: list[Row] = []
    indicators = _indicators(case)
    if any(i.kind == "energie_mesuree" for i in indicators):
        estimate = energy_estimate(case)
    for indicator in indicators:
        values = _measurements(indicator)
        trend = _trend(indicator, values)
        current = values[-1].value if values else None
        progress = (None if current is None else rules.progress(
            indicator.baseline_value, indicator.target_value, current))
        points = [(_("Réf."), indicator.baseline_value)] + [
            (str(short_labels.get(m.stage, m.stage)), m.value) for m in values]
        parts = [_("Valeur de référence : %(v)s %(u)s.") % {
            "v": rules.format_number(indicator.baseline_value), "u": indicator.unit}]
        parts += [_("%(stage)s : %(v)s %(u)s.") % {
            "stage": stage_labels.get(m.stage, m.stage),
            "v": rules.format_number(m.value), "u": indicator.unit} for m in values]
        parts.append(_("Cible : %(v)s %(u)s.") % {
            "v": rules.format_number(indicator.target_value), "u": indicator.unit})
        parts.append(_("Tendance : %(t)s.") % {"t": labels[trend]})
        chart = line_chart(points=points, target=indicator.target_value,
                           unit=indicator.unit, summary=" ".join(parts))
        taken = {m.stage for m in values}
        unit = indicator.unit
        table = [{"label": _("Référence"), "date": indicator.baseline_date,
                  "text": f"{rules.format_number(indicator.baseline_value)} {unit}",
                  "source": ""}]
        table += [{"label": stage_labels.get(m.stage, m.stage), "date": m.measured_on,
                   "text": f"{rules.format_number(m.value)} {unit}", "source": m.source,
                   "progress": rules.progress(indicator.baseline_value,
                                              indicator.target_value, m.value)}
                  for m in values]
        row_estimate = estimate if indicator.kind == "energie_mesuree" else None
        rows.append(Row(indicator=indicator, values=values, trend=trend,
                        trend_label=labels[trend], progress=progress, chart=chart,
                        estimate=row_estimate,
                        missing_stages=[(c, str(lbl)) for c, lbl in Stage.choices
                                        if c not in taken],
                        table=table,
                        baseline_text=f"{rules.format_number(indicator.baseline_value)} {unit}",
                        target_text=f"{rules.format_number(indicator.target_value)} {unit}",
                        estimate_text=("" if row_estimate is None else
                                       f"{rules.format_number(row_estimate)} {unit}"),
                        last_text=str(table[-1]["text"]) if values else "",
                        chart_id=f"graphique-{indicator.pk}"))
    return rows
