"""Writes on the decision path. Each one checks the workflow's roles and guards (in the core),
re-evaluates the red lines, audits, and notifies the people whose turn it is."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.dispatch import Signal

from boussole.core import access, launch, limits, workflow
from boussole.core import cases as rules
from boussole.core import notifications as events
from boussole.core.errors import Refusal
from boussole.web.accounts.models import User
from boussole.web.cases.access import is_lead
from boussole.web.cases.audit import audit_record
from boussole.web.cases.exchange import case_export, evidence_problems
from boussole.web.cases.exchange.export import SECTIONS
from boussole.web.cases.legal import (
    case_evaluation,
    current_assessment,
    fact_names,
    red_line_standing,
    red_line_with,
)
from boussole.web.cases.locking import case_write
from boussole.web.cases.models import Answer, Assignment, Case
from boussole.web.cases.notifications import (
    notifications_done,
    notifications_stale,
    notify_event,
)
from boussole.web.cases.services import assignment_add, case_move
from boussole.web.decisions.models import (
    Decision,
    FileVersion,
    GroupOpinion,
    UnionInformation,
)
from boussole.web.decisions.state import PathRecords, group_opinion_of, path_records
from boussole.web.grids import grid_for


class WorkflowRefused(Refusal):
    """The move or record is not allowed now; ``problems`` say why, in French. ``fields``,
    when given, names the input each problem concerns (``None``: the form as a whole)."""

    def __init__(self, problems: list[str],
                 fields: Sequence[str | None] | None = None) -> None:
        self.problems = problems
        self.fields: tuple[str | None, ...] = (tuple(fields) if fields is not None
                                               else (None,) * len(problems))
        super().__init__(problems, field=next((f for f in self.fields if f), None))


def current_version(case: Case) -> FileVersion | None:
    return FileVersion.objects.filter(case=case).order_by("-number").first()


def snapshot(case: Case, records: PathRecords | None = None) -> workflow.CaseSnapshot:
    """What the workflow guards need (red lines evaluated afresh), from the case's
    decision-path records: ``records`` when already read, else read now."""
    if records is None:
        records = path_records(case)
    facts, _answers = records.values
    standing = red_line_with(case_evaluation(case, facts), records.assessment)
    group = records.group_opinion
    return workflow.CaseSnapshot(
        state=case.state,
        opinions=dict(records.opinions),
        red_line=standing,
        fact_names=fact_names(case) if standing.blocks else {},
        legal_level_retained=records.assessment is not None,
        group_verdict=group.verdict if group is not None else None,
        decisions={code: d.decision for code, d in records.decisions.items()},
        union_information=bool(records.union),
        required_delegations=case.organisation.decision_delegations,
        has_reason=False,
        missing_referents=missing_referents(case, records.assignments),
    )


def missing_referents(case: Case, assignments: dict[int, list[Assignment]] | None = None
                      ) -> tuple[int, ...]:
    """The criteria of the case's grid with no named referent (``assignments``: the referents
    named, by criterion, when already read)."""
    grid = grid_for(case.grid_id, case.grid_version)
    named: dict[int, list[int]] = {}
    if assignments is None:
        for criterion, user_id in Assignment.objects.filter(case=case).values_list(
                "criterion", "user_id"):
            named.setdefault(criterion, []).append(user_id)
    else:
        named = {criterion: [a.user_id for a in rows] for criterion, rows in assignments.items()}
    return launch.missing_referents([c.number for c in grid.criteria], named)


def file_document(case: Case, *, sections: Collection[str] = SECTIONS) -> dict[str, Any]:
    """The whole file as it stands, as frozen by :func:`freeze` (evidence files by their hash,
    not their bytes). Reads only: the memo's preview of a case not yet frozen uses it too, with
    only the ``sections`` of the case's export that the memo reads (``answers`` always)."""
    document = case_export(case, with_content=False, sections={*sections, "answers"})
    # The profile facts evaluated are the ones just exported (not read again).
    facts = {a["item_id"]: a["value"] for a in document["answers"]
             if a["kind"] == Answer.Kind.FACT}
    document["legal_evaluation"] = case_evaluation(case, facts).to_json()
    assessment = current_assessment(case)
    document["legal_retained"] = None if assessment is None else {
        "level": assessment.retained_level, "proposed": assessment.proposed_level,
        "rationale": assessment.rationale, "measures": assessment.measures,
        "by": str(assessment.decided_by), "at": assessment.decided_at.isoformat(),
        "rules_version": assessment.rules_version}
    group = group_opinion_of(case)
    document["group_opinion"] = None if group is None else {
        "verdict": group.verdict, "summary": group.summary,
        "recommendations": group.recommendations, "conditions": group.condition_list,
        "author": str(group.author)}
    document["footprint"] = _footprint_snapshot(case)
    return document


