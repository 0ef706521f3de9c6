"""The indicators' rules (issue 13, item 3): progress towards the target, the trend in both
directions, validation of what is typed (French messages at their field), the proposals from
criterion 3's answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from boussole.core import indicators as ind
from boussole.core.access import may_edit_indicators
from boussole.core.grid.loader import load_grid

GRID = Path(__file__).resolve().parents[2] / "boussole/data/grids/boussole-nantes-v2.yaml"

GOOD = {"kind": "free", "label": "Délai de réponse", "unit": "jours", "direction": "lower",
        "baseline_value": "12", "baseline_date": "2026-01-05", "target_value": "5",
        "target_date": "2027-01-05"}


@pytest.mark.parametrize(("baseline", "target", "current", "expected"), [
    (0, 40, 0, 0.0), (0, 40, 20, 50.0), (0, 40, 40, 100.0), (0, 40, 50, 125.0),
    (0, 40, -4, -10.0), (420, 250, 335, 50.0), (420, 250, 250, 100.0), (420, 250, 450, -17.6),
    (10, 10, 12, None),
])
def test_progress(baseline: float, target: float, current: float,
                  expected: float | None) -> None:
    assert ind.progress(baseline, target, current) == expected


@pytest.mark.parametrize(("direction", "values", "expected"), [
    ("higher", [], "unknown"), ("higher", [5], "unknown"),
    ("higher", [10, 20], "improving"), ("higher", [20, 10], "worsening"),
    ("higher", [100, 101], "stable"), ("higher", [100, 99], "stable"),
    ("higher", [100, 103], "improving"),
    ("lower", [400, 330], "improving"), ("lower", [330, 400], "worsening"),
    ("lower", [400, 405], "stable"), ("lower", [0, 0], "stable"), ("lower", [0, 1], "worsening"),
    ("higher", [10, 50, 40], "worsening"),  # the last value against the one before
])
def test_trend(direction: str, values: list[float], expected: str) -> None:
    assert ind.trend(direction, values) == expected


def test_trend_refuses_an_unknown_direction() -> None:
    with pytest.raises(ValueError, match="direction"):
        ind.trend("sideways", [1, 2])


@pytest.mark.parametrize(("raw", "expected"), [
    ("12", 12.0), ("12,5", 12.5), ("1 234,5", 1234.5), ("1\u202f234", 1234.0), ("-3.25", -3.25),
])
def test_numbers_typed_the_french_way(raw: str, expected: float) -> None:
    assert ind.parse_number(raw) == (expected, None)


@pytest.mark.parametrize(("raw", "message"), [
    ("", "Indiquez une valeur numérique."), ("douze", "Valeur numérique attendue"),
    ("nan", "Valeur hors limites."), ("1e300", "Valeur hors limites."),
])
def test_numbers_refused(raw: str, message: str) -> None:
    value, problem = ind.parse_number(raw)
    assert value is None and problem is not None and problem.startswith(message)


def test_a_good_indicator_is_cleaned() -> None:
    clean, problems = ind.clean_indicator(GOOD)
    assert problems == []
    assert clean == ind.CleanIndicator(
        kind="free", label="Délai de réponse", unit="jours", direction="lower",
        baseline_value=12.0, baseline_date=dt.date(2026, 1, 5), target_value=5.0,
        target_date=dt.date(2027, 1, 5))


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"label": "  "}, "label", "Donnez un libellé à l'indicateur."),
    ({"label": "x" * 201}, "label", "Libellé trop long (200 caractères au plus)."),
    ({"unit": ""}, "unit", "Indiquez l'unité"),
    ({"unit": "u" * 41}, "unit", "Unité trop longue"),
    ({"direction": ""}, "direction", "Choisissez le sens de l'amélioration."),
    ({"kind": "autre"}, "kind", "Type d'indicateur inconnu."),
    ({"baseline_value": "beaucoup"}, "baseline_value", "Valeur numérique attendue"),
    ({"target_value": ""}, "target_value", "Indiquez une valeur numérique."),
    ({"baseline_date": "05/01/2026"}, "baseline_date",
     "Date invalide : utilisez le format AAAA-MM-JJ."),
    ({"target_date": ""}, "target_date", "Indiquez une date."),
    ({"target_date": "2025-12-31"}, "target_date", "L'échéance de la cible doit suivre"),
    ({"target_value": "12"}, "target_value", "La cible doit différer"),
    ({"target_value": "20"}, "target_value", "La cible doit être plus basse"),
    ({"direction": "higher"}, "target_value", "La cible doit être plus haute"),
])
def test_indicator_refusals_in_french(changes: dict[str, str], field: str,
                                      message: str) -> None:
    clean, problems = ind.clean_indicator({**GOOD, **changes})
    assert clean is None
    assert [(f, m) for f, m in problems if f == field and m.startswith(message)], problems


def test_the_energy_indicator_has_a_fixed_unit_and_direction() -> None:
    clean, problems = ind.clean_indicator({**GOOD, "kind": "energie_mesuree", "unit": "",
                                           "direction": "higher", "baseline_value": "300",
                                           "target_value": "270"})
    assert problems == []
    assert clean is not None and (clean.unit, clean.direction) == ("kWh/an", "lower")


def test_measures() -> None:
    values = {"stage": "M6", "value": "330", "measured_on": "2026-07-01", "source": "CRM"}
    clean, problems = ind.clean_measure(values, baseline_date=dt.date(2026, 1, 5),
                                        today=dt.date(2026, 8, 1))
    assert problems == [] and clean == ind.CleanMeasure("M6", 330.0, dt.date(2026, 7, 1), "CRM")
    clean, problems = ind.clean_measure(
        {"stage": "A2", "value": "x", "measured_on": "2025-12-01", "source": "s" * 1001},
        baseline_date=dt.date(2026, 1, 5), today=dt.date(2026, 8, 1))
    assert clean is None
    assert dict(problems) == {
        "stage": "Choisissez l'étape de suivi.",
        "value": "Valeur numérique attendue (par exemple 12 ou 12,5).",
        "measured_on": "La mesure ne peut précéder la valeur de référence.",
        "source": "Texte trop long (1000 caractères au plus)."}
    _clean, problems = ind.clean_measure({**values, "measured_on": "2026-09-01"},
                                         today=dt.date(2026, 8, 1))
    assert dict(problems) == {"measured_on": "La date de mesure est dans le futur."}


def test_format_number() -> None:
    assert [ind.format_number(v) for v in (180000, 12.5, 0.333, -4.0)] == [
        "180\u202f000", "12,5", "0,33", "-4"]


def test_proposals_from_criterion_3() -> None:
    grid = load_grid(GRID)
    answers = {"benefices_relation_usagers": ["meilleure_information", "parcours_simplifie"],
               "efficacite_interne": "oui", "besoin_critique": "non"}
    found = ind.proposals(grid, answers)
    assert [(p.key, p.label) for p in found] == [
        ("Q8:parcours_simplifie", "Un parcours simplifié, accéléré"),
        ("Q8:meilleure_information", "Une meilleure information"),
        ("Q9", "Amélioration de l'efficacité interne")]
    assert ind.proposals(grid, {}) == []


@pytest.mark.parametrize(("role", "domain", "is_lead", "same", "expected"), [
    ("porteur", "", True, True, True), ("porteur", "", False, True, False),
    ("referent", "numerique", False, True, True), ("referent", "juridique", False, True, False),
    ("referent", "rh", False, True, False), ("admin", "", False, True, True),
    ("admin", "", False, False, False), ("elu", "", False, True, False),
    ("prestataire", "", False, True, False),
    ("representant_personnel", "", False, True, False),
])
def test_who_may_edit_indicators(role: str, domain: str, is_lead: bool, same: bool,
                                 expected: bool) -> None:
    assert may_edit_indicators(role=role, domain=domain, is_lead=is_lead,
                               same_organisation=same) is expected
