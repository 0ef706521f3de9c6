"""Scenario fixtures (legal-rules §8.0): loading, defaults, expected versus actual flag sets."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from boussole.core.documents import load_data_yaml as _load_yaml
from boussole.core.rules import Evaluation, default_rule_base, evaluate

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE / "scenarios"
DEFAULTS = HERE / "defaults.yaml"

#: Systematic INFO flags, not repeated in the scenarios (§8.0).
SYSTEMATIC = frozenset({"GEN-03", "TR-05", "GEN-04", "NIS2-01"})
STATUS_KEYS = ("A_COMPLETER", "SATISFAIT")


def load_yaml(path: Path) -> Any:
    return _load_yaml(path.read_text(encoding="utf-8"))


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Deep merge: mappings are merged, anything else (lists included) is replaced."""
    out = copy.deepcopy(dict(base))
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def defaults() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(DEFAULTS)
    return data


def scenario_files() -> list[Path]:
    return sorted(SCENARIOS.glob("*.yaml"))


def scenario_input(scenario: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The full facts and parameters of a scenario (defaults + deviations)."""
    base = defaults()
    facts = merge(base["faits"], scenario.get("faits") or {})
    params = merge(base["parametres"], scenario.get("parametres") or {})
    return facts, params


def run(scenario: Mapping[str, Any], **params: Any) -> Evaluation:
    facts, parameters = scenario_input(scenario)
    parameters.update(params)
    return evaluate(facts, parameters, base=default_rule_base())


def actual_sets(evaluation: Evaluation) -> dict[str, set[str]]:
    """Flag ids grouped like the fixtures: ACTIF flags by level, then A_COMPLETER, SATISFAIT."""
    out: dict[str, set[str]] = {}
    for outcome in evaluation.outcomes:
        if outcome.rule.id in SYSTEMATIC:
            continue
        key = outcome.niveau.name if outcome.statut == "ACTIF" else outcome.statut
        out.setdefault(key, set()).add(outcome.rule.id)
    return out


def expected_sets(scenario: Mapping[str, Any]) -> dict[str, set[str]]:
    flags = scenario["attendu"].get("flags") or {}
    return {str(key).upper(): set(ids) for key, ids in flags.items() if ids}
