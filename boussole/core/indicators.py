"""Indicators of a case in service (issue 13, item 3): the benefits promised in criterion 3
become indicators with a baseline, a target and values measured at each review.

Pure Python (no Django): proposals from the grid's answers, validation of what is typed
(numbers, units, dates — French messages located by field), progress towards the target and
the trend over the reviews given the indicator's direction.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from boussole.core.grid import Grid

#: Review stages of the follow-up plan, in order (codes shared by the follow-up apps).
STAGES: tuple[str, ...] = ("T0", "M6", "A1", "A3", "A5")
STAGE_LABELS: Mapping[str, str] = {
    "T0": "Mise en service (T0)", "M6": "6 mois", "A1": "1 an", "A3": "3 ans", "A5": "5 ans"}

#: ``higher``: higher is better; ``lower``: lower is better.
DIRECTIONS: tuple[str, ...] = ("higher", "lower")
#: ``benefit``: from a benefit promised in criterion 3; ``free``: any other;
#: ``energie_mesuree``: the re-measured energy of the criterion-5 footprint (kWh/year).
KINDS: tuple[str, ...] = ("benefit", "free", "energie_mesuree")
ENERGY_UNIT = "kWh/an"

#: Trend codes.
IMPROVING, STABLE, WORSENING, UNKNOWN = "improving", "stable", "worsening", "unknown"
#: A change smaller than this share of the previous value is "stable".
STABLE_SHARE = 0.02

LABEL_MAX = 200
UNIT_MAX = 40
SOURCE_MAX = 1000
#: Numbers beyond this magnitude are refused (typing mistakes, overflow).
NUMBER_MAX = 1e15


@dataclass(frozen=True)
class Proposal:
    """An indicator the page proposes from an answer of criterion 3."""

    key: str  # e.g. "Q8:meilleure_information"
    label: str
    kind: str = "benefit"


@dataclass(frozen=True)
class CleanIndicator:
    kind: str
    label: str
    unit: str
    direction: str
    baseline_value: float
    baseline_date: dt.date
    target_value: float
    target_date: dt.date


@dataclass(frozen=True)
class CleanMeasure:
    stage: str
    value: float
    measured_on: dt.date
    source: str


Problems = list[tuple[str, str]]


def parse_number(raw: str) -> tuple[float | None, str | None]:
    """A number as typed in French or English (``1 234,5``, ``1234.5``); ``None`` and a
    French message when it is not one."""
    text = (raw or "").strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if not text:
        return None, "Indiquez une valeur numérique."
    text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None, "Valeur numérique attendue (par exemple 12 ou 12,5)."
    if not math.isfinite(value) or abs(value) > NUMBER_MAX:
        return None, "Valeur hors limites."
    return value, None


def parse_date(raw: str) -> tuple[dt.date | None, str | None]:
    text = (raw or "").strip()
    if not text:
        return None, "Indiquez une date."
    try:
        return dt.date.fromisoformat(text), None
    except ValueError:
        return None, "Date invalide : utilisez le format AAAA-MM-JJ."


def clean_indicator(values: Mapping[str, str]) -> tuple[CleanIndicator | None, Problems]:
    """Check an indicator as typed (keys: kind, label, unit, direction, baseline_value,
    baseline_date, target_value, target_date). The energy indicator's unit and direction
    are fixed (kWh/an, lower is better)."""
    problems: Problems = []
    kind = (values.get("kind") or "free").strip()
    if kind not in KINDS:
        problems.append(("kind", "Type d'indicateur inconnu."))
    label = (values.get("label") or "").strip()
    if not label:
        problems.append(("label", "Donnez un libellé à l'indicateur."))
    elif len(label) > LABEL_MAX:
        problems.append(("label", f"Libellé trop long ({LABEL_MAX} caractères au plus)."))
    unit = (values.get("unit") or "").strip()
    direction = (values.get("direction") or "").strip()
    if kind == "energie_mesuree":
        unit, direction = ENERGY_UNIT, "lower"
    if not unit:
        problems.append(("unit", "Indiquez l'unité (par exemple « % », « jours », "
                                 "« appels/mois »)."))
    elif len(unit) > UNIT_MAX:
        problems.append(("unit", f"Unité trop longue ({UNIT_MAX} caractères au plus)."))
    if direction not in DIRECTIONS:
        problems.append(("direction", "Choisissez le sens de l'amélioration."))
    numbers: dict[str, float] = {}
    dates: dict[str, dt.date] = {}
    for name in ("baseline_value", "target_value"):
        number, problem = parse_number(values.get(name, ""))
        if problem:
            problems.append((name, problem))
        elif number is not None:
            numbers[name] = number
    for name in ("baseline_date", "target_date"):
        date, problem = parse_date(values.get(name, ""))
        if problem:
            problems.append((name, problem))
        elif date is not None:
            dates[name] = date
    if len(dates) == 2 and dates["target_date"] <= dates["baseline_date"]:
        problems.append(("target_date", "L'échéance de la cible doit suivre la date de la "
                                        "valeur de référence."))
    if (len(numbers) == 2 and direction in DIRECTIONS
            and numbers["target_value"] == numbers["baseline_value"]):
        problems.append(("target_value", "La cible doit différer de la valeur de référence."))
    elif len(numbers) == 2 and direction in DIRECTIONS and not _better(
            direction, numbers["target_value"], numbers["baseline_value"]):
        problems.append(("target_value",
                         "La cible doit être plus haute que la valeur de référence (plus haut "
                         "est mieux)." if direction == "higher" else
                         "La cible doit être plus basse que la valeur de référence (plus bas "
                         "est mieux)."))
    if problems:
        return None, problems
    return CleanIndicator(kind=kind, label=label, unit=unit, direction=direction,
                          baseline_value=numbers["baseline_value"],
                          baseline_date=dates["baseline_date"],
                          target_value=numbers["target_value"],
                          target_date=dates["target_date"]), []


def clean_measure(values: Mapping[str, str], *, baseline_date: dt.date | None = None,
                  today: dt.date | None = None) -> tuple[CleanMeasure | None, Problems]:
    """Check a measured value (keys: stage, value, measured_on, source): a known stage, a
    number, a date neither before the baseline nor in the future."""
    problems: Problems = []
    stage = (values.get("stage") or "").strip()
    if stage not in STAGES:
        problems.append(("stage", "Choisissez l'étape de suivi."))
    value, problem = parse_number(values.get("value", ""))
    if problem:
        problems.append(("value", problem))
    measured_on, problem = parse_date(values.get("measured_on", ""))
    if problem:
        problems.append(("measured_on", problem))
    elif measured_on is not None:
        if baseline_date is not None and measured_on < baseline_date:
            problems.append(("measured_on", "La mesure ne peut précéder la valeur de "
                                            "référence."))
        elif today is not None and measured_on > today:
            problems.append(("measured_on", "La date de mesure est dans le futur."))
    source = (values.get("source") or "").strip()
    if len(source) > SOURCE_MAX:
        problems.append(("source", f"Texte trop long ({SOURCE_MAX} caractères au plus)."))
    if problems or value is None or measured_on is None:
        return None, problems
    return CleanMeasure(stage=stage, value=value, measured_on=measured_on, source=source), []


def _better(direction: str, new: float, old: float) -> bool:
    return new > old if direction == "higher" else new < old


def progress(baseline: float, target: float, current: float) -> float | None:
    """How far ``current`` went from the baseline towards the target, in % (0 at the
    baseline, 100 at the target; negative when it moved away; above 100 beyond the target).
    ``None`` when the target equals the baseline."""
    if target == baseline:
        return None
    return round((current - baseline) / (target - baseline) * 100, 1)


def trend(direction: str, values: Sequence[float]) -> str:
    """The trend of the last measured value against the one before (values in stage
    order): ``improving``, ``stable`` (a change under :data:`STABLE_SHARE` of the previous
    value), ``worsening``; ``unknown`` with fewer than two values."""
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r}")
    if len(values) < 2:
        return UNKNOWN
    previous, last = values[-2], values[-1]
    if abs(last - previous) <= STABLE_SHARE * abs(previous):
        return STABLE
    return IMPROVING if _better(direction, last, previous) else WORSENING


def format_number(value: float) -> str:
    """A number the French way: thin-space thousands, decimal comma, at most two decimals."""
    rounded_value = round(value, 2)
    if rounded_value == int(rounded_value):
        return f"{int(rounded_value):,}".replace(",", "\u202f")
    whole, _dot, decimals = f"{rounded_value:,.2f}".partition(".")
    return whole.replace(",", "\u202f") + "," + decimals.rstrip("0")


def stage_order(stage: str) -> int:
    return STAGES.index(stage) if stage in STAGES else len(STAGES)


def proposals(grid: Grid, answers: Mapping[str, Any]) -> list[Proposal]:
    """One proposed indicator per benefit promised in criterion 3: each option ticked in
    Q8, internal efficiency when Q9 is « oui », the critical need when Q11 is « oui »
    (``answers``: the case's answer values by question id)."""
    found: list[Proposal] = []
    criterion = grid.criterion(3)
    by_number = {q.number: q for q in criterion.questions}
    q8 = by_number.get(8)
    if q8 is not None:
        ticked = answers.get(q8.id)
        chosen = set(ticked) if isinstance(ticked, list) else set()
        for option in q8.options:
            if option.id in chosen:
                found.append(Proposal(key=f"Q8:{option.id}", label=option.label))
    for number, label in ((9, "Amélioration de l'efficacité interne"),
                          (11, "Réponse au besoin critique du service public")):
        question = by_number.get(number)
        if question is not None and answers.get(question.id) == "oui":
            found.append(Proposal(key=f"Q{number}", label=label))
    return found
