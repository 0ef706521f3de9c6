"""Reads for the decision path, frozen versions and "my tasks"."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from boussole.core import access, launch, workflow
from boussole.core.access import OPEN_STATES
from boussole.core.completeness import low_completeness_warnings
from boussole.core.next_action import CaseState
from boussole.web.accounts.models import Domain, Role, User
from boussole.web.cases import selectors as case_selectors
from boussole.web.cases.access import is_lead
from boussole.web.cases.legal import red_line_view
from boussole.web.cases.models import Assignment, Case, Opinion
from boussole.web.cases.next_action import HOME_LIMIT
from boussole.web.cases.notifications import open_notifications
from boussole.web.decisions import services
from boussole.web.decisions.models import (
    Decision,
    FileVersion,
    GroupVerdict,
)
from boussole.web.decisions.state import PathRecords, path_records
from boussole.web.grids import grid_for


def path_context(case: Case, user: User, records: PathRecords | None = None
                 ) -> dict[str, Any]:
    """The path page's context, from the case's decision-path records (``records``: when
    already read, else read now), each read once for the workflow's guards and the page."""
    if records is None:
        records = path_records(case)
    state = services.snapshot(case, records)
    transitions = []
    offered = workflow.available(state, user.role, user.domain, is_lead=is_lead(user, case))
    for transition in offered:
        problems = workflow.guard_problems(
            transition, workflow.CaseSnapshot(**{**state.__dict__, "has_reason": True}))
        transitions.append({"t": transition, "problems": problems})
    version = records.version
    decisions = records.decisions
    labels = {"numerique": _("Élu·e au numérique"), "rh": _("Élu·e aux ressources humaines"),
              "thematique": _("Vice-président·e de la thématique")}
    delegations = case.organisation.decision_delegations
    required = [(code, labels[code], decisions.get(code)) for code in delegations]
    outcome = workflow.political_outcome({k: v.decision for k, v in decisions.items()},
                                         delegations)
    can_decide = (case.state == "decision"
                  and access.may_decide(user.role, user.delegation, delegations))
    can_group_opinion = (case.state == "avis_groupe"
                         and access.may_record_group_opinion(user.role))
    can_union = (case.state == "information_syndicale"
                 and access.may_record_union_information(user.role, is_lead=is_lead(user, case)))
    # The forms of this page that wait for the user, named where "Actions possibles" would
    # otherwise say that nothing is theirs to do.
    my_forms = [(anchor, label) for anchor, label, shown in (
        ("h-group", _("Consolider l'avis du groupe (formulaire ci-dessous)"), can_group_opinion),
        ("h-decisions", _("Enregistrer votre décision (formulaire ci-dessous)"), can_decide),
        ("h-union", _("Enregistrer l'information syndicale (formulaire ci-dessous)"), can_union),
    ) if shown]
    return {
        "state": state,
        "red_line": red_line_view(case, state.standing),
        "transitions": transitions,
        "stages": [(code, label, code == case.state) for code, label in workflow.STATES.items()
                   if code not in workflow.CLOSED_STATES and code != "ajourne"],
        "group_opinion": records.group_opinion,
        "opinions": len(records.opinions),
        "assessment": records.assessment,
        "versions": records.versions,
        "required_decisions": required,
        "outcome": workflow.DECISIONS.get(outcome or "", ""),
        "union": records.union,
        "can_group_opinion": can_group_opinion,
        "can_decide": can_decide,
        "my_decision": decisions.get(user.delegation) if user.role == Role.ELU else None,
        "can_union": can_union,
        "my_forms": my_forms,
        "decision_subject": decision_subject(case, version) if can_decide else None,
        "completeness_warnings": completeness_warnings(case, records.opinions, records.values),
        "launch": (launch_context(case, state.missing_referents, records)
                   if any(t.code == "lancer_instruction" for t in offered) else None),
    }


def decision_subject(case: Case, version: FileVersion | None) -> dict[str, Any] | None:
    """What an elected official decides, in one sentence: the use of AI (title, reference), the
    frozen version it rests on and when it was frozen, the group's opinion and its conditions —
    read from the frozen version, the file the officials decide on."""
    if version is None:
        return None
    group = version.snapshot.get("group_opinion") or {}
    verdicts = dict(GroupVerdict.choices)
    conditions = [str(c) for c in group.get("conditions") or [] if str(c).strip()]
    values = {"title": case.title, "reference": case.reference, "number": version.number,
              "date": date_format(timezone.localtime(version.frozen_at), "j F Y"),
              "verdict": verdicts.get(group.get("verdict", ""), _("sans avis"))}
    if conditions:
        sentence = _("Vous décidez de l'usage de l'IA « %(title)s » (%(reference)s) sur la base "
                     "de la version %(number)s du dossier, figée le %(date)s, avec l'avis du "
                     "groupe « %(verdict)s » et les conditions suivantes :") % values
    else:
        sentence = _("Vous décidez de l'usage de l'IA « %(title)s » (%(reference)s) sur la base "
                     "de la version %(number)s du dossier, figée le %(date)s, avec l'avis du "
                     "groupe « %(verdict)s », sans condition.") % values
    return {"sentence": sentence, "conditions": conditions, "version": version.number}


