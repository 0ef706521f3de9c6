"""What one person should do next on one case (issue 12, item 1): the « next action » card.

Pure data in, an ordered list of actions out, so that the case overview and the home page say
the same thing. Who *may* do what is not decided here: the abilities come from
:func:`boussole.core.access.abilities` and the other ``may_*`` rules, the workflow moves from
:func:`boussole.core.workflow.check`. This module only chooses, among what the person may do,
what is *expected* of them now, and, when nothing is, who the case is waiting for.

Who is expected (a subset of who may):

* the case's lead completes the profile and sends a draft to the group, answers the criteria
  that fall to project leads, records the trade-union information and puts the system in
  service;
* each referent answers the questions and gives the opinion of the criteria of their domain or
  that they were named on (their abilities), the lawyers retain the legal level;
* the digital project pilot (``referent:numerique``) steers the case: consolidates the group's
  opinion, sends it to the elected officials, records their decision, resumes a postponed case;
* each elected official whose decision the organisation requires decides.

The administrator may take the pilot's steps but is never *expected* to: the card of an
administrator says who the case is waiting for.

Labels are French (the reference language); the web layer translates them by ``code``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from boussole.core import access, workflow
from boussole.core.roles import DELEGATIONS

#: The person who steers the instruction of every case (role:domain, see workflow.PILOT).
PILOT = "referent:numerique"

#: How long before a review date the review becomes an action.
REVIEW_NOTICE = dt.timedelta(days=60)

#: What an action links to (the web layer turns a target into a URL).
TARGETS = ("profile", "criterion", "legal", "path", "group_opinion", "decision", "union",
           "followup")


@dataclass(frozen=True)
class Person:
    """The person the card is for."""

    role: str
    domain: str = ""
    delegation: str = ""
    is_lead: bool = False  # leads (or created) the case

    @property
    def is_pilot(self) -> bool:
        return f"{self.role}:{self.domain}" == PILOT


@dataclass(frozen=True)
class CaseState:
    """What the card needs to know about the case, read by the web layer in bulk."""

    state: str
    criterion_referents: Mapping[int, Collection[str]]  # criterion -> default domains (grid)
    profile_missing: int = 0  # profile facts not answered yet
    missing_answers: Mapping[int, int] = field(default_factory=dict)  # criterion -> missing
    opinions: Mapping[int, str] = field(default_factory=dict)  # criterion -> verdict given
    assigned: Collection[int] = ()  # criteria the person was named referent on
    legal_level_retained: bool = False
    red_line: workflow.RedLine | bool = False
    group_verdict: str | None = None
    decisions: Mapping[str, str] = field(default_factory=dict)  # current version's decisions
    required_delegations: tuple[str, ...] = workflow.DEFAULT_DELEGATIONS
    union_information: bool = False
    # The next review of a system in service: the follow-up plan's next review not done
    # (without a plan, the review date the lawyers set, if any).
    review_date: dt.date | None = None
    lead_name: str = ""  # for the « waiting for » sentence
    referent_names: Mapping[int, tuple[str, ...]] = field(default_factory=dict)

    def snapshot(self) -> workflow.CaseSnapshot:
        """The workflow's view of the case (a reason is assumed given: the card links to the
        form that asks for it)."""
        return workflow.CaseSnapshot(
            state=self.state, opinions=dict(self.opinions), red_line=self.red_line,
            legal_level_retained=self.legal_level_retained, group_verdict=self.group_verdict,
            decisions=dict(self.decisions), required_delegations=self.required_delegations,
            union_information=self.union_information, has_reason=True)


@dataclass(frozen=True)
class Action:
    """One thing the person should do: ``code``, French ``label``, where it is done."""

    code: str
    label: str
    target: str  # one of TARGETS
    criterion: int | None = None
    count: int = 0
    deadline: dt.date | None = None
    transition: str = ""  # the workflow transition the action takes, if any
    blocked_by: tuple[str, ...] = ()  # why the transition cannot be taken yet (French)


@dataclass(frozen=True)
class Waiting:
    """Who the case is waiting for, when nothing is expected of the person: a ``code`` and
    what the sentence names (criteria with their named referents, the lead, the missing
    delegations, the review date), and the French sentence itself."""

    code: str
    text: str
    criteria: tuple[tuple[int, tuple[str, ...]], ...] = ()  # (criterion, referent names)
    legal_pending: bool = False  # the lawyers have not retained the legal level yet
    lead: str = ""
    delegations: tuple[str, ...] = ()  # codes of the delegations still to decide
    date: dt.date | None = None
    state: str = ""


@dataclass(frozen=True)
class NextActions:
    actions: tuple[Action, ...]
    waiting: Waiting | None  # set when ``actions`` is empty

    def __bool__(self) -> bool:
        return bool(self.actions)


def _plural(count: int, singular: str, plural: str) -> str:
    return singular if count == 1 else plural


def answer_label(count: int, criterion: int) -> str:
    return (f"Répondre à {count} "
            f"{_plural(count, 'question', 'questions')} du critère {criterion}")


def profile_label(count: int, *, draft: bool) -> str:
    missing = (f"{count} {_plural(count, 'information manquante', 'informations manquantes')}")
    if draft:
        return f"Compléter le profil et transmettre au groupe ({missing})"
    return f"Compléter le profil d'identification ({missing})"


LABELS: Mapping[str, str] = {
    "transmettre_groupe": "Transmettre le dossier au groupe d'experts",
    "donner_avis": "Donner l'avis du critère {criterion}",
    "retenir_niveau": "Retenir le niveau de risque juridique",
    "consolider_avis": "Consolider l'avis du groupe",
    "rediger_avis_groupe": "Rédiger l'avis consolidé du groupe",
    "transmettre_elus": "Transmettre le dossier aux élus pour décision",
    "decider": "Décider : valider, valider sous conditions, ajourner ou refuser",
    "constater_decision": "Constater la décision des élus",
    "information_syndicale": "Enregistrer l'information des organisations syndicales",
    "mettre_en_service": "Mettre le système en service",
    "reprendre_instruction": "Reprendre l'instruction du dossier ajourné",
    "suite_ajournement": "Décider de la suite du dossier ajourné : le revoir ou l'abandonner",
    "preparer_revue": "Préparer la revue du système en service",
}


def _label(code: str, **params: object) -> str:
    return LABELS[code].format(**params)


def _transition(code: str, action_code: str, target: str, person: Person,
                case: CaseState) -> Action | None:
    """The action of taking workflow transition ``code``, if the person's role allows it;
    the guards' problems are kept as what blocks it."""
    transition = workflow.TRANSITIONS[code]
    if not workflow.role_allowed(transition, person.role, person.domain,
                                 is_lead=person.is_lead):
        return None
    problems = tuple(workflow.guard_problems(transition, case.snapshot()))
    return Action(action_code, _label(action_code), target, transition=code,
                  blocked_by=problems)


