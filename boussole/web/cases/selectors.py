"""Reads on cases, always through the user's organisation and role."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from boussole.core import workflow
from boussole.core.access import OPEN_STATES
from boussole.core.completeness import criteria_completeness
from boussole.core.grid import (
    Fact,
    Progress,
    Question,
    is_applicable,
    profile_progress,
)
from boussole.web.accounts.models import Role, User
from boussole.web.cases.counters import criteria_of, ensure_counters
from boussole.web.cases.models import (
    Answer,
    Assignment,
    AuditEvent,
    Case,
    Comment,
    Evidence,
    Opinion,
)
from boussole.web.grids import grid_for


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Every case the user may open: none outside their organisation; staff representatives see
    the files presented to them, vendors the cases shared with them."""
    if not user.is_authenticated or user.organisation_id is None:
        return Case.objects.none()
    cases = Case.objects.filter(organisation_id=user.organisation_id)
    if user.role == Role.REPRESENTANT_PERSONNEL:
        cases = cases.filter(state__in=workflow.UNION_VISIBLE_STATES)
    elif user.role == Role.PRESTATAIRE:
        cases = cases.filter(vendor_account=user)
    return cases


def case_list(user: User) -> QuerySet[Case]:
    """The cases the user may open, most recently changed first (index case_org_updated)."""
    return cases_visible_to(user).select_related("lead").order_by("-updated_at", "-id")


def with_answer_counts(cases: list[Case]) -> list[Case]:
    """The cases with their counters (``answer_count``…), kept by the writes of answers; no
    query unless a case has none yet (:func:`boussole.web.cases.counters.ensure_counters`)."""
    return ensure_counters(cases)


def my_cases(user: User) -> QuerySet[Case]:
    return case_list(user).filter(Q(lead=user) | Q(created_by=user))


def case_get(user: User, pk: int, *, related: Sequence[str] = ()) -> Case:
    """The case, or 404 whether it does not exist or the user may not see it. ``related``: more
    relations read with it in the same query (a page's one-to-one records, e.g.
    ``group_opinion``)."""
    case = (cases_visible_to(user).select_related("lead", "organisation", *related)
            .filter(pk=pk).first())
    if case is None:
        raise Http404
    if (user.organisation_id == case.organisation_id
            and not User.organisation.is_cached(user)):
        # The page header names the user's organisation: the one just read, not read again.
        user.organisation = case.organisation
    return case


def case_values(case: Case) -> tuple[dict[str, Any], dict[str, Any]]:
    """(profile facts, question answers) of a case, by item id."""
    facts: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    for kind, item_id, value in Answer.objects.filter(case=case).values_list(
            "kind", "item_id", "value"):
        (facts if kind == Answer.Kind.FACT else answers)[item_id] = value
    return facts, answers


#: The stand-in value of an answer whose value a list does not need to read (any value but
#: "je ne sais pas" counts the same in the completeness).
ANSWERED = object()


def progress_of_answers(case: Case, answers: dict[str, Answer]) -> dict[int, Progress]:
    """The completeness per criterion from answers already read (:func:`answers_by_item`)."""
    grid = grid_for(case.grid_id, case.grid_version)
    facts = {k: a.value for k, a in answers.items() if a.kind == Answer.Kind.FACT}
    values = {k: a.value for k, a in answers.items() if a.kind != Answer.Kind.FACT}
    return criteria_completeness(grid, facts, values)


def case_progress(case: Case, values: tuple[dict[str, Any], dict[str, Any]] | None = None
                  ) -> tuple[Progress, dict[int, Progress]]:
    """(profile progress, completeness per criterion); ``values``: :func:`case_values`, when
    already read."""
    grid = grid_for(case.grid_id, case.grid_version)
    facts, answers = case_values(case) if values is None else values
    return profile_progress(grid, facts), criteria_completeness(grid, facts, answers)


# --- Instruction pages -------------------------------------------------------------------

