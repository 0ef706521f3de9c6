"""The public notice of a case (issue 14): what goes in each tier, who may publish, what a
notice needs before it is published, and the frozen public content built from plain data.

Pure Python: the web layer gathers the case file and calls these functions. The public content
is built from an explicit list of fields so that nothing private (comments, opinions, evidence,
names of agents other than the responsible service and the elected officials who decided) can
reach it.

Two tiers, after the UK's Algorithmic Transparency Recording Standard and the Dutch algorithm
register: tier 1, a short notice in plain French for everyone (what the tool does, why, with
which data, who is responsible, how to reach a person, how to contest a decision); tier 2, the
detailed record (the criterion-6 answers the group selects, the main rules of the algorithm
when it founds individual decisions — CRPA L312-1-3 —, the footprint, the decision and the
follow-up reviews).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from boussole.core import roles, workflow
from boussole.core.rules import labels as rule_labels

#: Case states whose notice may never be public (the register and the notice URL ignore them).
UNPUBLISHABLE_STATES = frozenset({"refuse", "abandonne"})

#: The states of a notice.
NOTICE_STATES: Final[Mapping[str, str]] = {
    "draft": "Brouillon",
    "published": "Publiée",
    "unpublished": "Retirée",
}

#: Tier 1: the short notice for everyone (fields of the draft).
TIER1_FIELDS: Final = ("title", "summary", "purpose", "data", "responsible_service",
                       "contact", "contest", "founds_individual_decisions", "legal_basis")
#: Tier 2: the detailed record (the draft's own fields; the footprint, decision and reviews
#: come from the case file when the group includes them).
TIER2_FIELDS: Final = ("algorithm_rules", "criterion6_ids", "include_footprint",
                       "include_decision", "include_reviews")
#: The tier-1 texts the plain-language checks read.
READABLE_FIELDS: Final = ("summary", "purpose", "data", "contact", "contest")
#: Tier-1 texts a notice must have before it is published.
REQUIRED_FIELDS: Final = ("title", "summary", "purpose", "data", "responsible_service",
                          "contact", "contest")

#: French names of the fields (messages of this module).
FIELD_LABELS: Final[Mapping[str, str]] = {
    "title": "nom de l'algorithme ou du service",
    "summary": "ce que fait l'outil",
    "purpose": "pourquoi (finalité)",
    "data": "données utilisées",
    "responsible_service": "direction ou service responsable",
    "contact": "joindre une personne",
    "contest": "contester une décision, exercer vos droits",
    "legal_basis": "base légale",
    "algorithm_rules": "principales règles de l'algorithme",
    "reason": "motif du retrait",
}

#: Longest text, in characters, per field.
LIMITS: Final[Mapping[str, int]] = {
    "title": 200,
    "responsible_service": 200,
    "summary": 3_000,
    "purpose": 3_000,
    "data": 3_000,
    "contact": 1_000,
    "contest": 3_000,
    "legal_basis": 2_000,
    "algorithm_rules": 10_000,
    "reason": 2_000,
}

#: The keys of a publication's ``content``, exactly (the public register's contract).
CONTENT_KEYS: Final = (
    "reference", "organisation", "title", "summary", "purpose", "data", "responsible_service",
    "contact", "contest", "founds_individual_decisions", "legal_basis", "algorithm_rules",
    "criterion6", "legal_level", "legal_level_label", "state", "state_label", "footprint",
    "decision", "reviews", "year", "published_at", "version",
)
FOOTPRINT_KEYS: Final = ("kg_co2e_per_year", "kwh_per_year", "water_l_per_year", "summary")
DECISION_KEYS: Final = ("outcome", "outcome_label", "date", "reference", "officials",
                        "conditions")

#: The criterion of the grid on transparency and explicability.
CRITERION: Final = 6
#: Criterion-6 questions selected for publication by default, when answered: the ones that
#: speak to residents (purpose, explanation of results, limits, human control).
DEFAULT_CRITERION6: Final = ("objectif_documente", "explication_resultats", "limites_systeme",
                             "mesures_controle_effectif")
#: Values of the profile fact ``decision`` that mean the tool founds individual decisions.
INDIVIDUAL_DECISION_VALUES: Final = frozenset({"aide", "automatique"})

#: The codes of :attr:`Organisation.publishers` accepted: a role, or role:domain.
DEFAULT_PUBLISHERS: Final = "referent:juridique"


# --- who may see, edit and publish ---------------------------------------------------------

#: Roles that write the notice (the group instructing the case and its administrators).
EDITOR_ROLES: Final = frozenset({"porteur", "referent", "admin"})


def may_edit(*, role: str, internal: bool) -> bool:
    """May change the draft notice: a member of the group who sees the case's internal pages
    (elected officials and staff representatives read it; the vendor does not see it)."""
    return internal and role in EDITOR_ROLES


def parse_publishers(setting: str) -> tuple[tuple[str, str], ...]:
    """The (role, domain) pairs of the setting ("" domain: any domain of the role); unknown
    codes are ignored (see :func:`publishers_problems`)."""
    pairs: list[tuple[str, str]] = []
    for code in (setting or "").split(","):
        role, _sep, domain = code.strip().partition(":")
        role, domain = role.strip(), domain.strip()
        if role in roles.ROLES and (not domain or domain in roles.REFERENT_DOMAINS):
            pairs.append((role, domain))
    return tuple(pairs)


def publishers_problems(setting: str) -> list[str]:
    """What is wrong with a publishers setting (French), for the organisation's settings."""
    problems = []
    codes = [c.strip() for c in (setting or "").split(",") if c.strip()]
    if not codes:
        problems.append("Indiquez au moins un rôle qui peut publier les notices.")
    for code in codes:
        role, _sep, domain = code.partition(":")
        if role.strip() not in roles.ROLES:
            problems.append(f"Rôle inconnu : « {role.strip()} ».")
        elif domain.strip() and domain.strip() not in roles.REFERENT_DOMAINS:
            problems.append(f"Domaine inconnu : « {domain.strip()} ».")
    return problems


