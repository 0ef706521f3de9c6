"""The « next action » cards (issue 12, item 1): what a person should do next on a case.

The choice is the core's (:mod:`boussole.core.next_action`, on the rules of
:mod:`boussole.core.access` and :mod:`boussole.core.workflow`); this module reads its inputs
for many cases at once (a fixed number of queries whatever the number of cases, tested),
translates the labels and builds the links.

The decision path's records (group opinion, frozen versions, decisions, trade-union
information) are read through the reverse relations of :class:`Case`, not by importing
``boussole.web.decisions``: the case overview (``cases.views``) uses this module, and
``decisions`` imports ``cases``, so an import would make a cycle between the web apps
(and the module sits in ``cases`` for the same reason: the overview imports it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, Max, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from boussole.core import workflow
from boussole.core.next_action import (
    Action,
    CaseState,
    NextActions,
    Person,
    Waiting,
    next_actions,
)
from boussole.web.accounts.models import User
from boussole.web.cases import selectors
from boussole.web.cases.access import is_lead
from boussole.web.cases.counters import profile_of
from boussole.web.cases.models import Assignment, Case, LegalAssessment, Opinion
from boussole.web.grids import grid_for

#: At most this many cases — the most recently updated that are not closed — are looked at for
#: the home page's « Ce qui vous attend » and its number of tasks, so that the page costs the
#: same whatever the number of cases; « Mes tâches » looks at every case.
HOME_LIMIT = 50


@dataclass
class Card:
    """What a template shows: the case, its actions (label, link, deadline, blockers), or
    the sentence saying who it is waiting for."""

    case: Case
    actions: list[dict[str, Any]] = field(default_factory=list)
    waiting: str = ""
    result: NextActions | None = None


# --- Labels (French msgids; the core gives the same French labels, tested) ----------------

def action_label(action: Action) -> str:
    code, n, criterion = action.code, action.count, action.criterion
    if code == "repondre":
        return ngettext("Répondre à %(n)d question du critère %(c)s",
                        "Répondre à %(n)d questions du critère %(c)s", n) % {"n": n,
                                                                              "c": criterion}
    if code == "completer_et_transmettre":
        return ngettext("Compléter le profil et transmettre au groupe (%(n)d information "
                        "manquante)",
                        "Compléter le profil et transmettre au groupe (%(n)d informations "
                        "manquantes)", n) % {"n": n}
    if code == "completer_profil":
        return ngettext("Compléter le profil d'identification (%(n)d information manquante)",
                        "Compléter le profil d'identification (%(n)d informations "
                        "manquantes)", n) % {"n": n}
    if code == "donner_avis":
        return _("Donner l'avis du critère %(c)s") % {"c": criterion}
    labels = {
        "transmettre_groupe": _("Transmettre le dossier au groupe d'experts"),
        "retenir_niveau": _("Retenir le niveau de risque juridique"),
        "consolider_avis": _("Consolider l'avis du groupe"),
        "rediger_avis_groupe": _("Rédiger l'avis consolidé du groupe"),
        "transmettre_elus": _("Transmettre le dossier aux élus pour décision"),
        "decider": _("Décider : valider, valider sous conditions, ajourner ou refuser"),
        "constater_decision": _("Constater la décision des élus"),
        "information_syndicale": _("Enregistrer l'information des organisations syndicales"),
        "mettre_en_service": _("Mettre le système en service"),
        "reprendre_instruction": _("Reprendre l'instruction du dossier ajourné"),
        "suite_ajournement": _("Décider de la suite du dossier ajourné : le revoir ou "
                               "l'abandonner"),
        "preparer_revue": _("Préparer la revue du système en service"),
    }
    return labels.get(code, action.label)


def _delegation_label(code: str) -> str:
    labels = {"numerique": _("Numérique"), "rh": _("Ressources humaines"),
              "thematique": _("Vice-présidence thématique")}
    return labels.get(code, code)


def _state_label(code: str) -> str:
    return str(dict(Case._meta.get_field("state").choices or []).get(code, code))


def waiting_text(waiting: Waiting) -> str:
    """The sentence after « Rien ne vous attend sur ce dossier pour le moment : »."""
    lead = waiting.lead or _("le·la chef·fe de projet")
    code = waiting.code
    if code == "brouillon":
        return _("il attend que %(lead)s complète le profil d'identification et transmette le "
                 "dossier au groupe d'experts.") % {"lead": lead}
    if code == "referents":
        parts = [_("critère %(n)s (%(names)s)") % {
            "n": number, "names": ", ".join(names) if names else _("personne n'est nommé")}
            for number, names in waiting.criteria]
        text = _("il attend les réponses et les avis des référents : ") + " ; ".join(parts)
        if waiting.legal_pending:
            text += _(" ; et le niveau de risque juridique retenu par les juristes")
        return text + "."
    texts = {
        "juristes": _("il attend que les juristes retiennent le niveau de risque juridique."),
        "consolidation": _("il attend que le pilote du projet numérique consolide l'avis du "
                           "groupe."),
        "avis_groupe": _("il attend l'avis consolidé du groupe, rédigé par le pilote du "
                         "projet numérique."),
        "transmission": _("il attend que le pilote du projet numérique le transmette aux "
                          "élus."),
        "constat": _("il attend que le pilote du projet numérique constate la décision des "
                     "élus."),
        "suivi": _("le système est en service ; son suivi continue."),
        "ajourne": _("le dossier est ajourné : il attend que le pilote du projet numérique "
                     "reprenne l'instruction, ou que le projet soit abandonné."),
    }
    if code in texts:
        return texts[code]
    if code == "elus":
        return _("il attend la décision des élus : %(who)s.") % {
            "who": ", ".join(_delegation_label(d) for d in waiting.delegations)}
    if code == "information_syndicale":
        return _("il attend que %(lead)s ou le pilote du projet numérique enregistre "
                 "l'information des organisations syndicales.") % {"lead": lead}
    if code == "mise_en_service":
        return _("il attend que %(lead)s ou le pilote du projet numérique mette le système en "
                 "service.") % {"lead": lead}
    if code == "suivi_revue" and waiting.date is not None:
        return _("le système est en service ; prochaine revue le %(date)s.") % {
            "date": date_format(waiting.date, "SHORT_DATE_FORMAT")}
    if code == "clos":
        return _("le dossier est clos (« %(state)s »).") % {
            "state": _state_label(waiting.state)}
    return waiting.text


def action_url(case: Case, action: Action) -> str:
    """Where the action is done: the page, and the part of it."""
    pk = case.pk
    target = action.target
    if target == "profile":
        return reverse("cases:profile", args=[pk])
    if target == "criterion":
        url = reverse("cases:criterion", args=[pk, action.criterion])
        return url + "#avis" if action.code == "donner_avis" else url
    if target == "legal":
        return reverse("cases:legal", args=[pk]) + "#h-retained"
    if target == "followup":
        return reverse("followup:case", args=[pk]) + "#h-revues"
    anchors = {"group_opinion": "#h-group", "decision": "#h-decisions", "union": "#h-union"}
    return reverse("decisions:path", args=[pk]) + anchors.get(target, "#h-actions")


# --- Reading the inputs in bulk ------------------------------------------------------------

#: The values :func:`_annotated` adds to each case (read by :func:`_states`).
_PATH_FIELDS = ("na_latest", "na_verdict", "na_union", "na_assessed", "na_retained",
                "na_review", "na_plans", "na_next_review")


def _annotated(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The cases with the decision path's and the follow-up's values, as subqueries (no
    join multiplies the rows): the latest frozen version, the group's verdict, the
    trade-union information, the latest legal assessment, the follow-up plan's next review
    not done. Case's reverse relations are used (see the module's doc)."""
    same = Case.objects.filter(pk=OuterRef("pk"))
    assessments = LegalAssessment.objects.filter(case=OuterRef("pk")).order_by(
        "-decided_at", "-id")
    pending = Q(followup_plan__closed_on__isnull=True,
                followup_plan__reviews__done_on__isnull=True)
    return cases.annotate(
        na_latest=Subquery(same.values("pk").annotate(m=Max("versions__number")).values("m")),
        na_verdict=Subquery(same.values("group_opinion__verdict")[:1]),
        na_union=Exists(same.filter(union_information__isnull=False)),
        na_assessed=Exists(assessments),
        na_retained=Subquery(assessments.values("retained_level")[:1]),
        na_review=Subquery(assessments.values("review_date")[:1]),
        na_plans=Exists(same.filter(followup_plan__isnull=False)),
        na_next_review=Subquery(same.values("pk").annotate(
            n=Min("followup_plan__reviews__due", filter=pending)).values("n")))


