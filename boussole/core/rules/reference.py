"""A plain reference evaluator, kept beside the fast one (:mod:`.evaluate`) to check it.

Deliberately simple and slow: it walks the parsed expression trees of the rule base
recursively, with the textbook Kleene connectives defined below, and recomputes every derived
predicate and every referenced rule from scratch each time it is needed (no slots, no compiled
closures, no caching, no packing). It shares only data with the fast evaluator: the rule base
(its parsed trees, levels and escalations) and the normalised facts and parameters.

Semantics (legal-rules §9.3):

* truth values FALSE = 0 < UNKNOWN = 1 < TRUE = 2; ``and`` = min, ``or`` = max,
  ``not`` = 2 - x;
* an atomic test on a missing fact (absent or « nsp ») is UNKNOWN; on a partial multiple-choice
  answer (some options ticked, plus « nsp »), it is TRUE or FALSE when every completion of the
  answer agrees, else UNKNOWN;
* ``count_ge(k)``: TRUE if #TRUE ≥ k, UNKNOWN if #TRUE + #UNKNOWN ≥ k, else FALSE;
  ``count_eq(k)`` = ``count_ge(k) and not count_ge(k + 1)``;
* rule status: trigger FALSE → ECARTE; else SATISFAIT if ``satisfait_si`` is TRUE, else ACTIF
  (trigger TRUE) or A_COMPLETER (trigger UNKNOWN);
* level: escalations are tried in order, the first TRUE one wins (else the default level); the
  potential level is the highest level any completion of the unknown answers could select;
* ``niveau_indicatif`` = max over ACTIF levels, ``niveau_potentiel`` = max over the potential
  levels of ACTIF and A_COMPLETER rules, both at least LIMITE;
* rules reading the aggregated level (``niveau_ge``) are evaluated after the other rules,
  against the levels those give; the final levels are then aggregated over every rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from .base import Rule, RuleBase
from .evaluate import validate_input
from .expr import (
    All,
    AnyOf,
    Const,
    Counter,
    CountTest,
    DatePassed,
    FactTest,
    LevelTest,
    Node,
    Not,
    ParamTest,
    Ref,
)
from .facts import MULTIPLE, NSP, Facts
from .logic import Level

FALSE: Final = 0
UNKNOWN: Final = 1
TRUE: Final = 2

ACTIF: Final = "ACTIF"
A_COMPLETER: Final = "A_COMPLETER"
SATISFAIT: Final = "SATISFAIT"
ECARTE: Final = "ECARTE"


def k_and(*values: int) -> int:
    """Kleene conjunction: the minimum (TRUE for no operand)."""
    return min(values, default=TRUE)


def k_or(*values: int) -> int:
    """Kleene disjunction: the maximum (FALSE for no operand)."""
    return max(values, default=FALSE)


def k_not(value: int) -> int:
    """Kleene negation: swaps TRUE and FALSE, keeps UNKNOWN."""
    return TRUE - value


def known(certain: bool, possible: bool) -> int:
    """TRUE if the test certainly holds, FALSE if it cannot hold, else UNKNOWN."""
    if certain:
        return TRUE
    return UNKNOWN if possible else FALSE


def k_count_ge(values: list[int], k: int) -> int:
    n_true = sum(1 for value in values if value == TRUE)
    n_unknown = sum(1 for value in values if value == UNKNOWN)
    return known(n_true >= k, n_true + n_unknown >= k)


@dataclass(frozen=True)
class ReferenceOutcome:
    """One rule's outcome (ECARTE rules included)."""

    rule_id: str
    statut: str
    niveau: Level
    niveau_potentiel: Level


@dataclass(frozen=True)
class ReferenceEvaluation:
    niveau_indicatif: Level
    niveau_potentiel: Level
    outcomes: dict[str, ReferenceOutcome]


