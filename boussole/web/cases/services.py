"""Writes on cases. Every change goes through here and lands in the case's audit trail."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from boussole.core import cases as rules
from boussole.core import limits, workflow
from boussole.core.errors import Conflict, Refusal
from boussole.core.evidence import content_matches
from boussole.core.grid import AnswerInvalid, validate_value
from boussole.core.workflow import CLOSED_STATES, FROZEN_STATES
from boussole.web.accounts.models import Organisation, User
from boussole.web.cases.access import ensure_allowed, require_assignment
from boussole.web.cases.audit import audit_record
from boussole.web.cases.legal import fact_names, legal_refresh, red_line_standing
from boussole.web.cases.locking import case_write
from boussole.web.cases.models import (
    Answer,
    Assignment,
    Case,
    Comment,
    Evidence,
    Opinion,
    State,
    Verdict,
)
from boussole.web.cases.notifications import (
    case_facts,
    group_opinion_due_if_ready,
    mentioned_in,
    notifications_done,
    notify_event,
)
from boussole.web.grids import current_grid, grid_for, grid_for_new_case


class AnswerConflict(Conflict):
    """Someone else saved this answer since it was read: nothing was overwritten."""

    def __init__(self, current: Answer) -> None:
        super().__init__("Cette réponse a été modifiée entre-temps par une autre personne.",
                         current)
        self.current: Answer = current


def _next_reference(organisation: Organisation) -> str:
    """The next free reference of the year (imported cases may have taken some numbers)."""
    year = timezone.localdate().year
    taken = set(Case.objects.filter(organisation=organisation, reference__startswith=f"{year}-")
                .values_list("reference", flat=True))
    return rules.next_reference(year, taken)


@transaction.atomic
def case_create(*, organisation: Organisation, user: User, title: str, service: str,
                purpose: str, lead: User | None = None, vendor: str = "",
                grid_id: str | None = None) -> Case:
    """Create a case pinned to the current version of the grid."""
    problems = limits.texts_problems(title=title.strip(), service=service.strip(),
                                     purpose=purpose.strip(), vendor=vendor.strip())
    if problems:
        raise Refusal(" ".join(problems))
    grid = current_grid(grid_id) if grid_id else grid_for_new_case(organisation)
    case = Case.objects.create(
        organisation=organisation, reference=_next_reference(organisation), title=title.strip(),
        service=service.strip(), purpose=purpose.strip(), vendor=vendor.strip(),
        lead=lead or user, created_by=user, grid_id=grid.id, grid_version=grid.version,
    )
    audit_record(case=case, user=user, action="case_created",
                 after={"title": case.title, "service": case.service, "purpose": case.purpose,
                        "lead": case.lead_id, "vendor": case.vendor, "grid": case.grid_key})
    legal_refresh(case)  # its levels with no fact yet (the list and the case page show them)
    return case


@case_write
def answer_record(*, case: Case, user: User, item_id: str, value: Any, justification: str = "",
                  expected_revision: int | None = None, by_calculator: bool = False,
                  refresh_legal: bool = True) -> Answer:
    """Validate and store one answer. ``expected_revision`` is the revision the user read
    (0 for "no answer yet"); if the stored one differs, :class:`AnswerConflict` is raised and
    nothing changes. Invalid values raise :class:`AnswerInvalid` (French message).
    ``by_calculator``: the footprint calculator writes the answer for ``user``, whom its
    service allowed (core: ``Abilities.can_enter_footprint_inputs``). ``refresh_legal=False``:
    the caller refreshes the case's legal levels itself, once for several facts
    (:func:`profile_step_record`)."""
    if case.state in FROZEN_STATES or case.state in CLOSED_STATES:
        raise AnswerInvalid("Le dossier est figé à cette étape : rouvrez l'instruction pour "
                            "modifier une réponse (une nouvelle version sera créée).")
    grid = grid_for(case.grid_id, case.grid_version)
    problem = rules.item_problem(grid, item_id)
    if problem:
        raise AnswerInvalid(problem)
    item = grid.item(item_id)
    if not by_calculator:
        ensure_allowed(user, case, "answer", item=item)
    kind = Answer.Kind.QUESTION if grid.has_question(item_id) else Answer.Kind.FACT
    normalised = validate_value(item, value)
    justification = justification.strip()
    problem = rules.justification_problem(item, normalised, justification)
    if problem:
        raise AnswerInvalid(problem)
    current = Answer.objects.select_for_update().filter(case=case, item_id=item_id).first()
    conflict = rules.revision_problem(expected_revision, current.revision if current else None)
    if conflict == "deleted":
        raise AnswerInvalid("Cette réponse a été supprimée entre-temps : rechargez la page.")
    if conflict and current is not None:
        raise AnswerConflict(current)
    before = ({"value": current.value, "justification": current.justification}
              if current else None)
    after = {"value": normalised, "justification": justification}
    if before == after and current is not None:
        return current
    if current is None:
        current = Answer.objects.create(
            case=case, kind=kind, item_id=item_id, value=normalised,
            justification=justification, grid_version=case.grid_version, answered_by=user)
    else:
        current.value, current.justification = normalised, justification
        current.revision += 1
        current.answered_by = user
        current.grid_version = case.grid_version
        current.save()
    audit_record(case=case, user=user, action="answer_recorded", item_id=item_id,
                 before=before, after=after)
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
    if kind == Answer.Kind.FACT and refresh_legal:
        legal_refresh(case)
    return current


@case_write
def case_move(*, case: Case, user: User | None, state: str, note: str = "") -> Case:
    """Record a change of stage (the workflow's guards and roles sit in front of this)."""
    if state not in State.values:
        raise Refusal(f"étape inconnue : {state}")
    before = case.state
    case.state = state
    case.save(update_fields=["state", "updated_at"])
    audit_record(case=case, user=user, action="state_changed", before=before, after=state,
                 note=note)
    return case


# --- Instruction: description, assignments, comments, evidence, opinions -----------------

DESCRIPTION_FIELDS = ("title", "service", "purpose", "vendor")


@case_write
def case_update(*, case: Case, user: User, **changes: str) -> Case:
    """Change the description of a case; only the fields that changed are audited."""
    ensure_allowed(user, case, "edit_description")
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in DESCRIPTION_FIELDS:
            raise Refusal(f"champ non modifiable : {name}")
        value = value.strip()
        problem = limits.text_problem(name, value)
        if problem:
            raise Refusal(problem)
        if getattr(case, name) != value:
            before[name], after[name] = getattr(case, name), value
            setattr(case, name, value)
    if after:
        case.save()
        audit_record(case=case, user=user, action="case_updated", before=before, after=after)
    return case


@case_write
def assignment_add(*, case: Case, user: User, criterion: int, referent: User) -> Assignment:
    require_assignment(user, case, criterion, referent)  # PermissionDenied (core rule)
    if referent.organisation_id != case.organisation_id:
        raise Refusal("Cette personne n'appartient pas à l'organisation du dossier.")
    if referent.role not in ("referent", "porteur"):
        raise Refusal("Seuls les référents et les porteurs de projet peuvent être désignés.")
    assignment, created = Assignment.objects.get_or_create(
        case=case, criterion=criterion, user=referent, defaults={"assigned_by": user})
    if created:
        audit_record(case=case, user=user, action="assignment_added",
                     item_id=f"critere:{criterion}", after={"user": referent.pk,
                                                            "name": str(referent)})
        if case.state != "brouillon":  # before the launch, the launch tells everyone named
            notify_event(case, "assignment", actor=user, criterion=criterion,
                         targets=[referent], topic=f"critere:{criterion}")
    return assignment


@case_write
def assignment_remove(*, case: Case, user: User, assignment: Assignment) -> None:
    require_assignment(user, case, assignment.criterion, assignment.user)  # same right as adding
    audit_record(case=case, user=user, action="assignment_removed",
                 item_id=f"critere:{assignment.criterion}",
                 before={"user": assignment.user_id, "name": str(assignment.user)})
    notifications_done(case, "assignment_removed", actor=user,
                       topic=f"critere:{assignment.criterion}", targets=[assignment.user_id])
    assignment.delete()


@case_write
def comment_add(*, case: Case, user: User, body: str, item_id: str = "",
                criterion: int | None = None, parent: Comment | None = None) -> Comment:
    ensure_allowed(user, case, "comment")
    body = body.strip()
    if not body:
        raise Refusal("Le commentaire est vide.")
    problem = limits.text_problem("comment", body)
    if problem:
        raise Refusal(problem)
    if parent is not None:
        if parent.case_id != case.pk:
            raise Refusal("Réponse à un commentaire d'un autre dossier.")
        item_id, criterion = parent.item_id, parent.criterion
        parent = parent.parent or parent  # threads are one level deep
    comment = Comment.objects.create(case=case, author=user, body=body, item_id=item_id,
                                     criterion=criterion, parent=parent)
    audit_record(case=case, user=user, action="comment_added", item_id=item_id,
                 after={"comment": comment.pk, "body": body,
                        "parent": parent.pk if parent else None})
    _comment_events(case, user, comment, parent)
    return comment


def _comment_events(case: Case, user: User, comment: Comment, thread: Comment | None) -> None:
    """Tell the people a comment addresses (@mention), the author of the answer commented on,
    and the others in the thread; replying settles one's own notifications of the thread."""
    topic = f"fil:{(thread or comment).pk}"
    notifications_done(case, "comment_added", actor=user, topic=topic)
    facts = case_facts(case)
    url = (reverse("cases:discussion", args=[case.pk, comment.item_id]) if comment.item_id
           else reverse("cases:criterion", args=[case.pk, comment.criterion])
           if comment.criterion else reverse("cases:detail", args=[case.pk]))
    told = set(mentioned_in(comment.body, facts))
    notify_event(case, "mention", actor=user, targets=told, topic=topic, url=url, facts=facts)
    if comment.item_id:
        authors = set(Answer.objects.filter(case=case, item_id=comment.item_id)
                      .values_list("answered_by_id", flat=True)) - told
        notify_event(case, "comment_on_answer", actor=user, targets=authors, topic=topic,
                     url=url, facts=facts)
        told |= authors
    if thread is not None:
        others = ({thread.author_id} | set(Comment.objects.filter(parent=thread)
                                           .values_list("author_id", flat=True))) - told
        notify_event(case, "comment_reply", actor=user, targets=others, topic=topic, url=url,
                     facts=facts)


@case_write
def comment_resolve(*, case: Case, user: User, comment: Comment, resolved: bool = True
                    ) -> Comment:
    ensure_allowed(user, case, "comment")
    thread = comment.parent or comment
    if (thread.resolved_at is not None) == resolved:
        return thread
    thread.resolved_at = timezone.now() if resolved else None
    thread.resolved_by = user if resolved else None
    thread.save(update_fields=["resolved_at", "resolved_by"])
    audit_record(case=case, user=user,
                 action="comment_resolved" if resolved else "comment_reopened",
                 item_id=thread.item_id, after={"comment": thread.pk})
    if resolved:
        notifications_done(case, "comment_resolved", actor=user, topic=f"fil:{thread.pk}")
    return thread


class EvidenceRejected(Refusal):
    """The file was refused (size or type); the message is in French."""


@case_write
def evidence_add(*, case: Case, user: User, upload: Any, item_id: str = "",
                 criterion: int | None = None) -> Evidence:
    from django.conf import settings

    ensure_allowed(user, case, "attach")
    name = str(upload.name or "fichier")
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    allowed = settings.BOUSSOLE_EVIDENCE_TYPES
    if extension not in allowed:
        raise EvidenceRejected(
            f"Type de fichier non accepté ({extension or 'sans extension'}). Types acceptés : "
            + ", ".join(sorted(allowed)) + ".")
    limit_mb = case.organisation.evidence_limit_mb  # the organisation's, at most the instance's
    if upload.size > limit_mb * 1024 * 1024:
        raise EvidenceRejected(f"Le fichier dépasse la taille maximale de {limit_mb} Mo.")
    if upload.size == 0:
        raise EvidenceRejected("Le fichier est vide.")
    digest = hashlib.sha256()
    head = b""
    for chunk in upload.chunks():
        if not head:
            head = bytes(chunk[:2048])
        digest.update(chunk)
    if not content_matches(head, extension):
        raise EvidenceRejected("Le contenu du fichier ne correspond pas à son extension.")
    upload.seek(0)
    evidence = Evidence(case=case, uploaded_by=user, item_id=item_id, criterion=criterion,
                        original_name=name[:255], content_type=allowed[extension],
                        size=upload.size, sha256=digest.hexdigest())
    evidence.file.save(f"{digest.hexdigest()[:16]}{extension}", upload, save=False)
    evidence.save()
    audit_record(case=case, user=user, action="evidence_added", item_id=item_id,
                 after={"evidence": evidence.pk, "name": evidence.original_name,
                        "size": evidence.size, "sha256": evidence.sha256,
                        "criterion": criterion})
    return evidence


class OpinionConflict(Conflict):
    def __init__(self, current: Opinion) -> None:
        super().__init__("Cet avis a été modifié entre-temps par une autre personne.", current)
        self.current: Opinion = current


@case_write
def opinion_give(*, case: Case, user: User, criterion: int, verdict: str,
                 recommendations: str = "", expected_revision: int | None = None) -> Opinion:
    if verdict not in Verdict.values:
        raise Refusal("Avis inconnu : choisissez favorable, favorable avec réserves ou "
                      "défavorable.")
    if case.state in FROZEN_STATES or case.state in CLOSED_STATES:
        raise Refusal("Le dossier est figé à cette étape : les avis ne peuvent plus changer.")
    ensure_allowed(user, case, "give_opinion", criterion=criterion)
    if criterion in workflow.RED_LINE_CRITERIA:
        problem = workflow.can_give_opinion(criterion, verdict, red_line_standing(case),
                                            fact_names(case))
        if problem:
            raise Refusal(problem)
    recommendations = recommendations.strip()
    problem = rules.opinion_problem(verdict, recommendations)
    if problem:
        raise Refusal(problem)
    current = Opinion.objects.select_for_update().filter(case=case, criterion=criterion).first()
    conflict = rules.revision_problem(expected_revision, current.revision if current else None)
    if conflict == "deleted":
        raise Refusal("Cet avis a été supprimé entre-temps : rechargez la page.")
    if conflict and current is not None:
        raise OpinionConflict(current)
    before = ({"verdict": current.verdict, "recommendations": current.recommendations}
              if current else None)
    after = {"verdict": verdict, "recommendations": recommendations}
    if before == after and current is not None:
        return current
    if current is None:
        current = Opinion.objects.create(case=case, criterion=criterion, verdict=verdict,
                                         recommendations=recommendations, author=user)
    else:
        current.verdict, current.recommendations = verdict, recommendations
        current.author = user
        current.revision += 1
        current.save()
    audit_record(case=case, user=user, action="opinion_given", item_id=f"critere:{criterion}",
                 before=before, after=after)
    _opinion_events(case, user, criterion, verdict)
    return current


def _opinion_events(case: Case, user: User, criterion: int, verdict: str) -> None:
    """The opinion settles the criterion's requests; it reaches the lead when unfavourable or
    reserved, the people who answered the criterion, and the pilots once every criterion has
    an opinion."""
    topic = f"critere:{criterion}"
    notifications_done(case, "opinion_given", actor=user, topic=topic)
    facts = case_facts(case)
    notify_event(case, "opinion_reserved", actor=user, criterion=criterion, verdict=verdict,
                 topic=topic, facts=facts)
    grid = grid_for(case.grid_id, case.grid_version)
    questions = [q.id for q in grid.criterion(criterion).questions]
    authors = set(Answer.objects.filter(case=case, item_id__in=questions)
                  .values_list("answered_by_id", flat=True))
    if case.lead_id is not None and verdict in ("defavorable", "favorable_reserves"):
        authors.discard(case.lead_id)  # already told by "opinion_reserved"
    notify_event(case, "opinion_on_answer", actor=user, criterion=criterion, verdict=verdict,
                 targets=authors, topic=topic, facts=facts)
    group_opinion_due_if_ready(case, user, facts)


# --- The identification profile, one step at a time ----------------------------------------

@dataclass(frozen=True)
class StepAnswer:
    """One answer posted in a step of the profile: the value as the core validates it, and the
    revision the person read (0: no answer yet)."""

    item_id: str
    value: Any
    justification: str = ""
    expected_revision: int | None = 0


class StepRefused(Refusal):
    """A step of the profile refused whole: nothing was saved. ``errors``: the French message
    of each refused answer (fact id -> message); ``conflicts``: the answers someone else saved
    since they were read (fact id -> the stored :class:`Answer`)."""

    def __init__(self, errors: dict[str, str], conflicts: dict[str, Answer]) -> None:
        count = len(errors) + len(conflicts)
        super().__init__(f"Rien n'a été enregistré : {count} réponse(s) de cette étape à "
                         "corriger.")
        self.errors = errors
        self.conflicts = conflicts


@case_write
def profile_step_record(*, case: Case, user: User, answers: Sequence[StepAnswer]
                        ) -> list[Answer]:
    """Save the answers of one step of the profile at once, or none of them: each answer is
    validated and recorded by :func:`answer_record` (the core's validation, one audit event
    per changed answer), in one transaction; if any is invalid or in conflict,
    :class:`StepRefused` lists them all and the whole step is rolled back. The case's legal
    levels are refreshed once, after the last fact."""
    errors: dict[str, str] = {}
    conflicts: dict[str, Answer] = {}
    saved: list[Answer] = []
    for answer in answers:
        try:
            with transaction.atomic():  # a savepoint: the next answers are still checked
                saved.append(answer_record(
                    case=case, user=user, item_id=answer.item_id, value=answer.value,
                    justification=answer.justification,
                    expected_revision=answer.expected_revision, refresh_legal=False))
        except AnswerConflict as exc:
            conflicts[answer.item_id] = exc.current
        except AnswerInvalid as exc:
            errors[answer.item_id] = str(exc)
    if errors or conflicts:
        raise StepRefused(errors, conflicts)  # the transaction rolls every answer back
    if any(a.kind == Answer.Kind.FACT for a in saved):
        legal_refresh(case)
    return saved