def publishers_label(setting: str) -> str:
    """The setting in French (« Référent du groupe d'experts (Juridique et protection des
    données) »)."""
    parts = []
    for role, domain in parse_publishers(setting):
        label = roles.ROLES[role]
        parts.append(f"{label} ({roles.REFERENT_DOMAINS[domain]})" if domain else label)
    return ", ".join(parts)


def may_publish(*, role: str, domain: str, setting: str, same_organisation: bool = True
                ) -> bool:
    """Has the publishing right of the organisation (its setting ``publishers``)."""
    if not same_organisation:
        return False
    return any(role == r and (not d or domain == d) for r, d in parse_publishers(setting))


def publish_refusal(*, role: str, domain: str, setting: str,
                    same_organisation: bool = True) -> str | None:
    """Why the person may not publish or unpublish (French); None: allowed."""
    if may_publish(role=role, domain=domain, setting=setting,
                   same_organisation=same_organisation):
        return None
    who = publishers_label(setting) or "personne (réglage de l'organisation à compléter)"
    return ("Vous n'avez pas le droit de publier les notices de votre organisation. "
            f"Ce droit appartient à : {who}.")


# --- validation ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    field: str | None
    message: str


def text_problems(fields: Mapping[str, Any]) -> list[Problem]:
    """Texts over their limit (whatever the state of the notice)."""
    problems = []
    for name, limit in LIMITS.items():
        value = fields.get(name)
        if isinstance(value, str) and len(value) > limit:
            problems.append(Problem(name, f"« {FIELD_LABELS[name]} » : {limit} caractères au "
                                          f"plus ({len(value)} saisis)."))
    return problems


def publish_problems(*, state: str, fields: Mapping[str, Any]) -> list[Problem]:
    """Why the notice cannot be published now (French); empty: it can. The plain-language
    checks are advice and never appear here."""
    problems: list[Problem] = []
    if state in UNPUBLISHABLE_STATES:
        problems.append(Problem(None, "Un cas refusé ou abandonné ne peut pas être publié au "
                                      f"registre (étape : {workflow.STATES.get(state, state)})."))
    for name in REQUIRED_FIELDS:
        if not str(fields.get(name) or "").strip():
            problems.append(Problem(name, f"Complétez « {FIELD_LABELS[name]} » avant de "
                                          "publier."))
    if fields.get("founds_individual_decisions") and not str(
            fields.get("algorithm_rules") or "").strip():
        problems.append(Problem("algorithm_rules",
                                "L'outil fonde des décisions individuelles : décrivez les "
                                "principales règles de l'algorithme (article L312-1-3 du code "
                                "des relations entre le public et l'administration)."))
    problems.extend(text_problems(fields))
    return problems