@dataclass
class ItemView:
    """Everything a page shows about one question or profile fact of a case."""

    item: Question | Fact
    kind: str  # "question" | "fact"
    answer: Answer | None = None
    comments: list[Comment] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    can_answer: bool = False
    error: str = ""
    conflict: Answer | None = None
    posted: dict[str, Any] = field(default_factory=dict)
    saved: bool = False
    answer_hidden: bool = False  # answered by someone the viewer may not read (the vendor)
    editing: bool = False  # answered, and its form asked for (« Modifier »)

    @property
    def shows_form(self) -> bool:
        """The answer form is shown: the person may answer, and the question is unanswered,
        being edited, refused or in conflict; otherwise the answer is shown as text (with
        « Modifier » when the person may change it)."""
        return self.can_answer and (self.answer is None or self.editing or bool(self.error)
                                    or self.conflict is not None)

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def label(self) -> str:
        if isinstance(self.item, Question):
            return f"Q{self.item.number}"
        return self.item.display_number or ""

    @property
    def value(self) -> Any:
        if self.posted:
            return self.posted.get("value")
        return self.answer.value if self.answer else None

    @property
    def justification(self) -> str:
        if self.posted:
            return str(self.posted.get("justification", ""))
        return self.answer.justification if self.answer else ""

    @property
    def revision(self) -> int:
        if self.conflict is not None:
            return self.conflict.revision
        return self.answer.revision if self.answer else 0

    @property
    def threads(self) -> list[Comment]:
        return [c for c in self.comments if c.parent_id is None]

    @property
    def open_threads(self) -> int:
        return sum(1 for c in self.threads if c.resolved_at is None)


def _attach_replies(comments: list[Comment]) -> list[Comment]:
    by_parent: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.parent_id is not None:
            by_parent.setdefault(comment.parent_id, []).append(comment)
    for comment in comments:
        comment.reply_list = by_parent.get(comment.pk, [])  # type: ignore[attr-defined]
    return comments


Discussions = tuple[dict[str, list[Comment]], dict[str, list[Evidence]]]


def discussions(case: Case, ids: list[str], criterion: int | None = None) -> Discussions:
    """(comments, evidence) of the items ``ids`` by item id, in two queries whatever their
    number; with ``criterion``, those of the criterion itself too, under the key ``""``."""
    where = Q(item_id__in=ids)
    if criterion is not None:
        where |= Q(criterion=criterion, item_id="")
    comments: dict[str, list[Comment]] = {}
    for comment in _attach_replies(list(
            Comment.objects.filter(where, case=case).select_related("author", "resolved_by"))):
        comments.setdefault(comment.item_id, []).append(comment)
    evidence: dict[str, list[Evidence]] = {}
    for piece in Evidence.objects.filter(where, case=case).select_related("uploaded_by"):
        evidence.setdefault(piece.item_id, []).append(piece)
    return comments, evidence


def item_views(case: Case, items: list[Question | Fact], *, can_answer: Any,
               facts: dict[str, Any], answers_by_id: dict[str, Answer],
               loaded: Discussions | None = None) -> list[ItemView]:
    """Views of ``items`` with their comments and evidence, in two queries whatever their
    number (none if ``loaded`` by :func:`discussions`). ``can_answer(item) -> bool``."""
    comments, evidence = loaded if loaded is not None else discussions(
        case, [item.id for item in items])
    views = []
    plain_answers = {k: a.value for k, a in answers_by_id.items()}
    for item in items:
        if not is_applicable(item, facts, plain_answers):
            continue
        views.append(ItemView(
            item=item, kind="question" if isinstance(item, Question) else "fact",
            answer=answers_by_id.get(item.id), comments=comments.get(item.id, []),
            evidence=evidence.get(item.id, []), can_answer=bool(can_answer(item))))
    return views


def restrict_views(views: list[ItemView], user: User, abilities: Any) -> list[ItemView]:
    """What a viewer outside the organisation (the vendor) may see of ``views``: the
    vendor-facing questions only, its own answers and evidence, and the comment threads it
    started (with the replies in them). ``abilities``: :class:`boussole.core.access.Abilities`.
    Internal viewers get ``views`` unchanged."""
    if abilities.internal:
        return views
    kept = []
    for view in views:
        vendor_item = isinstance(view.item, Question) and view.item.vendor
        if not abilities.sees_item(vendor_item=vendor_item):
            continue
        if view.answer is not None and not abilities.sees_answer(
                answered_by_viewer=view.answer.answered_by_id == user.pk):
            view.answer, view.answer_hidden = None, True
        if view.conflict is not None and not abilities.sees_answer(
                answered_by_viewer=view.conflict.answered_by_id == user.pk):
            view.conflict, view.answer_hidden = None, True
        threads = {c.pk for c in view.comments if c.parent_id is None and abilities.sees_thread(
            vendor_item=vendor_item, started_by_viewer=c.author_id == user.pk)}
        view.comments = [c for c in view.comments
                         if c.pk in threads or c.parent_id in threads]
        view.evidence = [e for e in view.evidence if abilities.sees_evidence(
            uploaded_by_viewer=e.uploaded_by_id == user.pk)]
        kept.append(view)
    return kept


def answers_by_item(case: Case) -> dict[str, Answer]:
    return {a.item_id: a for a in Answer.objects.filter(case=case).select_related(
        "answered_by")}


def criterion_comments(case: Case, criterion: int) -> list[Comment]:
    return [c for c in _attach_replies(list(
        Comment.objects.filter(case=case, criterion=criterion, item_id="")
        .select_related("author", "resolved_by"))) if c.parent_id is None]