def completeness_warnings(case: Case, verdicts: dict[int, str] | None = None,
                          values: tuple[dict[str, Any], dict[str, Any]] | None = None
                          ) -> list[str]:
    """The core's warning for each criterion whose opinion is favourable while fewer than
    ``LOW_COMPLETENESS_PERCENT`` % of its applicable questions are answered (the same count as
    the overview and the memo). ``verdicts`` (by criterion) and ``values``
    (:func:`case_selectors.case_values`): when already read."""
    if verdicts is None:
        verdicts = dict(Opinion.objects.filter(case=case).values_list("criterion", "verdict"))
    if not any(v in workflow.FAVOURABLE_VERDICTS for v in verdicts.values()):
        return []
    grid = grid_for(case.grid_id, case.grid_version)
    _profile, progress = case_selectors.case_progress(case, values)
    return [w.message for w in low_completeness_warnings(
        verdicts, progress, {c.number: c.title for c in grid.criteria})]


def domain_label(code: str) -> str:
    """The French label of a referent domain of the grid (incl. the lead and the group)."""
    if code == launch.LEAD:
        return _("Chef·fe de projet")
    if code == launch.WHOLE_GROUP:
        return _("Groupe d'experts")
    return str(dict(Domain.choices).get(code, code))


def launch_context(case: Case, missing: tuple[int, ...], records: PathRecords | None = None
                   ) -> dict[str, Any]:
    """The launch form: per criterion, the referents named, or the organisation's people
    proposed for each of its referent domains; and the checklist of what is missing
    (``records``: the case's decision-path records, when already read)."""
    grid = grid_for(case.grid_id, case.grid_version)
    people = list(case_selectors.assignable_people(case))
    candidates = [launch.Candidate(id=p.pk, role=p.role, domain=p.domain, name=str(p))
                  for p in people]
    named = case_selectors.assignments(case) if records is None else records.assignments
    defaults = launch.default_referents({c.number: c.referents for c in grid.criteria},
                                        candidates, case.lead_id)
    rows = []
    unstaffed: set[str] = set()
    for criterion in grid.criteria:
        proposals = []
        if criterion.number in missing:
            for domain, default in defaults[criterion.number].items():
                if default is None:
                    unstaffed.add(domain)
                proposals.append({"domain": domain, "label": domain_label(domain),
                                  "default": default,
                                  "field": f"referent-{criterion.number}-{domain}"})
        rows.append({"criterion": criterion, "named": named.get(criterion.number, []),
                     "proposals": proposals})
    profile, _criteria = case_selectors.case_progress(
        case, None if records is None else records.values)
    checklist = launch.checklist(
        missing, profile.percent, profile.missing, unstaffed - {launch.LEAD},
        {code: domain_label(code) for code in unstaffed})
    return {"rows": rows, "people": people, "checklist": checklist}