def _path_values(cases: list[Case]) -> dict[int, dict[str, Any]]:
    """:func:`_annotated`'s values of each case: read from the cases when they carry them
    (the home page's list), else in one query."""
    if all(hasattr(case, "na_latest") for case in cases):
        return {case.pk: {name: getattr(case, name) for name in _PATH_FIELDS}
                for case in cases}
    return {row["pk"]: row for row in _annotated(Case.objects.filter(
        pk__in=[case.pk for case in cases])).order_by().values("pk", *_PATH_FIELDS)}


def _opinions_and_assignments(user: User, ids: list[int]) -> tuple[
        dict[int, dict[int, str]], dict[int, set[int]]]:
    """The opinions given on the cases and the criteria the user is named on, in one query
    (a union: the assignments carry an empty verdict and the mark ``a``)."""
    opinions: dict[int, dict[int, str]] = {pk: {} for pk in ids}
    assigned: dict[int, set[int]] = {pk: set() for pk in ids}
    given = Opinion.objects.filter(case_id__in=ids).order_by().annotate(
        mark=Value("o")).values_list("case_id", "criterion", "verdict", "mark")
    named = Assignment.objects.filter(case_id__in=ids, user=user).order_by().annotate(
        verdict_=Value(""), mark=Value("a")).values_list("case_id", "criterion", "verdict_",
                                                         "mark")
    for case_id, criterion, verdict, mark in given.union(named, all=True):
        if mark == "a":
            assigned[case_id].add(criterion)
        else:
            opinions[case_id][criterion] = verdict
    return opinions, assigned


