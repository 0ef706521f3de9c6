"""Who is told what, when something waits for someone (issue 12, item 2).

One table: each event code has a French message, the rule that picks its recipients from the
facts of the case, the states in which it still waits for someone, and the things done that
clear it. Pure data and functions: the web layer reads the case into :class:`CaseFacts`, calls
:func:`recipients` and :func:`message`, stores the notifications and sends the e-mails.

Nobody is ever notified of their own action (the actor is removed from every list), and only
active people of the case's organisation are notified. The vendor is told nothing of the
organisation's internal discussions (comments, mentions, opinions).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from boussole.core.surveys import may_manage as may_manage_surveys
from boussole.core.workflow import DECISIONS, GROUP_VERDICTS, STATES


@dataclass(frozen=True)
class Person:
    """One active person of the case's organisation."""

    id: int
    role: str
    domain: str = ""
    delegation: str = ""
    username: str = ""
    full_name: str = ""


@dataclass(frozen=True)
class CaseFacts:
    """What the recipient rules need to know about a case."""

    people: tuple[Person, ...]  # the active people of the case's organisation
    lead: int | None = None  # the case's project lead
    referents: Mapping[int, Collection[int]] = field(default_factory=dict)  # criterion -> ids
    required_delegations: tuple[str, ...] = ()  # the organisation's decision rule
    state: str = ""


@dataclass(frozen=True)
class EventContext:
    """What happened: who did it, and on what."""

    actor: int | None = None
    criterion: int | None = None
    targets: tuple[int, ...] = ()  # the people the event is about (named, mentioned, authors)
    verdict: str = ""  # an opinion's verdict
    outcome: str = ""  # the elected officials' decision
    state: str = ""  # the case's new state
    due: str = ""  # a measure's due date, as the message shows it (dd/mm/yyyy)


Rule = Callable[[CaseFacts, EventContext], Collection[int]]


@dataclass(frozen=True)
class Event:
    code: str
    label: str  # French label of the event
    template: str  # French message; fields: criterion, verdict, outcome, state
    rule: Rule
    #: Case states in which the event still waits for someone; outside them it is cleared.
    open_states: frozenset[str]
    #: Something done that clears it: done code -> "all" (every recipient), "actor" (only the
    #: person who did it) or "targets" (only the people it was about). The notification is
    #: cleared for the same topic (e.g. the same criterion) only.
    cleared_by: Mapping[str, str] = field(default_factory=dict)
    #: Does it wait for an action? (An information is done once read.)
    actionable: bool = True
    internal: bool = True  # never sent to the vendor


def _with(facts: CaseFacts, *, role: str, domain: str = "") -> set[int]:
    return {p.id for p in facts.people
            if p.role == role and (not domain or p.domain == domain)}


def _lead(facts: CaseFacts) -> set[int]:
    return {facts.lead} if facts.lead is not None else set()


def _pilots(facts: CaseFacts) -> set[int]:
    """The digital project pilots, who steer the instruction."""
    return _with(facts, role="referent", domain="numerique")


def _named(facts: CaseFacts) -> set[int]:
    return {person for ids in facts.referents.values() for person in ids}


def _targets(facts: CaseFacts, context: EventContext) -> set[int]:
    return set(context.targets)


def _launched(facts: CaseFacts, context: EventContext) -> set[int]:
    """Every referent named on a criterion, the legal referents and the CISO, and the lead."""
    return (_named(facts) | _with(facts, role="referent", domain="juridique")
            | _with(facts, role="referent", domain="cybersecurite") | _lead(facts))


def _reserved_opinion(facts: CaseFacts, context: EventContext) -> set[int]:
    if context.verdict not in ("defavorable", "favorable_reserves"):
        return set()
    return _lead(facts)


def _officials(facts: CaseFacts, context: EventContext) -> set[int]:
    return {p.id for p in facts.people
            if p.role == "elu" and p.delegation in facts.required_delegations}


def _outcome(facts: CaseFacts, context: EventContext) -> set[int]:
    return _pilots(facts) | _lead(facts)


def _union(facts: CaseFacts, context: EventContext) -> set[int]:
    return _lead(facts) | _with(facts, role="representant_personnel")


def _review(facts: CaseFacts, context: EventContext) -> set[int]:
    return _lead(facts) | _with(facts, role="referent", domain="juridique")