def _own_criteria(person: Person, case: CaseState) -> frozenset[int]:
    """The criteria the person is expected on: those they were named on, and those whose
    default referents name their own domain (``porteur`` for the lead). A criterion of the
    whole group (``groupe``) is everyone's to answer (:mod:`boussole.core.access`) but nobody's
    in particular: it is expected of the people named on it (as in « Mes questions »)."""
    own = "porteur" if person.role == "porteur" and person.is_lead else (
        person.domain if person.role == "referent" else "")
    return frozenset(case.assigned) | frozenset(
        number for number, referents in case.criterion_referents.items()
        if own and own in referents)


def next_actions(person: Person, case: CaseState, *, today: dt.date) -> NextActions:
    """What ``person`` should do next on ``case``, most urgent first; when nothing, who the
    case is waiting for."""
    actions = _actions(person, case, today)
    return NextActions(tuple(actions), None if actions else waiting_for(case))


def _actions(person: Person, case: CaseState, today: dt.date) -> list[Action]:
    state = case.state
    lead = person.role == "porteur" and person.is_lead
    ability = access.abilities(role=person.role, domain=person.domain, state=state,
                               is_lead=person.is_lead, assigned_criteria=case.assigned,
                               criterion_referents=case.criterion_referents)
    out: list[Action] = []
    if state == "brouillon":
        if lead:
            if case.profile_missing:
                out.append(Action("completer_et_transmettre",
                                  profile_label(case.profile_missing, draft=True), "profile",
                                  count=case.profile_missing))
            else:
                action = _transition("lancer_instruction", "transmettre_groupe", "path",
                                     person, case)
                if action is not None:
                    out.append(action)
        return out
    if state == "en_instruction":
        if lead and case.profile_missing and ability.can("answer_profile"):
            out.append(Action("completer_profil",
                              profile_label(case.profile_missing, draft=False), "profile",
                              count=case.profile_missing))
        mine = _own_criteria(person, case)
        for number in sorted(mine):
            missing = case.missing_answers.get(number, 0)
            if missing and ability.can("answer") and ability.can_answer_criterion(number):
                out.append(Action("repondre", answer_label(missing, number), "criterion",
                                  criterion=number, count=missing))
            elif (not missing and number not in case.opinions
                  and ability.can("give_opinion") and ability.can_give_opinion(number)):
                out.append(Action("donner_avis", _label("donner_avis", criterion=number),
                                  "criterion", criterion=number))
        if (access.may_retain_legal_level(person.role, person.domain)
                and not case.legal_level_retained):
            out.append(Action("retenir_niveau", _label("retenir_niveau"), "legal"))
        if person.is_pilot:
            snapshot = case.snapshot()
            ready = not workflow.guard_problems(workflow.TRANSITIONS["consolider_avis"],
                                                snapshot)
            if ready:
                action = _transition("consolider_avis", "consolider_avis", "path", person,
                                     case)
                if action is not None:
                    out.append(action)
        return out
    if state == "avis_groupe":
        if person.is_pilot and access.may_record_group_opinion(person.role):
            if case.group_verdict is None:
                out.append(Action("rediger_avis_groupe", _label("rediger_avis_groupe"),
                                  "group_opinion"))
            else:
                action = _transition("transmettre_elus", "transmettre_elus", "path", person,
                                     case)
                if action is not None:
                    out.append(action)
        return out
    if state == "decision":
        if (access.may_decide(person.role, person.delegation, case.required_delegations)
                and person.delegation not in case.decisions):
            out.append(Action("decider", _label("decider"), "decision"))
        if person.is_pilot and workflow.political_outcome(
                case.decisions, case.required_delegations) is not None:
            for code in ("constater_validation", "constater_ajournement", "constater_refus"):
                action = _transition(code, "constater_decision", "path", person, case)
                if action is not None and not action.blocked_by:
                    out.append(action)
                    break
            else:  # a favourable outcome under a red line: say why it is blocked
                action = _transition("constater_validation", "constater_decision", "path",
                                     person, case)
                if action is not None:
                    out.append(action)
        return out
    if state == "information_syndicale":
        if lead or person.is_pilot:
            if not case.union_information:
                if access.may_record_union_information(person.role, is_lead=person.is_lead):
                    out.append(Action("information_syndicale",
                                      _label("information_syndicale"), "union"))
            else:
                action = _transition("mettre_en_service", "mettre_en_service", "path",
                                     person, case)
                if action is not None:
                    out.append(action)
        return out
    if state == "en_service":
        due = case.review_date
        if (lead or person.is_pilot) and due is not None and due - today <= REVIEW_NOTICE:
            out.append(Action("preparer_revue", _label("preparer_revue"), "followup",
                              deadline=due))
        return out
    if state == "ajourne":
        if person.is_pilot:
            action = _transition("reprendre_instruction", "reprendre_instruction", "path",
                                 person, case)
            if action is not None:
                out.append(action)
        elif lead:
            out.append(Action("suite_ajournement", _label("suite_ajournement"), "path"))
        return out
    return out


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(names) if names else "personne n'est nommé"


