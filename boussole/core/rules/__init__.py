"""Rules engine of the domain core: legal and doctrinal decision support (legal-rules.md).

The rule base is data (``boussole/data/rules/*.yaml``), checked against the facts catalogue
(the ``profile:`` of a validated grid) and compiled once per catalogue; an evaluation is pure
and fast.

Public API::

    from boussole.core.rules import evaluate, load_rule_base

    result = evaluate({"est_ia": "oui", "biometrie": ["verification"]})   # current grid
    result = evaluate(facts, params, grid=registry.get("boussole-nantes", 2))  # a case's grid
    result.niveau_indicatif        # Level.BLOQUANT_DOCTRINE
    result.to_json()               # the machine-interface JSON object

Invalid input raises :class:`boussole.core.errors.InvalidDocument` with French messages.
"""

from __future__ import annotations

from .base import (
    RuleBase,
    default_grid,
    default_rule_base,
    default_rules_dir,
    load_rule_base,
    rule_base_for,
)
from .evaluate import (
    A_COMPLETER,
    ACTIF,
    ECARTE,
    SATISFAIT,
    Evaluation,
    Flag,
    evaluate,
    evaluate_document,
    evaluate_normalised,
    validate_input,
)
from .facts import FactDef, fact_catalogue, normalize_facts
from .logic import Level

__all__ = [
    "ACTIF",
    "A_COMPLETER",
    "ECARTE",
    "SATISFAIT",
    "Evaluation",
    "FactDef",
    "Flag",
    "Level",
    "RuleBase",
    "default_grid",
    "default_rule_base",
    "default_rules_dir",
    "evaluate",
    "evaluate_document",
    "evaluate_normalised",
    "fact_catalogue",
    "load_rule_base",
    "normalize_facts",
    "rule_base_for",
    "validate_input",
]
