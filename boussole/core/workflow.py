"""The life of a case (product map §2): states, transitions, who may take them, and guards.

Pure data and functions: the web layer records *who* moved the case, *when* and *why*; this
module says whether the move is allowed and, if not, why (in French). Only people decide: no
transition is ever taken automatically, and the red lines of the doctrine forbid every
favourable path (there is no override).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from boussole.core.roles import DELEGATIONS
from boussole.core.rules import Evaluation

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

#: States in which the file can still be worked on (instruction). Later states are frozen.
OPEN_STATES = frozenset({"brouillon", "en_instruction"})
#: States in which opinions can be given or revised.
OPINION_STATES = frozenset({"en_instruction", "avis_groupe"})

#: States in which the file is presented to the staff representatives.
UNION_VISIBLE_STATES = frozenset({"information_syndicale", "en_service"})

#: States after the file was sent to the elected officials: the file is frozen.
FROZEN_STATES = frozenset({"decision", "information_syndicale", "en_service", "refuse",
                           "retire"})
#: States in which the file is not yet frozen and still on its way to the elected officials:
#: its decision memo can be previewed (marked « Projet — version non figée »).
MEMO_PREVIEW_STATES = frozenset(STATES) - FROZEN_STATES - CLOSED_STATES


def memo_preview_available(state: str) -> bool:
    """Whether the memo of a case in ``state`` can be previewed before it is frozen."""
    return state in MEMO_PREVIEW_STATES


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


#: Levels of the rules engine that are red lines of the doctrine (or of the law).
BLOCKING_LEVELS = frozenset({"BLOQUANT_DOCTRINE", "BLOQUANT_LOI"})


@dataclass(frozen=True)
class RedLine:
    """The red-line standing of a case, from its legal levels.

    The rule (no override): a favourable step — a favourable opinion on criteria 1–2, a
    favourable group opinion, a "validé" decision, the entry into service, an import in a
    favourable state — is refused while the indicative level, the *potential* level (what the
    level could be once the unknown facts are answered) or the level retained by the lawyers is
    blocking. "Je ne sais pas" never lifts a red line: the facts must be answered.
    """

    active: bool = False  # the indicative or the retained level is blocking
    potential: bool = False  # the potential level is blocking (blocking facts still unknown)
    facts: tuple[str, ...] = ()  # the unknown facts that keep the red line open, by priority

    @property
    def blocks(self) -> bool:
        return self.active or self.potential

    def problem(self, names: Mapping[str, str] | None = None) -> str | None:
        """Why favourable steps are refused (French), or ``None`` when none is. ``names``
        gives a readable name for each fact id (e.g. its question)."""
        if self.active:
            return ("Une ligne rouge de la doctrine est active : le dossier est irrecevable en "
                    "l'état. Aucun avis favorable ni aucune validation n'est possible.")
        if self.potential:
            message = ("Une ligne rouge de la doctrine n'est pas levée : des faits qui peuvent "
                       "la déclencher sont sans réponse ou « je ne sais pas ». Aucun avis "
                       "favorable ni aucune validation n'est possible tant qu'ils ne sont pas "
                       "établis.")
            if self.facts:
                shown = [(names or {}).get(fact, fact) for fact in self.facts]
                message += (" Faits à renseigner dans le profil d'identification : "
                            + ", ".join(shown) + ".")
            return message
        return None


def red_line(indicative: str | None, potential: str | None, retained: str | None = None,
             facts: tuple[str, ...] = ()) -> RedLine:
    """The red-line standing from the rules engine's indicative and potential levels and the
    level the lawyers retained (level names, e.g. ``"BLOQUANT_LOI"``)."""
    return RedLine(active=indicative in BLOCKING_LEVELS or retained in BLOCKING_LEVELS,
                   potential=potential in BLOCKING_LEVELS,
                   facts=tuple(facts) if potential in BLOCKING_LEVELS else ())


def red_line_from(evaluation: Evaluation, retained: str | None = None) -> RedLine:
    """The red-line standing of an evaluation of the rules engine and the retained level; the
    facts listed are the unknown ones that could make a rule blocking, most urgent first."""
    facts = tuple(entry["fait"] for entry in evaluation.a_completer_en_priorite()
                  if entry["niveau_potentiel"] in BLOCKING_LEVELS)
    return red_line(evaluation.niveau_indicatif.name, evaluation.niveau_potentiel.name,
                    retained, facts)


def _as_red_line(value: RedLine | bool) -> RedLine:
    return value if isinstance(value, RedLine) else RedLine(active=bool(value))


@dataclass(frozen=True)
class CaseSnapshot:
    """What the guards need to know about a case."""

    state: str
    opinions: Mapping[int, str] = field(default_factory=dict)  # criterion -> verdict
    red_line: RedLine | bool = False  # the red-line standing (a bool means "active")
    legal_level_retained: bool = False  # the lawyers recorded the retained level
    group_verdict: str | None = None  # the consolidated opinion of the group
    decisions: Mapping[str, str] = field(default_factory=dict)  # delegation -> decision
    required_delegations: tuple[str, ...] = DEFAULT_DELEGATIONS
    union_information: bool = False  # the information of the unions is recorded
    has_reason: bool = False  # the person gave a reason for the move
    fact_names: Mapping[str, str] = field(default_factory=dict)  # for the red-line message
    #: Criteria with no named referent (the launch of the instruction needs one on each).
    missing_referents: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "red_line", _as_red_line(self.red_line))

    @property
    def standing(self) -> RedLine:
        return _as_red_line(self.red_line)


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
    if code == "lancer_instruction" and case.missing_referents:
        problems.append("Nommez au moins un·e référent·e pour chaque critère avant de lancer "
                        "l'instruction : critère(s) "
                        + ", ".join(map(str, case.missing_referents)) + " sans référent·e.")
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
        elif case.standing.blocks and case.group_verdict in FAVOURABLE_VERDICTS:
            problems.append(_red_line_problem(case))
    if code == "constater_validation":
        outcome = political_outcome(case.decisions, case.required_delegations)
        if case.standing.blocks:
            problems.append(_red_line_problem(case))
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
        if case.standing.blocks:
            problems.append(_red_line_problem(case))
    return problems


def _red_line_problem(case: CaseSnapshot) -> str:
    return case.standing.problem(case.fact_names) or ""


def _outcome_problem(outcome: str | None, case: CaseSnapshot) -> str:
    if outcome is None:
        missing = [d for d in case.required_delegations if d not in case.decisions]
        return ("Décision(s) des élus attendue(s) : "
                + ", ".join(DELEGATIONS.get(d, d) for d in missing) + ".")
    return f"La décision des élus est « {DECISIONS[outcome]} »."


#: Roles that take a transition only on the cases they lead (``is_lead``).
LEAD_ROLES = frozenset({"porteur"})


def role_allowed(transition: Transition, role: str, domain: str = "", *,
                 is_lead: bool = False) -> bool:
    """May this person take the transition? A ``porteur`` only on a case they lead."""
    if role in LEAD_ROLES and not is_lead:
        return False
    return role in transition.roles or f"{role}:{domain}" in transition.roles


def available(case: CaseSnapshot, role: str, domain: str = "", *,
              is_lead: bool = False) -> list[Transition]:
    """Transitions from the case's state that the person may take (guards not checked)."""
    return [t for t in TRANSITIONS.values()
            if case.state in t.sources and role_allowed(t, role, domain, is_lead=is_lead)]


