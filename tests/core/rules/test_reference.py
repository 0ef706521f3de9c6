"""The fast evaluator agrees with the plain reference evaluator (boussole.core.rules.reference).

The reference walks the parsed expression trees with textbook Kleene operators; the fast one
runs the compiled closures. Both must give the same levels and, for every rule, the same
status, level and potential level.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boussole.core.rules import Level, evaluate_normalised, validate_input
from boussole.core.rules.evaluate import ECARTE, Evaluation
from boussole.core.rules.expr import All, Const, FactTest, Not
from boussole.core.rules.reference import (
    FALSE,
    TRUE,
    UNKNOWN,
    ReferenceEvaluation,
    _Walker,
    k_and,
    k_not,
    k_or,
    reference_evaluate,
    reference_evaluate_document,
)

from .support import load_yaml, scenario_files, scenario_input
from .test_properties import BASE, profiles

Snapshot = tuple[Level, Level, dict[str, tuple[str, Level, Level]]]


def fast_snapshot(evaluation: Evaluation) -> Snapshot:
    rules: dict[str, tuple[str, Level, Level]] = {
        rule.id: (ECARTE, rule.niveau, rule.niveau) for rule in BASE.rules
    }
    for outcome in evaluation.outcomes:
        rules[outcome.rule.id] = (outcome.statut, outcome.niveau, outcome.niveau_potentiel)
    return evaluation.niveau_indicatif, evaluation.niveau_potentiel, rules


def reference_snapshot(evaluation: ReferenceEvaluation) -> Snapshot:
    rules = {
        rule_id: (o.statut, o.niveau, o.niveau_potentiel)
        for rule_id, o in evaluation.outcomes.items()
    }
    return evaluation.niveau_indicatif, evaluation.niveau_potentiel, rules


def both(faits: Any, parametres: Any = None) -> tuple[Snapshot, Snapshot]:
    facts, params = validate_input(faits, parametres, BASE)
    fast = fast_snapshot(evaluate_normalised(facts, params, BASE))
    reference = reference_snapshot(reference_evaluate(facts, params, BASE))
    return fast, reference


def assert_agree(faits: Any, parametres: Any = None) -> Snapshot:
    fast, reference = both(faits, parametres)
    assert fast[:2] == reference[:2]
    differing = {
        rule_id: (fast[2][rule_id], reference[2][rule_id])
        for rule_id in fast[2] if fast[2][rule_id] != reference[2][rule_id]
    }
    assert differing == {}
    assert set(fast[2]) == set(reference[2]) == {rule.id for rule in BASE.rules}
    return reference


@st.composite
def parameters(draw: st.DrawFn) -> dict[str, Any] | None:
    """Overrides of the configuration parameters, or none (the base's defaults)."""
    if draw(st.booleans()):
        return None
    out: dict[str, Any] = {}
    for parameter in BASE.parameters.values():
        if not draw(st.booleans()):
            continue
        if parameter.type == "entier":
            out[parameter.id] = draw(st.integers(0, 30_000))
        elif parameter.type == "booleen":
            out[parameter.id] = draw(st.booleans())
        elif parameter.type == "date":
            day = draw(st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31)))
            out[parameter.id] = day.isoformat() if day else None
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles(), parameters())
def test_fast_and_reference_evaluators_agree(profile: dict[str, Any],
                                             params: dict[str, Any] | None) -> None:
    assert_agree(profile, params)


FILES = scenario_files()


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenarios_agree(path: Path) -> None:
    scenario = load_yaml(path)
    facts, params = scenario_input(scenario)
    levels = assert_agree(facts, params)
    # The reference reproduces the fixture's expected levels on its own.
    expected = scenario["attendu"]
    assert levels[0].name == str(expected["niveau_indicatif"]).upper()
    assert levels[1].name == str(expected["niveau_potentiel"]).upper()


def test_empty_profile_agrees() -> None:
    """Nothing answered: every trigger that reads a fact is unknown."""
    indicatif, potentiel, rules = assert_agree({})
    assert rules["GEN-03"][0] == "ACTIF"
    assert potentiel >= indicatif >= Level.LIMITE
    assert any(status == "A_COMPLETER" for status, _, _ in rules.values())


def test_reference_accepts_a_raw_document() -> None:
    result = reference_evaluate_document(
        {"est_ia": "oui", "decision": "automatique"}, None, BASE
    )
    assert result.niveau_indicatif >= Level.BLOQUANT_DOCTRINE


def test_kleene_tables() -> None:
    values = (FALSE, UNKNOWN, TRUE)
    for x in values:
        assert k_not(k_not(x)) == x
        for y in values:
            # De Morgan, and the strong Kleene tables: FALSE absorbs "and", TRUE absorbs "or".
            assert k_not(k_and(x, y)) == k_or(k_not(x), k_not(y))
            assert k_and(x, y) == (FALSE if FALSE in (x, y) else
                                   UNKNOWN if UNKNOWN in (x, y) else TRUE)
            assert k_or(x, y) == (TRUE if TRUE in (x, y) else
                                  UNKNOWN if UNKNOWN in (x, y) else FALSE)
    assert k_not(UNKNOWN) == UNKNOWN


def test_partial_multiple_choice_answer() -> None:
    """{a, nsp}: « exactly {a} » is unknown, « exactly {b} » is false, « a ∈ » is true."""
    fact = next(f for f in BASE.catalogue.values()
                if f.type == "multiple_choice" and len(set(f.options) - f.exclusive) >= 2)
    a, b = [o for o in fact.options if o not in fact.exclusive][:2]
    facts, params = validate_input({fact.id: [a, "nsp"]}, None, BASE)
    walker = _Walker(BASE, facts, params)
    multiple = fact.type
    assert walker.value(FactTest(fact.id, multiple, "eq", a)) == UNKNOWN
    assert walker.value(FactTest(fact.id, multiple, "eq", b)) == FALSE
    assert walker.value(FactTest(fact.id, multiple, "inter", frozenset({a}))) == TRUE
    assert walker.value(FactTest(fact.id, multiple, "inter", frozenset({b}))) == UNKNOWN
    assert walker.value(FactTest(fact.id, multiple, "unanswered", None)) == UNKNOWN
    conjunction = All((Const(True), Not(FactTest(fact.id, multiple, "inter", frozenset({a})))))
    assert walker.value(conjunction) == FALSE