def _stage(facts: CaseFacts, context: EventContext) -> set[int]:
    return _lead(facts)


def _group(facts: CaseFacts, context: EventContext) -> set[int]:
    return _pilots(facts)


def _owner_or_lead(facts: CaseFacts, context: EventContext) -> set[int]:
    """A measure's owner; the lead when the owner is someone outside Boussole."""
    return set(context.targets) or _lead(facts)


def _in_charge_and_lead(facts: CaseFacts, context: EventContext) -> set[int]:
    """A follow-up review's person in charge, and the lead."""
    return set(context.targets) | _lead(facts)


def _survey_managers(facts: CaseFacts, context: EventContext) -> set[int]:
    """The HR / working-conditions referents, who may open and close the survey rounds."""
    return {p.id for p in facts.people
            if p.domain == "rh_qvt" and may_manage_surveys(p.role, p.domain)}


def _waiting_officials(facts: CaseFacts, context: EventContext) -> set[int]:
    """The required officials among the targets: those who have not decided yet."""
    return _officials(facts, context) & set(context.targets)


INSTRUCTION = frozenset({"brouillon", "en_instruction"})
OPINIONS = frozenset({"en_instruction", "avis_groupe"})
NOT_CLOSED = frozenset(STATES) - {"refuse", "abandonne", "retire"}

EVENTS: Mapping[str, Event] = {e.code: e for e in (
    Event("assignment", "Désignation sur un critère",
          "Vous êtes désigné·e référent·e du critère {criterion} : vos réponses et votre avis "
          "sont attendus.", _targets, INSTRUCTION | OPINIONS,
          cleared_by={"opinion_given": "all", "assignment_removed": "targets"}),
    Event("instruction_launched", "Lancement de l'instruction",
          "L'instruction est lancée : les réponses et avis des référents sont attendus.",
          _launched, frozenset({"en_instruction"}), actionable=False),
    Event("mention", "Mention dans un commentaire",
          "Une question vous est adressée dans un commentaire.", _targets, NOT_CLOSED,
          cleared_by={"comment_resolved": "all", "comment_added": "actor"}),
    Event("comment_on_answer", "Commentaire sur votre réponse",
          "Un commentaire a été ajouté sur votre réponse.", _targets, NOT_CLOSED,
          cleared_by={"comment_resolved": "all", "comment_added": "actor"}),
    Event("comment_reply", "Réponse dans une discussion",
          "Une réponse a été ajoutée à une discussion à laquelle vous participez.", _targets,
          NOT_CLOSED, cleared_by={"comment_resolved": "all", "comment_added": "actor"}),
    Event("opinion_on_answer", "Avis sur vos réponses",
          "Un avis « {verdict} » a été donné sur le critère {criterion}, auquel vous avez "
          "répondu.", _targets, OPINIONS, actionable=False),
    Event("opinion_reserved", "Avis défavorable ou avec réserves",
          "Avis « {verdict} » sur le critère {criterion} : des réserves sont à lever.",
          _reserved_opinion, OPINIONS, cleared_by={"opinion_given": "all"}),
    Event("group_opinion_due", "Avis du groupe à consolider",
          "Tous les critères ont un avis : l'avis du groupe est à consolider.", _group,
          OPINIONS, cleared_by={"group_opinion_recorded": "all"}),
    Event("decision_due", "Décision à prendre",
          "Le dossier vous est transmis pour décision.", _officials, frozenset({"decision"}),
          cleared_by={"decision_recorded": "actor"}),
    Event("decision_outcome", "Décision des élus rendue",
          "Les élus ont rendu leur décision : {outcome}. Elle est à constater.", _outcome,
          frozenset({"decision"})),
    Event("union_information_due", "Information syndicale à enregistrer",
          "Le dossier est validé : l'information des organisations syndicales est à organiser "
          "et à enregistrer.", _union, frozenset({"information_syndicale"}),
          cleared_by={"union_information_recorded": "all"}),
    Event("review_due", "Revue à faire",
          "La revue du dossier est arrivée à échéance.", _review,
          frozenset({"en_service", "information_syndicale"})),
    Event("measure_assigned", "Mesure du plan d'action confiée",
          "Une mesure du plan d'action vous est confiée, à réaliser avant le {due}.",
          _targets, NOT_CLOSED, cleared_by={"measure_closed": "all",
                                            "measure_reassigned": "all"}),
    Event("measure_due", "Mesure arrivée à échéance",
          "Une mesure du plan d'action devait être réalisée avant le {due}.", _owner_or_lead,
          NOT_CLOSED, cleared_by={"measure_closed": "all", "measure_reassigned": "all"}),
    Event("review_open", "Revue de suivi à préparer",
          "Une revue de suivi du dossier est à faire avant le {due}.", _in_charge_and_lead,
          frozenset({"en_service"}), cleared_by={"review_done": "all"}),
    Event("review_late", "Revue de suivi en retard",
          "Une revue de suivi du dossier devait être faite avant le {due}.",
          _in_charge_and_lead, frozenset({"en_service"}), cleared_by={"review_done": "all"}),
    Event("survey_to_open", "Enquête à ouvrir",
          "Une revue de suivi est à faire avant le {due} : l'enquête sur les conditions de "
          "travail de cette étape est à ouvrir.", _targets, frozenset({"en_service"}),
          cleared_by={"review_done": "all"}),
    Event("survey_to_close", "Enquête à clore",
          "Une enquête sur les conditions de travail est ouverte depuis plus de 30 jours : "
          "elle est à clore (échéance du {due}).", _survey_managers, NOT_CLOSED,
          actionable=False),
    Event("decision_waiting", "Décision en attente",
          "Le dossier vous a été transmis pour décision il y a plus de 14 jours : votre "
          "décision est attendue (échéance du {due}).", _waiting_officials,
          frozenset({"decision"}), cleared_by={"decision_recorded": "actor"}),
    Event("stage_changed", "Changement d'étape",
          "Le dossier passe à l'étape « {state} ».", _stage, frozenset(STATES),
          actionable=False),
)}