def freeze(case: Case, user: User) -> FileVersion:
    """Freeze the whole file as a new version (evidence files by their hash, not their bytes)."""
    document = file_document(case)
    latest = current_version(case)
    number = (latest.number if latest else 0) + 1
    document["version"] = number
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, default=str)
    version = FileVersion.objects.create(
        case=case, number=number, snapshot=json.loads(text), frozen_by=user,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())
    audit_record(case=case, user=user, action="version_frozen", item_id=f"version:{number}",
                 after={"version": number, "sha256": version.sha256})
    return version


def _footprint_selectors() -> Any:
    """The footprint module's selectors, or ``None`` when the app is not installed."""
    from django.apps import apps

    if not apps.is_installed("boussole.web.footprint"):
        return None
    # Imported here, not at the top: the footprint app is optional (INSTALLED_APPS), and
    # importing its models when it is not installed raises an error.
    from boussole.web.footprint import selectors as footprint_selectors

    return footprint_selectors


def _footprint_snapshot(case: Case) -> Any:
    """The criterion-5 and criterion-7 results, when the footprint module has them."""
    getter = getattr(_footprint_selectors(), "snapshot_for_case", None)
    return getter(case) if callable(getter) else None


def footprint_related() -> tuple[str, ...]:
    """The case's one-to-one records that :func:`_footprint_snapshot` reads, to be read with
    the case (none without the footprint app)."""
    return tuple(getattr(_footprint_selectors(), "CASE_RELATED", ()))


#: Sent when a case goes into service, inside the transition's transaction (the follow-up app
#: creates the plan of reviews; it builds on this module, so it listens rather than being
#: called: no import cycle). Arguments: ``case``, ``user``.
entered_service = Signal()


@case_write
def transition_apply(*, case: Case, user: User, code: str, reason: str = "") -> Case:
    """Take a workflow transition, if the user's role and every guard allow it. ``case`` is
    updated in place."""
    state = snapshot(case)
    reason = reason.strip()
    problem = limits.text_problem("reason", reason)
    if problem:
        raise WorkflowRefused([problem])
    state = workflow.CaseSnapshot(**{**state.__dict__, "has_reason": bool(reason)})
    problems = workflow.check(code, state, user.role, user.domain,
                             is_lead=is_lead(user, case))
    if user.organisation_id != case.organisation_id:
        problems = ["Dossier d'une autre organisation."]
    if not problems and code == "transmettre_elus":
        # The officials decide on the file as frozen: every piece must be there, intact.
        problems = [f"{p} Joignez-la de nouveau ou signalez-le à l'administrateur avant de "
                    "transmettre le dossier." for p in evidence_problems(case)]
    if problems:
        raise WorkflowRefused(problems)
    transition = workflow.TRANSITIONS[code]
    if code == "transmettre_elus":
        freeze(case, user)
    case_move(case=case, user=user, state=transition.target,
              note=reason or transition.label)
    if transition.target == "en_service":
        entered_service.send(sender=Case, case=case, user=user)
    notifications_stale(case)  # what no longer waits for anyone at this stage
    notify_event(case, events.EVENT_OF_STATE.get(transition.target, "stage_changed"),
                 actor=user)
    return case


@case_write
def instruction_launch(*, case: Case, user: User,
                       referents: Mapping[int, Collection[User]] | None = None,
                       confirmed: bool = False, reason: str = "") -> Case:
    """Launch the instruction: name the referents chosen for the criteria (the launch page
    proposes the organisation's referents by default), then take the transition, whose guard
    wants a referent on every criterion. Refused — nothing named, nothing moved — without the
    explicit confirmation or while a criterion has no referent."""
    if not confirmed:
        raise WorkflowRefused(["Cochez la case de confirmation pour lancer l'instruction."])
    problems = workflow.check("lancer_instruction",
                              workflow.CaseSnapshot(state=case.state, has_reason=True),
                              user.role, user.domain, is_lead=is_lead(user, case))
    if user.organisation_id != case.organisation_id:
        problems = ["Dossier d'une autre organisation."]
    if problems:
        raise WorkflowRefused(problems)
    for criterion, people in sorted((referents or {}).items()):
        for person in people:
            try:
                assignment_add(case=case, user=user, criterion=criterion, referent=person)
            except (PermissionDenied, Refusal) as exc:
                raise WorkflowRefused([f"Critère {criterion}, {person} : {exc}"]) from None
    return transition_apply(case=case, user=user, code="lancer_instruction", reason=reason)


