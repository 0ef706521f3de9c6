"""The life of a case (product map §2): states, transitions, who may take them, and guards.

Pure data and functions: the web layer records *who* moved the case, *when* and *why*; this
module says whether the move is allowed and, if not, why (in French). Only people decide: no
transition is ever taken automatically, and the red lines of the doctrine forbid every
favourable path (there is no override).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

STATES: Mapping[str, str] = {
    "brouillon": "Brouillon",
    "en_instruction": "En instruction",
    "avis_groupe": "Avis du groupe",
    "decision": "Décision des élus",
    "information_syndicale": "Information syndicale",
    "en_service": "En service — suivi",
    "ajourne": "Ajourné",
    "refuse": "Refusé",
    "abandonne": "Abandonné",
    "retire": "Retiré",
}

CLOSED_STATES = frozenset({"refuse", "abandonne", "retire"})

#: States in which the file is presented to the staff representatives.
UNION_VISIBLE_STATES = frozenset({"information_syndicale", "en_service"})

#: States after the file was sent to the elected officials: the file is frozen.
FROZEN_STATES = frozenset({"decision", "information_syndicale", "en_service", "refuse",
                           "retire"})

CRITERIA = tuple(range(1, 8))

#: Political decisions, and the group's opinion verdicts.
DECISIONS: Mapping[str, str] = {
    "valide": "Validé",
    "valide_sous_conditions": "Validé sous conditions",
    "ajourne": "Ajourné",
    "refuse": "Refusé",
}
FAVOURABLE_DECISIONS = frozenset({"valide", "valide_sous_conditions"})
GROUP_VERDICTS: Mapping[str, str] = {
    "favorable": "Favorable",
    "favorable_reserves": "Favorable avec réserves",
    "defavorable": "Défavorable",
}
FAVOURABLE_VERDICTS = frozenset({"favorable", "favorable_reserves"})

#: The elected officials whose decision is required, by default (the organisation may change it).
DEFAULT_DELEGATIONS = ("numerique", "rh", "thematique")


@dataclass(frozen=True)
class CaseSnapshot:
    """What the guards need to know about a case."""

    state: str
    opinions: Mapping[int, str] = field(default_factory=dict)  # criterion -> verdict
    red_line: bool = False  # an active BLOQUANT flag of the rules engine
    legal_level_retained: bool = False  # the lawyers recorded the retained level
    group_verdict: str | None = None  # the consolidated opinion of the group
    decisions: Mapping[str, str] = field(default_factory=dict)  # delegation -> decision
    required_delegations: tuple[str, ...] = DEFAULT_DELEGATIONS
    union_information: bool = False  # the information of the unions is recorded
    has_reason: bool = False  # the person gave a reason for the move


@dataclass(frozen=True)
class Transition:
    code: str
    label: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]  # "role" or "role:domain"
    needs_reason: bool = False


def _t(code: str, label: str, sources: set[str], target: str, roles: set[str],
       needs_reason: bool = False) -> Transition:
    return Transition(code, label, frozenset(sources), target, frozenset(roles), needs_reason)


PILOT = {"referent:numerique", "admin"}
TRANSITIONS: Mapping[str, Transition] = {t.code: t for t in (
    _t("lancer_instruction", "Lancer l'instruction", {"brouillon"}, "en_instruction",
       {"porteur", *PILOT}),
    _t("consolider_avis", "Consolider l'avis du groupe", {"en_instruction"}, "avis_groupe",
       PILOT),
    _t("reprendre_instruction", "Reprendre l'instruction", {"avis_groupe", "ajourne"},
       "en_instruction", PILOT, needs_reason=True),
    _t("transmettre_elus", "Transmettre aux élus pour décision", {"avis_groupe"}, "decision",
       PILOT),
    _t("constater_validation", "Constater la validation des élus", {"decision"},
       "information_syndicale", PILOT),
    _t("constater_ajournement", "Constater l'ajournement", {"decision"}, "ajourne", PILOT),
    _t("constater_refus", "Constater le refus", {"decision"}, "refuse", PILOT),
    _t("mettre_en_service", "Mettre en service (information syndicale faite)",
       {"information_syndicale"}, "en_service", {"porteur", *PILOT}),
    _t("rouvrir_instruction", "Rouvrir l'instruction (changement substantiel)", {"en_service"},
       "en_instruction", {"porteur", *PILOT}, needs_reason=True),
    _t("abandonner", "Abandonner le projet",
       {"brouillon", "en_instruction", "avis_groupe", "ajourne"}, "abandonne",
       {"porteur", *PILOT}, needs_reason=True),
    _t("retirer", "Retirer le système du service", {"en_service"}, "retire",
       {"porteur", *PILOT}, needs_reason=True),
)}


def political_outcome(decisions: Mapping[str, str],
                      required: tuple[str, ...] = DEFAULT_DELEGATIONS) -> str | None:
    """The case's decision under the default rule: all required officials must validate; any
    refusal refuses; otherwise any postponement postpones. ``None`` while a decision is
    missing (and nobody refused)."""
    given = [decisions.get(delegation) for delegation in required]
    if "refuse" in given:
        return "refuse"
    if None in given:
        return None
    if "ajourne" in given:
        return "ajourne"
    if "valide_sous_conditions" in given:
        return "valide_sous_conditions"
    return "valide"


def guard_problems(transition: Transition, case: CaseSnapshot) -> list[str]:
    """Why the transition cannot be taken now (empty list: it can)."""
    problems: list[str] = []
    if case.state not in transition.sources:
        problems.append(f"Le dossier est à l'étape « {STATES[case.state]} » : cette action "
                        "n'est pas possible à cette étape.")
        return problems
    if transition.needs_reason and not case.has_reason:
        problems.append("Indiquez le motif de cette décision.")
    code = transition.code
    if code == "consolider_avis":
        missing = [n for n in CRITERIA if n not in case.opinions]
        if missing:
            problems.append("Il manque l'avis du groupe sur le(s) critère(s) "
                            + ", ".join(map(str, missing)) + ".")
        if not case.legal_level_retained:
            problems.append("Les juristes n'ont pas encore retenu le niveau de risque "
                            "juridique.")
    if code == "transmettre_elus":
        if case.group_verdict is None:
            problems.append("L'avis consolidé du groupe n'est pas rédigé.")
        elif case.red_line and case.group_verdict in FAVOURABLE_VERDICTS:
            problems.append("Une ligne rouge de la doctrine est active : l'avis du groupe ne "
                            "peut être que défavorable (irrecevable en l'état).")
    if code == "constater_validation":
        outcome = political_outcome(case.decisions, case.required_delegations)
        if case.red_line:
            problems.append("Une ligne rouge de la doctrine est active : le dossier est "
                            "irrecevable en l'état, aucune validation n'est possible.")
        elif outcome not in FAVOURABLE_DECISIONS:
            problems.append(_outcome_problem(outcome, case))
    if code in ("constater_ajournement", "constater_refus"):
        wanted = "ajourne" if code == "constater_ajournement" else "refuse"
        outcome = political_outcome(case.decisions, case.required_delegations)
        if outcome != wanted:
            problems.append(_outcome_problem(outcome, case))
    if code == "mettre_en_service":
        if not case.union_information:
            problems.append("L'information des organisations syndicales doit être enregistrée "
                            "avant la mise en service.")
        if case.red_line:
            problems.append("Une ligne rouge de la doctrine est active : mise en service "
                            "impossible.")
    return problems


def _outcome_problem(outcome: str | None, case: CaseSnapshot) -> str:
    if outcome is None:
        missing = [d for d in case.required_delegations if d not in case.decisions]
        return ("Décision(s) des élus attendue(s) : " + ", ".join(missing) + ".")
    return f"La décision des élus est « {DECISIONS[outcome]} »."


def role_allowed(transition: Transition, role: str, domain: str = "") -> bool:
    return role in transition.roles or f"{role}:{domain}" in transition.roles


def available(case: CaseSnapshot, role: str, domain: str = "") -> list[Transition]:
    """Transitions from the case's state that the role may take (guards not checked)."""
    return [t for t in TRANSITIONS.values()
            if case.state in t.sources and role_allowed(t, role, domain)]


def check(code: str, case: CaseSnapshot, role: str, domain: str = "") -> list[str]:
    """All the reasons why ``role`` cannot take transition ``code`` now (empty: allowed)."""
    transition = TRANSITIONS.get(code)
    if transition is None:
        return [f"Action inconnue : {code}."]
    if not role_allowed(transition, role, domain):
        return ["Votre rôle ne permet pas cette action."]
    return guard_problems(transition, case)


def can_record_group_opinion(verdict: str, red_line: bool) -> str | None:
    """A red line allows only an unfavourable consolidated opinion ("irrecevable")."""
    if verdict not in GROUP_VERDICTS:
        return "Avis inconnu."
    if red_line and verdict in FAVOURABLE_VERDICTS:
        return ("Une ligne rouge de la doctrine est active : seul un avis défavorable "
                "(irrecevable en l'état) est possible.")
    return None


def can_record_decision(decision: str, red_line: bool) -> str | None:
    """A red line forbids any favourable political decision."""
    if decision not in DECISIONS:
        return "Décision inconnue."
    if red_line and decision in FAVOURABLE_DECISIONS:
        return ("Une ligne rouge de la doctrine est active : le dossier est irrecevable en "
                "l'état, il ne peut pas être validé.")
    return None