def _flatten(document: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(document, dict):
        for key, value in document.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    else:
        out[prefix] = document
    return out


VOLATILE = ("exported_at", "audit", "version", "case.updated_at")


def version_diff(old: FileVersion, new: FileVersion) -> dict[str, list[dict[str, Any]]]:
    """Differences between two frozen versions: answers, opinions, decisions-relevant parts."""
    def answers(snapshot: dict[str, Any]) -> dict[str, Any]:
        return {a["item_id"]: (a["value"], a.get("justification", ""))
                for a in snapshot.get("answers", [])}

    before, after = answers(old.snapshot), answers(new.snapshot)
    changed_answers = []
    for item_id in sorted(set(before) | set(after)):
        if before.get(item_id) != after.get(item_id):
            changed_answers.append({"item": item_id, "before": before.get(item_id),
                                    "after": after.get(item_id)})

    def opinions(snapshot: dict[str, Any]) -> dict[int, Any]:
        return {o["criterion"]: (o["verdict"], o.get("recommendations", ""))
                for o in snapshot.get("opinions", [])}

    ob, oa = opinions(old.snapshot), opinions(new.snapshot)
    changed_opinions = [{"criterion": n, "before": ob.get(n), "after": oa.get(n)}
                        for n in sorted(set(ob) | set(oa)) if ob.get(n) != oa.get(n)]
    other = []
    fb = {k: v for k, v in _flatten({k: v for k, v in old.snapshot.items()
                                     if k not in ("answers", "opinions", "comments", "evidence")}
                                    ).items() if not k.startswith(VOLATILE)}
    fa = {k: v for k, v in _flatten({k: v for k, v in new.snapshot.items()
                                     if k not in ("answers", "opinions", "comments", "evidence")}
                                    ).items() if not k.startswith(VOLATILE)}
    for key in sorted(set(fb) | set(fa)):
        if fb.get(key) != fa.get(key) and not key.startswith("legal_evaluation.date"):
            other.append({"field": key, "before": fb.get(key), "after": fa.get(key)})
    return {"answers": changed_answers, "opinions": changed_opinions, "other": other[:200]}


#: The columns the task lists show (reference, title, link): the long texts stay unread.
LISTED = ("id", "reference", "title", "state", "organisation_id", "lead_id", "updated_at")


def task_count(user: User, cases: list[Case], states: dict[int, CaseState]) -> tuple[int, bool]:
    """``tasks_for(user)["count"]`` from the inputs the home page has already read
    (:func:`boussole.web.cases.next_action.home_inputs`) and one query for the notifications,
    with whether the count is complete: when the home page's window of cases is full
    (:data:`HOME_LIMIT`), older cases were not looked at and the count is a lower bound (the
    page then says « au moins » and links to « Mes tâches », which looks at every case)."""
    count = 0
    for case in cases:
        state = states[case.pk]
        if case.state in OPEN_STATES:  # my_questions: the criteria falling to the user
            for number, referents in state.criterion_referents.items():
                mine = number in state.assigned or (
                    user.role == Role.REFERENT and user.domain in referents) or (
                    user.role == Role.PORTEUR and case.lead_id == user.pk
                    and "porteur" in referents)
                if mine and state.missing_answers.get(number, 0):
                    count += 1
        if user.role == Role.REFERENT:
            if case.state in OPEN_STATES | {"avis_groupe"}:
                count += len(set(state.assigned) - set(state.opinions))
            if user.domain == "numerique" and (case.state == "avis_groupe" or (
                    case.state == "en_instruction" and len(state.opinions) >= 7)):
                count += 1
        if user.role == Role.ELU and case.state == "decision" \
                and user.delegation not in state.decisions:
            count += 1
        if user.role in (Role.PORTEUR, Role.ADMIN, Role.REPRESENTANT_PERSONNEL) \
                and case.state == "information_syndicale":
            count += 1
        if user.role == Role.PORTEUR and case.state == "brouillon" and case.lead_id == user.pk:
            count += 1
    return count + int(open_notifications(user)[:50].count()), len(cases) < HOME_LIMIT


def tasks_for(user: User) -> dict[str, Any]:
    """What waits for the user: answers, opinions, decisions, reviews; and notifications."""
    cases = case_selectors.cases_visible_to(user)
    out: dict[str, Any] = {"answers": [], "opinions": [], "consolidate": [], "decide": [],
                           "union": [], "drafts": []}
    for row in case_selectors.my_questions(user):
        if row["progress"].missing:
            out["answers"].append(row)
    if user.role == Role.REFERENT:
        assigned = Assignment.objects.filter(user=user, case__in=cases.filter(
            state__in=OPEN_STATES | {"avis_groupe"})).select_related("case")
        given = set(Opinion.objects.filter(case__in=[a.case_id for a in assigned])
                    .values_list("case_id", "criterion"))
        out["opinions"] = [a for a in assigned if (a.case_id, a.criterion) not in given]
        if user.domain == "numerique":
            out["consolidate"] = list(cases.filter(state__in=["avis_groupe", "en_instruction"])
                                      .annotate(n=Count("opinions")).filter(
                Q(state="avis_groupe") | Q(n__gte=7)))
    if user.role == Role.ELU:
        waiting = list(cases.filter(state="decision"))
        latest: dict[int, int] = {}
        for case_id, number in FileVersion.objects.filter(case__in=waiting).values_list(
                "case_id", "number"):
            latest[case_id] = max(number, latest.get(case_id, 0))
        done = set(Decision.objects.filter(case__in=waiting, delegation=user.delegation)
                   .values_list("case_id", "version__number"))
        out["decide"] = [c for c in waiting if (c.pk, latest.get(c.pk)) not in done]
    if user.role in (Role.PORTEUR, Role.ADMIN, Role.REPRESENTANT_PERSONNEL):
        out["union"] = list(cases.filter(state="information_syndicale").only(*LISTED))
    if user.role == Role.PORTEUR:
        out["drafts"] = list(cases.filter(state="brouillon", lead=user).only(*LISTED))
    out["notifications"] = list(open_notifications(user)[:50])
    out["count"] = sum(len(v) for k, v in out.items() if isinstance(v, list))
    return out