@case_write
def group_opinion_record(*, case: Case, user: User, verdict: str, summary: str = "",
                         recommendations: str = "", conditions: str = "") -> GroupOpinion:
    if case.state != "avis_groupe":
        raise WorkflowRefused(["L'avis du groupe se consolide à l'étape « Avis du groupe »."])
    if not access.may_record_group_opinion(user.role):
        raise WorkflowRefused(["Seuls les membres du groupe d'experts consolident l'avis."])
    standing = red_line_standing(case)
    problem = workflow.can_record_group_opinion(verdict, standing, fact_names(case))
    if problem:
        raise WorkflowRefused([problem])
    problem = rules.opinion_problem(verdict, recommendations)
    if problem:
        raise WorkflowRefused([problem])
    problems = limits.texts_problems(summary=summary.strip(), conditions=conditions.strip())
    if problems:
        raise WorkflowRefused(problems)
    before = GroupOpinion.objects.filter(case=case).values(
        "verdict", "summary", "recommendations", "conditions").first()
    opinion, _created = GroupOpinion.objects.update_or_create(case=case, defaults={
        "verdict": verdict, "summary": summary.strip(),
        "recommendations": recommendations.strip(), "conditions": conditions.strip(),
        "author": user})
    audit_record(case=case, user=user, action="group_opinion_recorded", item_id="avis_groupe",
                 before=before, after={"verdict": verdict, "summary": opinion.summary,
                                       "recommendations": opinion.recommendations,
                                       "conditions": opinion.conditions})
    notifications_done(case, "group_opinion_recorded", actor=user)
    return opinion


#: The message when an elected official's decision is sent without the explicit confirmation.
DECISION_UNCONFIRMED = ("Cochez la case « Je confirme ma décision » pour enregistrer votre "
                        "décision.")


@case_write
def decision_record(*, case: Case, user: User, decision: str, decided_on: dt.date,
                    conditions: str = "", reference: str = "",
                    confirmed: bool = False) -> Decision:
    """An elected official records their decision on the frozen version, once they confirmed
    it (``confirmed``: the « Je confirme ma décision » box; without it nothing is recorded).
    Every problem of the form is reported at once, with the field it concerns."""
    if (user.organisation_id != case.organisation_id or not access.may_decide(
            user.role, user.delegation, case.organisation.decision_delegations)):
        raise WorkflowRefused(["Seul·e un·e élu·e désigné·e de l'organisation décide."])
    if case.state != "decision":
        raise WorkflowRefused(["Le dossier n'est pas soumis à la décision des élus."])
    version = current_version(case)
    if version is None:
        raise WorkflowRefused(["Aucune version figée du dossier n'a été transmise."])
    problems: list[tuple[str, str]] = []
    problem = workflow.can_record_decision(decision, red_line_standing(case), fact_names(case))
    if problem:
        problems.append(("decision", problem))
    if decision == "valide_sous_conditions" and not conditions.strip():
        problems.append(("conditions", "Précisez les conditions de la validation."))
    for name, text in (("conditions", conditions), ("reference", reference)):
        problem = limits.text_problem(name, text.strip())
        if problem:
            problems.append((name, problem))
    if not confirmed:
        problems.append(("confirm", DECISION_UNCONFIRMED))
    if problems:
        raise WorkflowRefused([message for _field, message in problems],
                              [name for name, _message in problems])
    before = Decision.objects.filter(version=version, delegation=user.delegation).values(
        "decision", "conditions", "decided_on", "reference").first()
    record, _created = Decision.objects.update_or_create(
        version=version, delegation=user.delegation, defaults={
            "case": case, "official": user, "decision": decision,
            "conditions": conditions.strip(), "decided_on": decided_on,
            "reference": reference.strip()})
    audit_record(case=case, user=user, action="decision_recorded",
                 item_id=f"decision:{user.delegation}", before=before,
                 after={"decision": decision, "conditions": record.conditions,
                        "decided_on": decided_on.isoformat(), "reference": record.reference,
                        "version": version.number})
    notifications_done(case, "decision_recorded", actor=user)
    outcome = workflow.political_outcome(dict(
        Decision.objects.filter(version=version).values_list("delegation", "decision")),
        case.organisation.decision_delegations)
    if outcome is not None:
        notify_event(case, "decision_outcome", actor=user, outcome=outcome)
    return record


@case_write
def union_information_record(*, case: Case, user: User, held_on: dt.date, body: str,
                             documents: str, questions: str = "", answers: str = ""
                             ) -> UnionInformation:
    if (user.organisation_id != case.organisation_id
            or not access.may_record_union_information(user.role,
                                                       is_lead=is_lead(user, case))):
        raise WorkflowRefused(["Votre rôle ne permet pas d'enregistrer l'information "
                               "syndicale."])
    if case.state != "information_syndicale":
        raise WorkflowRefused(["L'information syndicale s'enregistre après la validation "
                               "par les élus."])
    if not body.strip() or not documents.strip():
        raise WorkflowRefused(["Indiquez l'instance et les documents présentés."])
    problems = limits.texts_problems(body=body.strip(), documents=documents.strip(),
                                     questions=questions.strip(), answers=answers.strip())
    if problems:
        raise WorkflowRefused(problems)
    record = UnionInformation.objects.create(
        case=case, held_on=held_on, body=body.strip(), documents=documents.strip(),
        questions=questions.strip(), answers=answers.strip(), recorded_by=user)
    audit_record(case=case, user=user, action="union_information_recorded",
                 item_id="information_syndicale",
                 after={"held_on": held_on.isoformat(), "body": record.body,
                        "documents": record.documents, "questions": record.questions,
                        "answers": record.answers})
    notifications_done(case, "union_information_recorded", actor=user)
    return record