class _Walker:
    """Evaluates expression trees for one profile."""

    def __init__(self, base: RuleBase, facts: Facts, params: Mapping[str, Any]) -> None:
        self.facts = facts
        self.params = params
        self.derived = {d.id: d.body for d in base.derived}
        self.rules = {r.id: r for r in base.rules}
        # Aggregated levels for ``niveau_ge`` (set between the two passes).
        self.levels: tuple[Level, Level] | None = None

    def value(self, node: Node) -> int:
        if isinstance(node, Const):
            return TRUE if node.value else FALSE
        if isinstance(node, All):
            return k_and(*(self.value(item) for item in node.items))
        if isinstance(node, AnyOf):
            return k_or(*(self.value(item) for item in node.items))
        if isinstance(node, Not):
            return k_not(self.value(node.item))
        if isinstance(node, FactTest):
            return self.fact_test(node)
        if isinstance(node, ParamTest):
            return self.param_test(node)
        if isinstance(node, DatePassed):
            end = self.params.get(node.param)
            if not isinstance(end, dt.date):
                return FALSE
            today = self.params.get("date_evaluation")
            if not isinstance(today, dt.date):
                today = dt.date.today()
            return TRUE if today > end else FALSE
        if isinstance(node, Ref):
            if node.kind == "derived":
                return self.value(self.derived[node.target])
            return self.value(self.rules[node.target].declencheur)
        if isinstance(node, CountTest):
            counter = self.derived[node.counter]
            if not isinstance(counter, Counter):
                raise TypeError(f"« {node.counter} » n'est pas un compteur")
            values = [self.value(item) for item in counter.items]
            at_least = k_count_ge(values, node.k)
            if node.op == "count_ge":
                return at_least
            return k_and(at_least, k_not(k_count_ge(values, node.k + 1)))
        if isinstance(node, LevelTest):
            if self.levels is None:
                raise ValueError("niveau_ge évalué avant l'agrégation des niveaux")
            indicatif, potentiel = self.levels
            return known(indicatif >= node.level, potentiel >= node.level)
        raise TypeError(f"expression inconnue : {type(node).__name__}")

    def fact_test(self, node: FactTest) -> int:
        answer = self.facts.get(node.fact)
        if node.op == "unanswered":
            if answer is None:
                return UNKNOWN
            partial = isinstance(answer, frozenset) and NSP in answer
            return UNKNOWN if partial else FALSE
        if answer is None:
            return UNKNOWN
        if node.fact_type == MULTIPLE:
            if not isinstance(answer, frozenset):
                raise TypeError(f"réponse invalide pour « {node.fact} »")
            ticked = answer - {NSP}
            complete = NSP not in answer
            # The real answer is ``ticked`` plus, when partial, some options not yet known.
            if node.op == "eq":
                wanted = {node.operand}
                return known(complete and ticked == wanted, ticked <= wanted)
            if node.op == "inter":
                hit = bool(ticked & node.operand)
                return known(hit, hit or not complete)
            raise ValueError(f"test « {node.op} » sur un fait à choix multiple")
        if node.op == "eq":
            return TRUE if answer == node.operand else FALSE
        if node.op == "ne":
            return FALSE if answer == node.operand else TRUE
        if node.op == "inter":
            return TRUE if answer in node.operand else FALSE
        if not isinstance(answer, int):
            raise TypeError(f"réponse invalide pour « {node.fact} »")
        if node.op == "ge":
            return TRUE if answer >= node.operand else FALSE
        if node.op == "le":
            return TRUE if answer <= node.operand else FALSE
        raise ValueError(f"test inconnu « {node.op} »")

    def param_test(self, node: ParamTest) -> int:
        value = self.params.get(node.param)
        if value is None:
            return UNKNOWN
        if node.op == "bool":
            return TRUE if value else FALSE
        if node.operand is None:
            raise ValueError(f"test « {node.op} » sans borne")
        if node.op == "ge":
            return TRUE if value >= node.operand else FALSE
        return TRUE if value <= node.operand else FALSE

    def outcome(self, rule: Rule) -> ReferenceOutcome:
        trigger = self.value(rule.declencheur)
        default = rule.niveau
        if trigger == FALSE:
            return ReferenceOutcome(rule.id, ECARTE, default, default)
        satisfied = self.value(rule.satisfait_si) if rule.satisfait_si is not None else FALSE
        if satisfied == TRUE:
            statut = SATISFAIT
        elif trigger == TRUE:
            statut = ACTIF
        else:
            statut = A_COMPLETER
        # First match wins: the level is that of the first TRUE escalation; every UNKNOWN
        # escalation before it could still be the first match.
        level = default
        could_win: list[Level] = []
        for escalation in rule.niveau_si:
            condition = self.value(escalation.condition)
            if condition == TRUE:
                level = escalation.niveau
                break
            if condition == UNKNOWN:
                could_win.append(escalation.niveau)
        return ReferenceOutcome(rule.id, statut, level, max([level, *could_win]))


def _aggregate(outcomes: list[ReferenceOutcome]) -> tuple[Level, Level]:
    indicatif = max(
        [o.niveau for o in outcomes if o.statut == ACTIF] + [Level.LIMITE]
    )
    potentiel = max(
        [o.niveau_potentiel for o in outcomes if o.statut in (ACTIF, A_COMPLETER)]
        + [Level.LIMITE]
    )
    return indicatif, potentiel


def _reads_level(node: Node) -> bool:
    if isinstance(node, LevelTest):
        return True
    return any(_reads_level(child) for child in node.children())


def reference_evaluate(
    facts: Facts, params: Mapping[str, Any], base: RuleBase
) -> ReferenceEvaluation:
    """Evaluate normalised ``facts`` and ``params`` (see :func:`.evaluate.validate_input`)."""
    walker = _Walker(base, facts, params)
    later = [rule for rule in base.rules if _reads_level(rule.declencheur)]
    later_ids = {rule.id for rule in later}
    first = [walker.outcome(rule) for rule in base.rules if rule.id not in later_ids]
    walker.levels = _aggregate(first)
    outcomes = first + [walker.outcome(rule) for rule in later]
    indicatif, potentiel = _aggregate(outcomes)
    by_id = {o.rule_id: o for o in outcomes}
    return ReferenceEvaluation(
        indicatif, potentiel, {rule.id: by_id[rule.id] for rule in base.rules}
    )


def reference_evaluate_document(
    faits: Any, parametres: Any, base: RuleBase, *, date: dt.date | None = None
) -> ReferenceEvaluation:
    """Validate raw ``faits`` / ``parametres`` as the fast evaluator does, then evaluate."""
    facts, params = validate_input(faits, parametres, base, date=date)
    return reference_evaluate(facts, params, base)