def check(code: str, case: CaseSnapshot, role: str, domain: str = "", *,
          is_lead: bool = False) -> list[str]:
    """All the reasons why the person cannot take transition ``code`` now (empty: allowed).
    ``is_lead``: the person leads (or created) the case."""
    transition = TRANSITIONS.get(code)
    if transition is None:
        return [f"Action inconnue : {code}."]
    if not role_allowed(transition, role, domain, is_lead=is_lead):
        if role in LEAD_ROLES and role_allowed(transition, role, domain, is_lead=True):
            return ["Seul·e le·la chef·fe de projet de ce dossier peut faire cette action "
                    "(ou le pilote du projet numérique)."]
        return ["Votre rôle ne permet pas cette action."]
    return guard_problems(transition, case)


def can_record_group_opinion(verdict: str, red_line: RedLine | bool,
                             names: Mapping[str, str] | None = None) -> str | None:
    """A red line (active or not lifted) allows only an unfavourable consolidated opinion."""
    if verdict not in GROUP_VERDICTS:
        return "Avis inconnu."
    standing = _as_red_line(red_line)
    if standing.blocks and verdict in FAVOURABLE_VERDICTS:
        return (standing.problem(names) or "") + " Seul un avis défavorable est possible."
    return None


def can_record_decision(decision: str, red_line: RedLine | bool,
                        names: Mapping[str, str] | None = None) -> str | None:
    """A red line (active or not lifted) forbids any favourable political decision."""
    if decision not in DECISIONS:
        return "Décision inconnue."
    standing = _as_red_line(red_line)
    if standing.blocks and decision in FAVOURABLE_DECISIONS:
        return standing.problem(names)
    return None


#: Criteria whose opinion can only be unfavourable under a red line (biometrics,
#: discriminatory data: criterion 1; legal analysis: criterion 2).
RED_LINE_CRITERIA = frozenset({1, 2})


def can_give_opinion(criterion: int, verdict: str, red_line: RedLine | bool,
                     names: Mapping[str, str] | None = None) -> str | None:
    """A red line (active or not lifted) allows only an unfavourable opinion on criteria 1–2."""
    standing = _as_red_line(red_line)
    if criterion in RED_LINE_CRITERIA and standing.blocks and verdict != "defavorable":
        return (standing.problem(names) or "") + (" L'avis sur ce critère ne peut être que "
                                                  "défavorable.")
    return None


#: States a case document (``boussole-case/1``) can be imported in. The document carries the
#: answers, opinions, assignments, comments, evidence and journal, but not the lawyers'
#: retained level, the group opinion, the frozen versions, the decisions or the trade-union
#: information: a state that needs them could not be reached by the web, so it is refused.
IMPORTABLE_STATES = frozenset({"brouillon", "en_instruction", "ajourne", "abandonne", "refuse",
                               "retire"})


def import_problems(case: CaseSnapshot, names: Mapping[str, str] | None = None
                    ) -> list[tuple[tuple[str, ...], str]]:
    """Why an imported case cannot be stored as it is (the same rules as the web): its state
    must be reachable without records the document does not carry, and a red line forbids
    favourable opinions on criteria 1–2. Each problem comes with the path of the document it
    is about."""
    problems: list[tuple[tuple[str, ...], str]] = []
    if case.state not in IMPORTABLE_STATES:
        problems.append((("case", "state"),
            f"un dossier à l'étape « {STATES.get(case.state, case.state)} » ne peut pas être "
            "importé : le document ne contient ni le niveau juridique retenu, ni l'avis du "
            "groupe, ni les versions figées, ni les décisions des élus. Étapes acceptées : "
            + ", ".join(f"« {STATES[s]} »" for s in STATES if s in IMPORTABLE_STATES) + "."))
    for criterion, verdict in sorted(case.opinions.items()):
        problem = can_give_opinion(criterion, verdict, case.standing, names)
        if problem:
            problems.append((("opinions",), f"avis sur le critère {criterion} : {problem}"))
    return problems
