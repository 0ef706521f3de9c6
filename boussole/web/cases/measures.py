"""The action plan of a case (issue 12, item 9): writes and reads of its measures.

The rules (what a measure must say, status changes, who may do what) are the core's
(:mod:`boussole.core.measures`); this module reads what they need, writes under the case's
lock (:func:`~boussole.web.cases.locking.case_write`), records every change in the case's
audit trail and notifies the owner (:func:`~boussole.web.cases.notifications.notify_event`).

The free texts written before the plan existed (recommendations of the criterion opinions, the
lawyers' measures, the group's conditions and recommendations, the officials' conditions) are
offered as :func:`suggestions`, one per line, each with a stable key: a measure created from
one keeps that key, and the text is no longer offered (nor accepted twice).

The group opinion and the decisions belong to the ``decisions`` app, which imports ``cases``:
their models are looked up by name in Django's app registry (no import cycle).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from boussole.core import measures as rules
from boussole.core.errors import Refusal
from boussole.core.workflow import CLOSED_STATES
from boussole.web.accounts.models import User
from boussole.web.cases.access import is_lead
from boussole.web.cases.audit import audit_record
from boussole.web.cases.legal import case_evaluation
from boussole.web.cases.locking import case_write
from boussole.web.cases.models import Case, LegalAssessment, Measure, MeasureStatus, Opinion
from boussole.web.cases.notifications import notifications_done, notify_event
from boussole.web.grids import grid_for


class MeasureRefused(Refusal):
    """A measure refused by the core's rules: every ``(field, message)`` problem, in French;
    nothing was written."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = tuple(problems)
        super().__init__([message for _field, message in self.problems],
                         field=self.problems[0][0] if self.problems else None)