def criterion_evidence(case: Case, criterion: int) -> list[Evidence]:
    return list(Evidence.objects.filter(case=case, criterion=criterion, item_id="")
                .select_related("uploaded_by"))


def assignments(case: Case) -> dict[int, list[Assignment]]:
    out: dict[int, list[Assignment]] = {}
    for assignment in Assignment.objects.filter(case=case).select_related("user"):
        out.setdefault(assignment.criterion, []).append(assignment)
    return out


def opinions(case: Case) -> dict[int, Opinion]:
    return {o.criterion: o for o in Opinion.objects.filter(case=case).select_related("author")}


def assignable_people(case: Case) -> QuerySet[User]:
    return User.objects.filter(organisation_id=case.organisation_id, is_active=True,
                               role__in=[Role.REFERENT, Role.PORTEUR]).order_by(
        "last_name", "first_name")


def audit_trail(case: Case, item_id: str = "") -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(case=case)
    if item_id:
        events = events.filter(item_id=item_id)
    return events.order_by("-sequence")


def waiting_for(case: Case, *, values: tuple[dict[str, Any], dict[str, Any]] | None = None,
                people: dict[int, list[Assignment]] | None = None,
                given: dict[int, Opinion] | None = None) -> list[dict[str, Any]]:
    """Per criterion: named referents, answers given and missing, opinion — who waits for whom.
    ``values`` (:func:`case_values`), ``people`` (:func:`assignments`) and ``given``
    (:func:`opinions`): when already read."""
    grid = grid_for(case.grid_id, case.grid_version)
    facts, answers = case_values(case) if values is None else values
    progress = criteria_completeness(grid, facts, answers)
    people = assignments(case) if people is None else people
    given = opinions(case) if given is None else given
    open_comments = dict(
        Comment.objects.filter(case=case, parent__isnull=True, resolved_at__isnull=True)
        .exclude(criterion=None).values_list("criterion").annotate(n=Count("id")))
    rows = []
    for criterion in grid.criteria:
        p = progress[criterion.number]
        opinion = given.get(criterion.number)
        if p.missing:
            status = "reponses"
        elif opinion is None:
            status = "avis"
        else:
            status = "termine"
        rows.append({"criterion": criterion, "progress": p,
                     "assignees": people.get(criterion.number, []), "opinion": opinion,
                     "status": status, "open_comments": open_comments.get(criterion.number, 0)})
    return rows


def progress_for_cases(cases: list[Case]) -> dict[int, dict[int, Progress]]:
    """Completeness per criterion of many cases, by the core's one count
    (:func:`boussole.core.completeness.criteria_completeness`, as on the case overview and in
    the memo), read from the counters that every write of an answer keeps
    (boussole/web/cases/counters.py): no query once they exist."""
    ensure_counters(cases)
    return {case.pk: criteria_of(case) for case in cases}


def progress_by_person(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """From :func:`waiting_for` rows: per named referent, their criteria, the answers still
    missing there and the opinions still to give."""
    people: dict[int, dict[str, Any]] = {}
    for row in rows:
        for assignment in row["assignees"]:
            entry = people.setdefault(assignment.user_id, {
                "user": assignment.user, "criteria": [], "missing": 0, "opinions": 0})
            entry["criteria"].append(row["criterion"].number)
            entry["missing"] += row["progress"].missing
            entry["opinions"] += 0 if row["opinion"] else 1
    return sorted(people.values(), key=lambda e: (-e["missing"], str(e["user"])))


def my_questions(user: User) -> list[dict[str, Any]]:
    """The criteria of open cases assigned to the user (or falling to their domain)."""
    cases = list(cases_visible_to(user).filter(state__in=OPEN_STATES)
                 .select_related("lead").defer("purpose").order_by("-updated_at")[:200])
    assigned: dict[int, set[int]] = {}
    for case_id, number in Assignment.objects.filter(case__in=cases, user=user).values_list(
            "case_id", "criterion"):
        assigned.setdefault(case_id, set()).add(number)
    progress_of = progress_for_cases(cases)
    rows = []
    for case in cases:
        grid = grid_for(case.grid_id, case.grid_version)
        progress = progress_of[case.pk]
        for criterion in grid.criteria:
            mine = criterion.number in assigned.get(case.pk, set()) or (
                user.role == Role.REFERENT and user.domain in criterion.referents) or (
                user.role == Role.PORTEUR and case.lead_id == user.pk
                and "porteur" in criterion.referents)
            if mine:
                rows.append({"case": case, "criterion": criterion,
                             "progress": progress[criterion.number]})
    return rows