def waiting_for(case: CaseState) -> Waiting:
    """Who or what the case is waiting for, as a French sentence (after « Rien ne vous
    attend sur ce dossier pour le moment : »)."""
    state = case.state
    lead = case.lead_name or "le·la chef·fe de projet"
    if state == "brouillon":
        return Waiting("brouillon", f"il attend que {lead} complète le profil "
                       "d'identification et transmette le dossier au groupe d'experts.",
                       lead=case.lead_name)
    if state == "en_instruction":
        pending = tuple((n, tuple(case.referent_names.get(n, ())))
                        for n in sorted(case.criterion_referents)
                        if case.missing_answers.get(n, 0) or n not in case.opinions)
        legal = not case.legal_level_retained
        if pending:
            text = ("il attend les réponses et les avis des référents : "
                    + " ; ".join(f"critère {n} ({_names(names)})" for n, names in pending))
            if legal:
                text += " ; et le niveau de risque juridique retenu par les juristes"
            return Waiting("referents", text + ".", criteria=pending, legal_pending=legal)
        if legal:
            return Waiting("juristes", "il attend que les juristes retiennent le niveau de "
                           "risque juridique.", legal_pending=True)
        return Waiting("consolidation", "il attend que le pilote du projet numérique "
                       "consolide l'avis du groupe.")
    if state == "avis_groupe":
        if case.group_verdict is None:
            return Waiting("avis_groupe", "il attend l'avis consolidé du groupe, rédigé par "
                           "le pilote du projet numérique.")
        return Waiting("transmission", "il attend que le pilote du projet numérique le "
                       "transmette aux élus.")
    if state == "decision":
        missing = tuple(d for d in case.required_delegations if d not in case.decisions)
        if missing and workflow.political_outcome(case.decisions,
                                                  case.required_delegations) is None:
            return Waiting("elus", "il attend la décision des élus : "
                           + ", ".join(DELEGATIONS.get(d, d) for d in missing) + ".",
                           delegations=missing)
        return Waiting("constat", "il attend que le pilote du projet numérique constate la "
                       "décision des élus.")
    if state == "information_syndicale":
        if not case.union_information:
            return Waiting("information_syndicale", f"il attend que {lead} ou le pilote du "
                           "projet numérique enregistre l'information des organisations "
                           "syndicales.", lead=case.lead_name)
        return Waiting("mise_en_service", f"il attend que {lead} ou le pilote du projet "
                       "numérique mette le système en service.", lead=case.lead_name)
    if state == "en_service":
        if case.review_date is not None:
            return Waiting("suivi_revue", "le système est en service ; prochaine revue le "
                           f"{case.review_date.strftime('%d/%m/%Y')}.", date=case.review_date)
        return Waiting("suivi", "le système est en service ; son suivi continue.")
    if state == "ajourne":
        return Waiting("ajourne", "le dossier est ajourné : il attend que le pilote du projet "
                       "numérique reprenne l'instruction, ou que le projet soit abandonné.")
    return Waiting("clos", f"le dossier est clos (« {workflow.STATES.get(state, state)} »).",
                   state=state)