#: The events that wait for an action (an information is done once read).
ACTIONABLE = frozenset(code for code, event in EVENTS.items() if event.actionable)

#: The event a transition produces, by the case's new state (other states: ``stage_changed``).
EVENT_OF_STATE: Mapping[str, str] = {
    "en_instruction": "instruction_launched",
    "avis_groupe": "group_opinion_due",
    "decision": "decision_due",
    "information_syndicale": "union_information_due",
}


def recipients(code: str, facts: CaseFacts, context: EventContext) -> tuple[int, ...]:
    """Who is notified of event ``code``: ids of active people of the organisation, never the
    actor, never the vendor for an internal event; sorted, without repetition."""
    event = EVENTS[code]
    people = {p.id: p for p in facts.people}
    chosen = set(event.rule(facts, context))
    return tuple(sorted(
        person for person in chosen
        if person in people and person != context.actor
        and not (event.internal and people[person].role == "prestataire")))


def message(code: str, context: EventContext) -> str:
    """The French message of event ``code``."""
    return EVENTS[code].template.format(
        criterion=context.criterion if context.criterion is not None else "",
        verdict=GROUP_VERDICTS.get(context.verdict, context.verdict),
        outcome=DECISIONS.get(context.outcome, context.outcome),
        state=STATES.get(context.state, context.state), due=context.due)


def cleared(done: str) -> dict[str, str]:
    """The events a thing done clears: event code -> "all", "actor" or "targets"."""
    return {code: event.cleared_by[done] for code, event in EVENTS.items()
            if done in event.cleared_by}


def stale_in(state: str) -> frozenset[str]:
    """The events that no longer wait for anyone once the case is in ``state``."""
    return frozenset(code for code, event in EVENTS.items() if state not in event.open_states)


_MENTION_END = r"(?![\w@-])(?!\.\w)"  # a sentence may end right after a name


def mentioned(text: str, people: Collection[Person]) -> tuple[int, ...]:
    """The people a comment addresses with ``@Prénom Nom`` or ``@identifiant`` (letter case
    ignored); the vendor cannot be addressed in an internal discussion."""
    found = []
    for person in people:
        if person.role == "prestataire":
            continue
        names = [n for n in (person.full_name.strip(), person.username) if n]
        if any(re.search("@" + re.escape(name) + _MENTION_END, text, re.IGNORECASE)
               for name in names):
            found.append(person.id)
    return tuple(sorted(found))