def _organisation(user: User, cases: list[Case]) -> Any:
    """The user's organisation, taken from a case that carries it when there is one (and
    kept on the user, whom the page's header names with their organisation)."""
    cached = Case._meta.get_field("organisation").is_cached
    own = User._meta.get_field("organisation")
    for case in cases:
        if case.organisation_id == user.organisation_id and cached(case):
            if not own.is_cached(user):
                own.set_cached_value(user, case.organisation)
            return case.organisation
    return user.organisation


def _states(user: User, cases: list[Case], *, names: bool,
            read: tuple[dict[int, str], dict[int, list[Assignment]]] | None = None
            ) -> dict[int, CaseState]:
    """The core's inputs for each case, in a fixed number of queries. ``read``: the opinions'
    verdicts and the named referents (by criterion) of the one case, when already read."""
    ids = [case.pk for case in cases]
    open_cases = [case for case in cases if case.state in workflow.OPEN_STATES]
    progress = selectors.progress_for_cases(open_cases) if open_cases else {}
    lead_open = {case.pk for case in open_cases if is_lead(user, case)}
    referent_names: dict[int, dict[int, list[str]]] = {pk: {} for pk in ids}
    if names:
        opinions: dict[int, dict[int, str]] = {pk: {} for pk in ids}
        if read is not None and len(ids) == 1:
            opinions[ids[0]] = dict(read[0])
            named = [a for people in read[1].values() for a in people]
        else:
            for case_id, criterion, verdict in Opinion.objects.filter(
                    case_id__in=ids).values_list("case_id", "criterion", "verdict"):
                opinions[case_id][criterion] = verdict
            named = list(Assignment.objects.filter(case_id__in=ids).select_related("user"))
        assigned: dict[int, set[int]] = {pk: set() for pk in ids}
        for assignment in named:
            referent_names[assignment.case_id].setdefault(assignment.criterion, []).append(
                str(assignment.user))
            if assignment.user_id == user.pk:
                assigned[assignment.case_id].add(assignment.criterion)
    else:
        opinions, assigned = _opinions_and_assignments(user, ids)
    path = _path_values(cases)
    deciding = [case.pk for case in cases if case.state == "decision"]
    decisions: dict[int, dict[str, str]] = {pk: {} for pk in deciding}
    if deciding:
        for pk, delegation, decision, number in Case.objects.filter(
                pk__in=deciding, decisions__isnull=False).order_by().values_list(
                "pk", "decisions__delegation", "decisions__decision",
                "decisions__version__number"):
            if number == path[pk]["na_latest"]:
                decisions[pk][delegation] = decision
    organisation = _organisation(user, cases)
    required = organisation.decision_delegations if organisation else ()
    out: dict[int, CaseState] = {}
    for case in cases:
        grid = grid_for(case.grid_id, case.grid_version)
        values = path[case.pk]
        retained = values["na_retained"] or ""
        review = values["na_review"]
        if case.state == "en_service" and values["na_plans"]:
            review = values["na_next_review"]
        out[case.pk] = CaseState(
            state=case.state,
            criterion_referents={c.number: c.referents for c in grid.criteria},
            profile_missing=profile_of(case).missing if case.pk in lead_open else 0,
            missing_answers={n: p.missing for n, p in progress.get(case.pk, {}).items()},
            opinions=opinions[case.pk], assigned=frozenset(assigned[case.pk]),
            legal_level_retained=bool(values["na_assessed"]),
            red_line=workflow.red_line(case.legal_level or None,
                                       case.legal_potential or None, retained or None),
            group_verdict=values["na_verdict"], decisions=decisions.get(case.pk, {}),
            required_delegations=tuple(required) or workflow.DEFAULT_DELEGATIONS,
            union_information=bool(values["na_union"]),
            review_date=review,
            lead_name=str(case.lead) if case.lead_id else "",
            referent_names={n: tuple(v) for n, v in referent_names[case.pk].items()})
    return out