def unpublish_problems(*, published: bool, reason: str) -> list[Problem]:
    problems = []
    if not published:
        problems.append(Problem(None, "Cette notice n'est pas publiée."))
    if not reason.strip():
        problems.append(Problem("reason", "Indiquez le motif du retrait."))
    elif len(reason) > LIMITS["reason"]:
        problems.append(Problem("reason", f"Le motif : {LIMITS['reason']} caractères au plus."))
    return problems


# --- prefill -------------------------------------------------------------------------------

def founds_individual_decisions(facts: Mapping[str, Any]) -> bool:
    """The profile says the tool's result enters individual decisions (aid or automatic)."""
    return facts.get("decision") in INDIVIDUAL_DECISION_VALUES


def _people(facts: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    values = facts.get("personnes")
    if not isinstance(values, list):
        return ""
    names = [labels.get(v, v).lower() for v in values if v != "aucune"]
    return ", ".join(names)


def prefill(*, title: str, service: str, purpose: str, facts: Mapping[str, Any],
            criterion6: Mapping[str, str], people_labels: Mapping[str, str] | None = None
            ) -> dict[str, Any]:
    """The first draft of a notice from the case file (the group rewrites it; nothing is
    published automatically). ``criterion6``: answered criterion-6 question id → French
    answer text; ``people_labels``: option id → label of the profile fact ``personnes``."""
    founds = founds_individual_decisions(facts)
    personal = facts.get("donnees_perso")
    people = _people(facts, people_labels or {})
    if personal == "oui":
        data = "L'outil utilise des informations sur des personnes"
        data += f" ({people})." if people else "."
    elif personal == "non":
        data = "L'outil n'utilise pas d'informations sur des personnes."
    else:
        data = ""
    if founds:
        contest = ("Vous pouvez demander comment l'outil a été utilisé pour la décision qui "
                   "vous concerne, et la contester auprès du service responsable.")
    else:
        contest = ("Vous pouvez demander à voir les informations qui vous concernent, les "
                   "faire corriger ou vous opposer à leur utilisation, auprès du service "
                   "responsable.")
    return {
        "title": title[:LIMITS["title"]],
        "summary": criterion6.get("objectif_documente", "")[:LIMITS["summary"]],
        "purpose": purpose[:LIMITS["purpose"]],
        "data": data,
        "responsible_service": service[:LIMITS["responsible_service"]],
        "contact": "",
        "contest": contest,
        "founds_individual_decisions": founds,
        "legal_basis": "",
        "algorithm_rules": (criterion6.get("explication_resultats", "") if founds
                            else "")[:LIMITS["algorithm_rules"]],
        "criterion6_ids": [q for q in DEFAULT_CRITERION6 if criterion6.get(q)],
        "include_footprint": True,
        "include_decision": True,
        "include_reviews": True,
    }


# --- the public content --------------------------------------------------------------------

@dataclass(frozen=True)
class Criterion6Answer:
    id: str
    number: int
    question: str
    answer: str


@dataclass(frozen=True)
class Official:
    name: str
    delegation: str  # code of boussole.core.roles.DELEGATIONS


@dataclass(frozen=True)
class DecisionFacts:
    outcome: str  # code of workflow.DECISIONS, or ""
    date: str  # YYYY-MM-DD or ""
    reference: str
    officials: Sequence[Official]
    conditions: str


@dataclass(frozen=True)
class FootprintFacts:
    kg_co2e_per_year: float | None
    kwh_per_year: float | None
    water_l_per_year: float | None = None


@dataclass(frozen=True)
class ReviewFacts:
    date: str  # YYYY-MM-DD
    stage_label: str
    summary: str


def _text(value: Any) -> str:
    return str(value or "").strip()


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return round(float(value), 3)


def _figure(value: float) -> str:
    text = f"{value:,.0f}" if value >= 10 else f"{value:,.1f}"
    return text.replace(",", "\u202f").replace(".", ",")


def footprint_summary(footprint: FootprintFacts) -> str:
    """One French sentence for the public: emissions and energy per year."""
    parts = []
    if footprint.kg_co2e_per_year is not None:
        parts.append(f"{_figure(footprint.kg_co2e_per_year)} kg d'équivalent CO₂ par an")
    if footprint.kwh_per_year is not None:
        parts.append(f"{_figure(footprint.kwh_per_year)} kWh d'électricité par an")
    if footprint.water_l_per_year is not None:
        parts.append(f"{_figure(footprint.water_l_per_year)} litres d'eau par an")
    if not parts:
        return ""
    return "Empreinte estimée : " + ", ".join(parts) + "."


def _footprint(footprint: FootprintFacts | None) -> dict[str, Any]:
    if footprint is None:
        return {"kg_co2e_per_year": None, "kwh_per_year": None, "water_l_per_year": None,
                "summary": ""}
    return {"kg_co2e_per_year": _number(footprint.kg_co2e_per_year),
            "kwh_per_year": _number(footprint.kwh_per_year),
            "water_l_per_year": _number(footprint.water_l_per_year),
            "summary": footprint_summary(footprint)}


def _decision(decision: DecisionFacts | None) -> dict[str, Any]:
    if decision is None:
        return {"outcome": "", "outcome_label": "", "date": "", "reference": "",
                "officials": [], "conditions": ""}
    outcome = decision.outcome if decision.outcome in workflow.DECISIONS else ""
    return {"outcome": outcome,
            "outcome_label": workflow.DECISIONS.get(outcome, ""),
            "date": _text(decision.date),
            "reference": _text(decision.reference),
            "officials": [{"name": _text(o.name),
                           "delegation_label": roles.DELEGATIONS.get(o.delegation, "")}
                          for o in decision.officials],
            "conditions": _text(decision.conditions)}


def build_content(*, reference: str, organisation_slug: str, organisation_name: str,
                  fields: Mapping[str, Any], criterion6: Iterable[Criterion6Answer],
                  legal_level: str, state: str, year: int,
                  footprint: FootprintFacts | None = None,
                  decision: DecisionFacts | None = None,
                  reviews: Iterable[ReviewFacts] = (),
                  published_at: str = "", version: int = 0) -> dict[str, Any]:
    """The frozen public content of a notice, with exactly :data:`CONTENT_KEYS`.

    ``fields`` are the draft's tier-1 and tier-2 fields; only the named ones are read. The
    footprint, decision and reviews are left empty unless the draft includes them (its
    ``include_*`` flags) and the algorithm rules unless it founds individual decisions… or the
    group wrote them anyway (publishing them is allowed)."""
    include = {name: bool(fields.get(f"include_{name}", True))
               for name in ("footprint", "decision", "reviews")}
    selected = list(fields.get("criterion6_ids") or [])
    answers = {a.id: a for a in criterion6}
    content: dict[str, Any] = {
        "reference": _text(reference),
        "organisation": {"slug": _text(organisation_slug), "name": _text(organisation_name)},
        "title": _text(fields.get("title")),
        "summary": _text(fields.get("summary")),
        "purpose": _text(fields.get("purpose")),
        "data": _text(fields.get("data")),
        "responsible_service": _text(fields.get("responsible_service")),
        "contact": _text(fields.get("contact")),
        "contest": _text(fields.get("contest")),
        "founds_individual_decisions": bool(fields.get("founds_individual_decisions")),
        "legal_basis": _text(fields.get("legal_basis")),
        "algorithm_rules": _text(fields.get("algorithm_rules")),
        "criterion6": [{"id": a.id, "number": int(a.number), "question": _text(a.question),
                        "answer": _text(a.answer)}
                       for a in sorted((answers[i] for i in selected if i in answers),
                                       key=lambda a: a.number)
                       if _text(a.answer)],
        "legal_level": _text(legal_level),
        "legal_level_label": rule_labels.level_label(legal_level or None),
        "state": _text(state),
        "state_label": workflow.STATES.get(state, ""),
        "footprint": _footprint(footprint if include["footprint"] else None),
        "decision": _decision(decision if include["decision"] else None),
        "reviews": [{"date": _text(r.date), "stage_label": _text(r.stage_label),
                     "summary": _text(r.summary)}
                    for r in (reviews if include["reviews"] else ())],
        "year": int(year),
        "published_at": _text(published_at),
        "version": int(version),
    }
    assert tuple(content) == CONTENT_KEYS  # noqa: S101 — the contract's keys, in order
    return content