def _date_fr(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def _criteria(case: Case) -> list[int]:
    return [c.number for c in grid_for(case.grid_id, case.grid_version).criteria]


def _payload(measure: Measure) -> dict[str, Any]:
    """What the trail keeps of a measure (codes and ISO dates; the journal translates)."""
    return {"text": measure.text,
            "target": rules.target_label(measure.origin, measure.criterion, measure.flag),
            "owner": measure.owner_label, "due": measure.due.isoformat(),
            "status": measure.status,
            "done_on": measure.done_on.isoformat() if measure.done_on else None,
            "note": measure.note}


def _check_owner(case: Case, owner: User | None) -> tuple[str, bool]:
    if owner is None:
        return "", True
    return owner.role, (owner.organisation_id == case.organisation_id and owner.is_active)


def _notify_owner(case: Case, user: User, measure: Measure) -> None:
    if measure.owner_id is None or measure.status not in rules.OPEN_STATUSES:
        return
    notify_event(case, "measure_assigned", actor=user, targets=[measure.owner_id],
                 topic=f"mesure:{measure.pk}", due=_date_fr(measure.due),
                 url=reverse("cases:plan", args=[case.pk]) + f"#mesure-{measure.pk}")


@case_write
def measure_create(*, case: Case, user: User, text: str, origin: str,
                   criterion: int | None = None, flag: str = "", owner: User | None = None,
                   owner_name: str = "", due: dt.date | None = None, source_key: str = "",
                   today: dt.date | None = None) -> Measure:
    """Add a measure to the case's plan (refused whole, nothing written, on any problem)."""
    today = today or timezone.localdate()
    problem = rules.propose_problem(role=user.role, is_lead=is_lead(user, case),
                                    same_organisation=user.organisation_id
                                    == case.organisation_id, state=case.state)
    if problem:
        raise MeasureRefused([("", problem)])
    role, same = _check_owner(case, owner)
    problems = rules.measure_problems(
        text=text, origin=origin, criterion=criterion, flag=flag.strip(),
        criteria=_criteria(case), has_owner_user=owner is not None, owner_name=owner_name,
        due=due, created_on=today, owner_role=role, owner_same_organisation=same)
    source_key = source_key.strip()[:80]
    if source_key and Measure.objects.filter(case=case, source_key=source_key).exists():
        problems.append(("", "Une mesure a déjà été créée à partir de ce texte."))
    if problems:
        raise MeasureRefused(problems)
    assert due is not None  # noqa: S101 — checked by the core
    measure = Measure.objects.create(
        case=case, origin=origin, criterion=criterion, flag=flag.strip(), text=text.strip(),
        owner=owner, owner_name="" if owner else owner_name.strip(), due=due,
        source_key=source_key, created_by=user)
    audit_record(case=case, user=user, action="measure_created", item_id=f"mesure:{measure.pk}",
                 after=_payload(measure))
    _notify_owner(case, user, measure)
    return measure


@case_write
def measure_update(*, case: Case, user: User, measure: Measure, text: str, origin: str,
                   criterion: int | None = None, flag: str = "", owner: User | None = None,
                   owner_name: str = "", due: dt.date | None = None) -> Measure:
    """Change what a measure says, answers, who owns it or its due date."""
    measure = _locked(case, measure)
    problem = rules.edit_problem(is_lead=is_lead(user, case),
                                 is_author=measure.created_by_id == user.pk,
                                 same_organisation=user.organisation_id == case.organisation_id,
                                 state=case.state)
    if problem:
        raise MeasureRefused([("", problem)])
    role, same = _check_owner(case, owner)
    problems = rules.measure_problems(
        text=text, origin=origin, criterion=criterion, flag=flag.strip(),
        criteria=_criteria(case), has_owner_user=owner is not None, owner_name=owner_name,
        due=due, created_on=timezone.localtime(measure.created_at).date(), owner_role=role,
        owner_same_organisation=same)
    if problems:
        raise MeasureRefused(problems)
    assert due is not None  # noqa: S101 — checked by the core
    before = _payload(measure)
    previous_owner = measure.owner_id
    measure.text, measure.origin, measure.criterion = text.strip(), origin, criterion
    measure.flag, measure.due = flag.strip(), due
    measure.owner, measure.owner_name = owner, "" if owner else owner_name.strip()
    after = _payload(measure)
    if after == before:
        return measure
    measure.save()
    audit_record(case=case, user=user, action="measure_updated", item_id=f"mesure:{measure.pk}",
                 before=before, after=after)
    if previous_owner != measure.owner_id or before["due"] != after["due"]:
        notifications_done(case, "measure_reassigned", actor=user, topic=f"mesure:{measure.pk}")
        _notify_owner(case, user, measure)
    return measure


@case_write
def measure_set_status(*, case: Case, user: User, measure: Measure, status: str,
                       done_on: dt.date | None = None, note: str = "",
                       today: dt.date | None = None) -> Measure:
    """Start, finish (with the date it was done), give up (saying why) or reopen a measure."""
    today = today or timezone.localdate()
    measure = _locked(case, measure)
    problem = rules.status_change_problem(
        is_lead=is_lead(user, case), is_owner=measure.owner_id == user.pk,
        same_organisation=user.organisation_id == case.organisation_id, state=case.state)
    if problem:
        raise MeasureRefused([("", problem)])
    if status == MeasureStatus.FAIT and done_on is None:
        done_on = today
    problems = rules.status_problems(current=measure.status, new=status, done_on=done_on,
                                     note=note, created_on=timezone.localtime(
                                         measure.created_at).date(), today=today)
    if problems:
        raise MeasureRefused(problems)
    before = _payload(measure)
    measure.status, measure.done_on, measure.note = status, done_on, note.strip()
    measure.save()
    audit_record(case=case, user=user, action="measure_status_changed",
                 item_id=f"mesure:{measure.pk}", before=before, after=_payload(measure))
    if status not in rules.OPEN_STATUSES:
        notifications_done(case, "measure_closed", actor=user, topic=f"mesure:{measure.pk}")
    elif before["status"] not in rules.OPEN_STATUSES:  # reopened: the owner is told again
        _notify_owner(case, user, measure)
    return measure


def _locked(case: Case, measure: Measure) -> Measure:
    found = Measure.objects.select_for_update().filter(pk=measure.pk, case=case).first()
    if found is None:
        raise Refusal("Cette mesure n'existe plus : rechargez la page.")
    return found


# --- Reads ---------------------------------------------------------------------------------

def case_measures(case: Case) -> list[Measure]:
    """The case's measures, with their owner and author (one query)."""
    return list(Measure.objects.filter(case=case).select_related("owner", "created_by")
                .order_by("due", "id"))


@dataclass
class PlanGroup:
    """The measures answering one thing (a criterion, the legal analysis, the group…)."""

    key: str
    title: str
    measures: list[Measure] = field(default_factory=list)


def plan_groups(case: Case, measures: Iterable[Measure]) -> list[PlanGroup]:
    """The measures grouped by what they answer: the criteria in the grid's order, then the
    legal points, the group's opinion and the officials' decision."""
    grid = grid_for(case.grid_id, case.grid_version)
    groups = {f"critere:{c.number}": PlanGroup(f"critere:{c.number}",
                                               f"Critère {c.number} — {c.title}")
              for c in grid.criteria}
    groups["juridique"] = PlanGroup("juridique", "Analyse juridique (règles et niveau retenu)")
    groups["groupe"] = PlanGroup("groupe", rules.ORIGINS["groupe"])
    groups["decision"] = PlanGroup("decision", rules.ORIGINS["decision"])
    for measure in measures:
        key = (f"critere:{measure.criterion}" if measure.origin == "critere"
               else "juridique" if measure.origin in ("regle", "juridique") else measure.origin)
        groups.setdefault(key, PlanGroup(key, rules.target_label(
            measure.origin, measure.criterion, measure.flag))).measures.append(measure)
    return [group for group in groups.values() if group.measures]


@dataclass(frozen=True)
class Target:
    value: str
    label: str


def targets(case: Case) -> list[Target]:
    """What a measure may answer, for the form's select (French labels): the criteria, the
    legal points the rules raise on the case (identifier and short explanation), the retained
    level, the group's opinion and the decision."""
    grid = grid_for(case.grid_id, case.grid_version)
    out = [Target(rules.target_value("critere", c.number), f"Critère {c.number} — {c.title}")
           for c in grid.criteria]
    for flag in case_evaluation(case).flags:
        if flag.statut == "SATISFAIT":
            continue
        explanation = " ".join(flag.explication.split())
        if len(explanation) > 90:
            explanation = explanation[:89].rstrip() + "…"
        out.append(Target(rules.target_value("regle", flag=flag.id),
                          f"Règle {flag.id} — {explanation}"))
    out += [Target("juridique", rules.ORIGINS["juridique"]),
            Target("groupe", rules.ORIGINS["groupe"]),
            Target("decision", rules.ORIGINS["decision"])]
    return out


@dataclass(frozen=True)
class Suggestion:
    """A line of a free text written before the plan, offered as a measure."""

    key: str
    text: str
    target: str  # a target value (see :func:`targets`)
    source: str  # where it was written, in French


def _key(kind: str, text: str) -> str:
    return f"{kind}:{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}"


def suggestions(case: Case, plan: list[Measure] | None = None) -> list[Suggestion]:
    """Each line of the free-text measures not yet turned into a measure of the plan (``plan``:
    the case's measures, when already read)."""
    found: list[Suggestion] = []

    def add(kind: str, text: str, target: str, source: str) -> None:
        for line in rules.split_texts(text):
            found.append(Suggestion(_key(kind, line), line, target, source))

    for opinion in Opinion.objects.filter(case=case).order_by("criterion"):
        if opinion.verdict != "favorable":
            add(f"avis-{opinion.criterion}", opinion.recommendations,
                rules.target_value("critere", opinion.criterion),
                f"Recommandations de l'avis sur le critère {opinion.criterion}")
    # The measures of the current legal assessment and the texts of the group's opinion, in
    # one query (None: no assessment, no group opinion).
    group = apps.get_model("decisions", "GroupOpinion").objects.filter(
        case=OuterRef("pk")).order_by("pk")
    legal, conditions, recommendations = Case.objects.filter(pk=case.pk).annotate(
        legal=Subquery(LegalAssessment.objects.filter(case=OuterRef("pk"))
                       .order_by("-decided_at", "-id").values("measures")[:1]),
        group_conditions=Subquery(group.values("conditions")[:1]),
        group_recommendations=Subquery(group.values("recommendations")[:1]),
    ).values_list("legal", "group_conditions", "group_recommendations").get()
    if legal is not None:
        add("juridique", legal, "juridique", "Mesures décidées par les juristes")
    if conditions is not None:
        add("groupe-condition", conditions, "groupe", "Conditions de l'avis du groupe")
        add("groupe-recommandation", recommendations or "", "groupe",
            "Recommandations de l'avis du groupe")
    for decision in (apps.get_model("decisions", "Decision").objects.filter(case=case)
                     .order_by("recorded_at", "id")):
        add(f"decision-{decision.delegation}", decision.conditions, "decision",
            "Conditions de la décision des élus")
    taken = (set(Measure.objects.filter(case=case).exclude(source_key="")
                 .values_list("source_key", flat=True)) if plan is None
             else {measure.source_key for measure in plan if measure.source_key})
    seen: set[str] = set()
    out = []
    for suggestion in found:
        if suggestion.key not in taken and suggestion.key not in seen:
            seen.add(suggestion.key)
            out.append(suggestion)
    return out


def owner_choices(case: Case) -> list[User]:
    """The people a measure may be given to: the active people of the organisation, but the
    vendor accounts."""
    return list(User.objects.filter(organisation_id=case.organisation_id, is_active=True)
                .exclude(role="prestataire").order_by("last_name", "first_name", "username"))


# --- The daily reminder --------------------------------------------------------------------

def measures_due(today: dt.date | None = None) -> int:
    """Notify the measures still open whose due date has come (the owner; the lead when the
    owner is outside Boussole), once per due date. Returns how many were notified."""
    today = today or timezone.localdate()
    notification = apps.get_model("decisions", "Notification")
    count = 0
    for measure in (Measure.objects.filter(status__in=rules.OPEN_STATUSES, due__lte=today)
                    .exclude(case__state__in=CLOSED_STATES)
                    .select_related("case", "case__organisation")):
        topic = f"mesure:{measure.pk}"
        if notification.objects.filter(case_id=measure.case_id, event="measure_due",
                                       topic=topic, message__contains=_date_fr(measure.due)
                                       ).exists():
            continue  # already told for this due date (even if read since)
        if notify_event(measure.case, "measure_due", actor=None,
                        targets=[measure.owner_id] if measure.owner_id else [],
                        topic=topic, due=_date_fr(measure.due),
                        url=reverse("cases:plan", args=[measure.case_id])
                        + f"#mesure-{measure.pk}"):
            count += 1
    return count