def cards(user: User, cases: Iterable[Case], *, names: bool = False,
          today: dt.date | None = None, sentences: bool = True,
          states: dict[int, CaseState] | None = None) -> list[Card]:
    """One card per case, in the order given. ``names``: name the referents in the
    « waiting for » sentence (the case page); ``sentences=False``: no such sentence (the home
    page shows the actions only); ``states``: the inputs already read (:func:`home_inputs`)."""
    cases = list(cases)
    if not cases:
        return []
    today = today or timezone.localdate()
    if states is None:
        states = _states(user, cases, names=names)
    out = []
    for case in cases:
        person = Person(role=user.role, domain=user.domain, delegation=user.delegation,
                        is_lead=is_lead(user, case))
        result = next_actions(person, states[case.pk], today=today)
        card = Card(case=case, result=result)
        for action in result.actions:
            card.actions.append({
                "code": action.code, "label": action_label(action),
                "url": action_url(case, action), "deadline": action.deadline,
                "blocked_by": action.blocked_by})
        if sentences and result.waiting is not None:
            card.waiting = waiting_text(result.waiting)
        out.append(card)
    return out


def case_card(user: User, case: Case, *,
              read: tuple[dict[int, str], dict[int, list[Assignment]]] | None = None) -> Card:
    """The card of the case overview (the referents named in the sentence). ``read``: the
    case's opinions' verdicts and named referents by criterion, when the page has read them."""
    states = _states(user, [case], names=True, read=read) if read is not None else None
    return cards(user, [case], names=True, states=states)[0]


#: What the home page reads of its cases (the cards and the core's inputs), not their texts.
_HOME_FIELDS = ("reference", "title", "state", "grid_id", "grid_version", "organisation",
                "lead__first_name", "lead__last_name", "lead__username", "created_by_id",
                "progress", "legal_level", "legal_potential", "updated_at")


def home_inputs(user: User) -> tuple[list[Case], dict[int, CaseState]]:
    """The cases the home page looks at (not closed, most recent first, at most
    :data:`HOME_LIMIT`) and the core's inputs for each, in a fixed number of queries."""
    # The window's ids first (index case_org_updated), then the subqueries for those rows
    # only: annotating the whole list would evaluate them for every open case before sorting.
    window = selectors.case_list(user).exclude(state__in=workflow.CLOSED_STATES).values(
        "pk")[:HOME_LIMIT]
    cases = list(_annotated(Case.objects.filter(pk__in=window).select_related(
        "organisation", "lead").only(*_HOME_FIELDS)).order_by("-updated_at", "-id"))
    return cases, _states(user, cases, names=False) if cases else {}


def waiting_cases(user: User,
                  inputs: tuple[list[Case], dict[int, CaseState]] | None = None) -> list[Card]:
    """The home page's « Ce qui vous attend »: the cases (not closed, most recent first)
    on which something is expected of the user; deadlines first. ``inputs``: those of
    :func:`home_inputs`, when already read."""
    cases, states = inputs if inputs is not None else home_inputs(user)
    found = [card for card in cards(user, cases, sentences=False, states=states)
             if card.actions]
    return sorted(found, key=lambda c: min(
        (a["deadline"] for a in c.actions if a["deadline"]), default=dt.date.max))
