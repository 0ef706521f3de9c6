"""The red-line rule, checked by its principle: "je ne sais pas" never lifts a red line.

A favourable step is refused while the indicative, the potential or the retained legal level is
blocking. Whatever facts of a red-line profile are replaced by "nsp" (or left unanswered), the
case must stay blocked, and the facts to establish must be named.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from boussole.core import workflow
from boussole.core.rules import evaluate
from boussole.web.demo import BASE_FACTS, RECONNAISSANCE

#: Red-line profiles: the doctrine's examples (facial recognition, biometric verification,
#: discriminatory variables, a fully automated individual decision, an Article 5 practice).
RED_LINE_PROFILES: dict[str, dict[str, Any]] = {
    "reconnaissance_faciale": {**BASE_FACTS, **RECONNAISSANCE.facts},
    "verification_biometrique": {**BASE_FACTS, "biometrie": ["verification"]},
    "donnees_discriminatoires": {**BASE_FACTS, "donnees_sensibles": ["nationalite"],
                                 "sensibles_comme_critere": "oui", "finalite_controle": "oui"},
    "decision_automatique": {**BASE_FACTS, "decision": "automatique",
                             "sortie": "evaluation_personne"},
    "pratique_interdite": {**BASE_FACTS, "pratiques_art5": ["note_sociale"]},
}


def _triggers(facts: dict[str, Any]) -> list[str]:
    """The facts that differ from the low-risk base profile: those that make it a red line."""
    return [name for name, value in facts.items() if BASE_FACTS.get(name) != value]


@pytest.mark.parametrize("name", sorted(RED_LINE_PROFILES))
def test_the_profiles_are_red_lines(name: str) -> None:
    evaluation = evaluate(RED_LINE_PROFILES[name])
    assert evaluation.niveau_indicatif.name in workflow.BLOCKING_LEVELS, name
    assert workflow.red_line_from(evaluation).active


@pytest.mark.parametrize("name", sorted(RED_LINE_PROFILES))
@pytest.mark.parametrize("unknown", ["nsp", None])
def test_unknown_triggers_never_lift_the_red_line(name: str, unknown: str | None) -> None:
    facts = RED_LINE_PROFILES[name]
    triggers = _triggers(facts)
    assert triggers, name
    for size in range(1, len(triggers) + 1):
        for chosen in itertools.combinations(triggers, size):
            changed = dict(facts)
            for fact in chosen:
                if unknown is None:
                    changed.pop(fact)
                else:
                    changed[fact] = "nsp"
            standing = workflow.red_line_from(evaluate(changed))
            assert standing.blocks, (name, chosen)
            if not standing.active:  # only the unknown facts keep it: they are named
                assert standing.potential and standing.facts, (name, chosen)
                assert set(standing.facts) & set(chosen), (name, chosen, standing.facts)
                message = standing.problem() or ""
                assert "n'est pas levée" in message and standing.facts[0] in message


def test_the_low_risk_profile_is_not_blocked() -> None:
    standing = workflow.red_line_from(evaluate(BASE_FACTS))
    assert not standing.blocks and standing.problem() is None


def test_an_empty_profile_blocks_until_the_facts_are_established() -> None:
    standing = workflow.red_line_from(evaluate({}))
    assert standing.blocks and not standing.active
    assert {"biometrie", "decision", "pratiques_art5"} <= set(standing.facts)


def test_the_retained_level_blocks_even_when_the_facts_no_longer_do() -> None:
    standing = workflow.red_line_from(evaluate(BASE_FACTS), retained="BLOQUANT_DOCTRINE")
    assert standing.active and standing.blocks


OPEN = workflow.RedLine(potential=True, facts=("biometrie", "video"))
ACTIVE = workflow.RedLine(active=True)
NAMES = {"biometrie": "Q06", "video": "Q25"}


@pytest.mark.parametrize("standing", [OPEN, ACTIVE], ids=["unknown", "active"])
def test_every_favourable_step_is_refused(standing: workflow.RedLine) -> None:
    assert workflow.can_give_opinion(1, "favorable", standing)
    assert workflow.can_give_opinion(2, "favorable_reserves", standing)
    assert workflow.can_give_opinion(1, "defavorable", standing) is None
    assert workflow.can_give_opinion(3, "favorable", standing) is None
    assert workflow.can_record_group_opinion("favorable", standing)
    assert workflow.can_record_group_opinion("defavorable", standing) is None
    assert workflow.can_record_decision("valide", standing)
    assert workflow.can_record_decision("valide_sous_conditions", standing)
    assert workflow.can_record_decision("refuse", standing) is None
    all_valid = {"numerique": "valide", "rh": "valide", "thematique": "valide"}
    opinions = dict.fromkeys(range(1, 8), "favorable")
    for code, state in [
        ("transmettre_elus", workflow.CaseSnapshot(state="avis_groupe", red_line=standing,
                                                   group_verdict="favorable")),
        ("constater_validation", workflow.CaseSnapshot(state="decision", red_line=standing,
                                                       decisions=all_valid)),
        ("mettre_en_service", workflow.CaseSnapshot(state="information_syndicale",
                                                    red_line=standing, union_information=True,
                                                    fact_names=NAMES)),
    ]:
        problems = workflow.check(code, state, "admin")
        assert problems and "ligne rouge" in " ".join(problems), code
    imported = workflow.CaseSnapshot(state="en_instruction", red_line=standing,
                                     opinions=opinions)
    assert [path for path, _ in workflow.import_problems(imported)] == [("opinions",)] * 2


def test_the_message_names_the_facts_to_establish() -> None:
    message = workflow.can_record_decision("valide", OPEN, NAMES) or ""
    assert "Q06, Q25" in message and "profil d'identification" in message


@pytest.mark.parametrize("state", ["avis_groupe", "decision", "information_syndicale",
                                   "en_service"])
def test_states_the_document_cannot_justify_are_not_importable(state: str) -> None:
    problems = workflow.import_problems(workflow.CaseSnapshot(state=state))
    assert [path for path, _ in problems] == [("case", "state")]


@pytest.mark.parametrize("state", sorted(workflow.IMPORTABLE_STATES))
def test_instruction_and_closed_states_are_importable(state: str) -> None:
    assert workflow.import_problems(workflow.CaseSnapshot(state=state)) == []
