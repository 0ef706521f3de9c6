"""Writes on the follow-up of a case: the plan, its reviews, the events, the reminders.

Every write takes the case's row lock (``@case_write``), checks the core's rules
(:mod:`boussole.core.followup`) and appends to the case's audit trail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from boussole.core import followup as rules
from boussole.core import notifications as events
from boussole.core.errors import Refusal
from boussole.web.accounts.models import User
from boussole.web.cases.access import is_lead
from boussole.web.cases.audit import audit_record
from boussole.web.cases.locking import case_write
from boussole.web.cases.models import Assignment, Case
from boussole.web.cases.notifications import case_facts, notifications_done, notify_event
from boussole.web.decisions.models import Decision, FileVersion
from boussole.web.decisions.services import transition_apply
from boussole.web.followup.models import CaseEvent, FollowupPlan, ReminderSent, Review


class FollowupRefused(Refusal):
    """A follow-up write refused; ``problems`` are (field, French message) pairs."""

    def __init__(self, problems: list[rules.Problem]) -> None:
        self.problems = [(p.field, p.message) for p in problems]
        super().__init__([p.message for p in problems],
                         field=next((p.field for p in problems if p.field), None))


def organisation_schedule(case: Case) -> dict[str, int]:
    """The default schedule of the case's organisation: its own (administration settings),
    else the instance's (setting BOUSSOLE_FOLLOWUP_SCHEDULE)."""
    return rules.parse_schedule(case.organisation.schedule_text)


def hr_referent(case: Case) -> User | None:
    """The HR / working-conditions referent: the one named on the case (criterion 4 first),
    else the first active one of the organisation."""
    named = (Assignment.objects.filter(case=case, user__domain="rh_qvt", user__is_active=True)
             .select_related("user").order_by("-criterion", "id"))
    for assignment in named:
        if assignment.criterion == 4:
            return assignment.user
    first = named.first()
    if first is not None:
        return first.user
    return (User.objects.filter(organisation_id=case.organisation_id, role="referent",
                                domain="rh_qvt", is_active=True).order_by("id").first())


def _review_audit(review: Review) -> dict[str, Any]:
    return {"stage": review.stage, "due": review.due.isoformat(),
            "person": review.person_id, "done_on": review.done_on.isoformat()
            if review.done_on else None, "outcome": review.outcome}


def plan_create(*, case: Case, user: User | None, start: dt.date | None = None
                ) -> FollowupPlan:
    """Create the case's follow-up plan from the organisation's schedule (the case going into
    service). A case that comes back into service keeps its plan."""
    existing = FollowupPlan.objects.filter(case=case).first()
    if existing is not None:
        return existing
    start = start or timezone.localdate()
    plan = FollowupPlan.objects.create(case=case, started_on=start)
    person = hr_referent(case)
    for stage, due in rules.schedule(start, organisation_schedule(case)):
        Review.objects.create(plan=plan, stage=stage, due=due, person=person)
    audit_record(case=case, user=user, action="followup_plan_created", item_id="suivi",
                 after={"started_on": start.isoformat(),
                        "reviews": [_review_audit(r) for r in plan.reviews.all()]})
    return plan


def _require_planner(user: User, case: Case) -> None:
    if not rules.may_plan(role=user.role, domain=user.domain, is_lead=is_lead(user, case),
                          same_organisation=user.organisation_id == case.organisation_id):
        raise PermissionDenied("Vous ne pouvez pas modifier le calendrier de suivi.")


@case_write
def review_move(*, case: Case, user: User, review: Review, due: dt.date | None,
                reason: str) -> Review:
    """Move a review to another due date, with a reason (audited)."""
    _require_planner(user, case)
    plan = review.plan
    problems = rules.move_problems(reason=reason, due=due, done=review.done_on is not None,
                                   plan_closed=plan.closed_on is not None,
                                   start=plan.started_on)
    if problems or due is None:
        raise FollowupRefused(problems)
    before = _review_audit(review)
    review.due = due
    review.save(update_fields=["due"])
    audit_record(case=case, user=user, action="followup_review_moved",
                 item_id=f"revue:{review.stage}", before=before, after=_review_audit(review),
                 note=reason.strip())
    return review


@case_write
def review_add(*, case: Case, user: User, due: dt.date | None, reason: str,
               person: User | None = None) -> Review:
    """Add a review to the case's plan, with a reason (audited)."""
    _require_planner(user, case)
    plan = FollowupPlan.objects.get(case=case)
    problems = rules.add_problems(reason=reason, due=due, plan_closed=plan.closed_on is not None,
                                  start=plan.started_on)
    if problems or due is None:
        raise FollowupRefused(problems)
    codes = list(plan.reviews.values_list("stage", flat=True))
    review = Review.objects.create(plan=plan, stage=rules.next_added_code(codes), due=due,
                                   person=person or hr_referent(case))
    audit_record(case=case, user=user, action="followup_review_added",
                 item_id=f"revue:{review.stage}", after=_review_audit(review),
                 note=reason.strip())
    return review


@case_write
def plan_restart(*, case: Case, user: User, start: dt.date, reason: str) -> FollowupPlan:
    """Set the actual start of the service: the reviews not yet done are rescheduled from it
    by the organisation's schedule (audited, with a reason)."""
    _require_planner(user, case)
    plan = FollowupPlan.objects.get(case=case)
    if not reason.strip():
        raise FollowupRefused([rules.Problem("reason", "Indiquez le motif du changement de "
                                                       "calendrier.")])
    offsets = organisation_schedule(case)
    before = [_review_audit(r) for r in plan.reviews.all()]
    plan.started_on = start
    plan.save(update_fields=["started_on"])
    for review in plan.reviews.filter(done_on__isnull=True):
        if review.stage in offsets:
            review.due = rules.add_months(start, offsets[review.stage])
            review.save(update_fields=["due"])
    audit_record(case=case, user=user, action="followup_plan_rescheduled", item_id="suivi",
                 before=before, after={"started_on": start.isoformat(), "reviews": [
                     _review_audit(r) for r in plan.reviews.all()]}, note=reason.strip())
    return plan


@case_write
def review_conclude(*, case: Case, user: User, review: Review, conclusion: str,
                    done_on: dt.date | None = None, outcome: str = "") -> Review:
    """Record a review's conclusion (the person in charge or a planner). The last review of
    the plan closes it or extends it by a year (a new review)."""
    today = timezone.localdate()
    if not rules.may_conclude(role=user.role, domain=user.domain, is_lead=is_lead(user, case),
                              same_organisation=user.organisation_id == case.organisation_id,
                              in_charge=review.person_id == user.pk):
        raise PermissionDenied("Seule la personne responsable de la revue ou le pilotage "
                               "peut la conclure.")
    plan = review.plan
    codes = list(plan.reviews.values_list("stage", flat=True))
    final = rules.is_final(review.stage, codes)
    problems = rules.conclude_problems(conclusion=conclusion, done_on=done_on, today=today,
                                       final=final, outcome=outcome,
                                       already_done=review.done_on is not None)
    if plan.closed_on is not None:
        problems.insert(0, rules.Problem("", "Le suivi de ce dossier est clos."))
    if problems:
        raise FollowupRefused(problems)
    before = _review_audit(review)
    review.conclusion = conclusion.strip()
    review.done_on = done_on or today
    review.outcome = outcome
    review.concluded_by = user
    review.save()
    audit_record(case=case, user=user, action="followup_review_done",
                 item_id=f"revue:{review.stage}", before=before, after={
                     **_review_audit(review), "conclusion": review.conclusion})
    if outcome == "clore":
        plan.closed_on = review.done_on
        plan.save(update_fields=["closed_on"])
        audit_record(case=case, user=user, action="followup_plan_closed", item_id="suivi",
                     after={"closed_on": plan.closed_on.isoformat()})
    elif outcome == "prolonger":
        extension = Review.objects.create(
            plan=plan, stage=rules.next_extension_code(codes),
            due=rules.add_months(review.due, rules.EXTENSION_MONTHS), person=review.person)
        audit_record(case=case, user=user, action="followup_plan_extended",
                     item_id=f"revue:{extension.stage}", after=_review_audit(extension))
    notifications_done(case, "review_done", actor=user, topic=_topic(review))
    return review


@case_write
def event_record(*, case: Case, user: User, kind: str, occurred_on: dt.date | None,
                 description: str) -> CaseEvent:
    """Record an incident, a drift, a complaint or a material change on the case. A material
    change on a case in service reopens the instruction (workflow transition
    « rouvrir_instruction », refused whole if the person may not take it): the frozen version
    stays as it is, the next one is frozen when the file goes back to the officials."""
    if not rules.may_record_event(role=user.role,
                                  same_organisation=user.organisation_id == case.organisation_id):
        raise PermissionDenied("Vous ne pouvez pas enregistrer d'événement sur ce dossier.")
    problems = rules.event_problems(kind=kind, occurred_on=occurred_on,
                                    today=timezone.localdate(), description=description)
    if problems or occurred_on is None:
        raise FollowupRefused(problems)
    event = CaseEvent.objects.create(case=case, kind=kind, occurred_on=occurred_on,
                                     description=description.strip(), recorded_by=user)
    audit_record(case=case, user=user, action="followup_event_recorded",
                 item_id=f"evenement:{event.pk}", after={
                     "kind": kind, "occurred_on": occurred_on.isoformat(),
                     "description": event.description})
    if kind == rules.MATERIAL_CHANGE and case.state == "en_service":
        transition_apply(case=case, user=user, code="rouvrir_instruction",
                         reason=f"Changement substantiel : {event.description}"[:2000])
    return event


# --- Reminders --------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    """One thing due or late on a given day: a review (``review_open``, ``review_late``), the
    survey of a review's stage to open (``survey_to_open``), a survey round to close
    (``survey_to_close``) or a decision the elected officials have not taken
    (``decision_waiting``)."""

    case: Case
    kind: str
    due: dt.date
    stage: str
    label: str  # French
    recipients: tuple[User, ...]
    topic: str  # what the reminder is about (a review, a round, a case's decision)
    review: Review | None = None
    targets: tuple[int, ...] = ()  # the people the core's rule picks among (see the event)

    def as_dict(self) -> dict[str, Any]:
        return {"case_id": self.case.pk, "reference": self.case.reference, "kind": self.kind,
                "stage": self.stage, "label": self.label, "due": self.due.isoformat(),
                "recipients": [u.username for u in self.recipients]}


def _topic(review: Review) -> str:
    return f"revue:{review.pk}"


class _Cases:
    """The facts and active people of each case, read once per run."""

    def __init__(self) -> None:
        self.facts: dict[int, events.CaseFacts] = {}
        self.people: dict[int, dict[int, User]] = {}

    def reminder(self, case: Case, kind: str, *, due: dt.date, stage: str, label: str,
                 topic: str, review: Review | None = None, targets: tuple[int, ...] = ()
                 ) -> Reminder:
        if case.pk not in self.facts:
            self.facts[case.pk] = case_facts(case)
            self.people[case.pk] = {u.pk: u for u in User.objects.filter(
                organisation_id=case.organisation_id, is_active=True)}
        context = events.EventContext(targets=targets, state=case.state,
                                      due=f"{due:%d/%m/%Y}")
        ids = events.recipients(kind, self.facts[case.pk], context)
        return Reminder(case, kind, due, stage, label,
                        tuple(self.people[case.pk][i] for i in ids), topic, review, targets)


def _survey_rounds() -> Any:
    """The ``surveys.SurveyRound`` model, or ``None`` when the surveys app is not installed."""
    if not django_apps.is_installed("boussole.web.surveys"):
        return None
    return django_apps.get_model("surveys", "SurveyRound")


def reminders_due(today: dt.date) -> list[Reminder]:
    """What is due or late on ``today`` and whose reminder has not been sent that day, with
    its recipients (core rules): the reviews open or late, the surveys of their stage not
    opened yet, the survey rounds open too long, the decisions waiting for officials."""
    sent_reviews = set(ReminderSent.objects.filter(sent_on=today, review__isnull=False)
                       .values_list("review_id", "kind"))
    sent_topics = set(ReminderSent.objects.filter(sent_on=today, review__isnull=True)
                      .values_list("topic", "kind"))
    cases = _Cases()
    items: list[Reminder] = []
    rounds_model = _survey_rounds()
    reviews = (Review.objects.filter(plan__closed_on__isnull=True, done_on__isnull=True,
                                     plan__case__state__in=events.EVENTS["review_open"]
                                     .open_states)
               .select_related("plan__case__organisation", "person").order_by("due", "id"))
    survey_stages: dict[int, list[str]] = {}
    if rounds_model is not None:
        for case_id, stage in rounds_model.objects.filter(
                case__state__in=events.EVENTS["survey_to_open"].open_states).values_list(
                "case_id", "stage"):
            survey_stages.setdefault(case_id, []).append(stage)
    for review in reviews:
        case, state = review.plan.case, review.state(today)
        targets = (review.person_id,) if review.person_id else ()
        kind = rules.REMINDER_OF_STATE.get(state)
        if kind is not None and (review.pk, kind) not in sent_reviews:
            items.append(cases.reminder(case, kind, due=review.due, stage=review.stage,
                                        label=review.label, topic=_topic(review),
                                        review=review, targets=targets))
        if (rounds_model is not None
                and rules.survey_to_open(state=state, stage=review.stage,
                                         survey_stages=survey_stages.get(case.pk, []))
                and (review.pk, "survey_to_open") not in sent_reviews):
            items.append(cases.reminder(case, "survey_to_open", due=review.due,
                                        stage=review.stage,
                                        label=f"Enquête à ouvrir — {review.label}",
                                        topic=_topic(review), review=review, targets=targets))
    if rounds_model is not None:
        for survey_round in (rounds_model.objects.filter(
                closed_on__isnull=True,
                case__state__in=events.EVENTS["survey_to_close"].open_states)
                .select_related("case__organisation").order_by("opened_on", "id")):
            topic = f"enquete:{survey_round.pk}"
            if (not rules.survey_to_close(opened_on=survey_round.opened_on,
                                          closed_on=survey_round.closed_on, today=today)
                    or (topic, "survey_to_close") in sent_topics):
                continue
            items.append(cases.reminder(
                survey_round.case, "survey_to_close",
                due=rules.survey_close_due(survey_round.opened_on),
                stage=survey_round.stage.casefold(),
                label=f"Enquête à clore — {survey_round.direction}", topic=topic))
    for case in (Case.objects.filter(state=rules.DECISION_STATE)
                 .select_related("organisation").order_by("id")):
        topic = f"decision:{case.pk}"
        version = FileVersion.objects.filter(case=case).order_by("-number").first()
        if version is None or (topic, "decision_waiting") in sent_topics:
            continue
        sent_on = timezone.localdate(version.frozen_at)
        required = tuple(case.organisation.decision_delegations)
        decided = tuple(Decision.objects.filter(version=version)
                        .values_list("delegation", flat=True))
        waiting = rules.decision_waiting(state=case.state, sent_on=sent_on, today=today,
                                         required=required, decided=decided)
        if not waiting:
            continue
        officials = tuple(User.objects.filter(
            organisation_id=case.organisation_id, is_active=True, role="elu",
            delegation__in=waiting).order_by("id").values_list("pk", flat=True))
        items.append(cases.reminder(case, "decision_waiting",
                                    due=rules.decision_due_on(sent_on),
                                    stage=f"v{version.number}", label="Décision des élus",
                                    topic=topic, targets=officials))
    return items


def _reminder_url(item: Reminder) -> str:
    if item.kind == "survey_to_close" or item.kind == "survey_to_open":
        return reverse("surveys:case", args=[item.case.pk])
    if item.kind == "decision_waiting":
        return reverse("decisions:path", args=[item.case.pk])
    return reverse("followup:case", args=[item.case.pk])


def reminders_send(today: dt.date) -> list[Reminder]:
    """Send the reminders due on ``today`` (in-app notifications and e-mail, as each person
    chose) and store them, so that a second run the same day sends nothing new."""
    items = reminders_due(today)
    for item in items:
        with transaction.atomic():
            # The decision's notification has the topic ``decision_recorded`` clears.
            notify_event(item.case, item.kind, actor=None, targets=item.targets,
                         topic="" if item.kind == "decision_waiting" else item.topic,
                         due=f"{item.due:%d/%m/%Y}", url=_reminder_url(item))
            ReminderSent.objects.create(review=item.review,
                                        topic="" if item.review else item.topic,
                                        kind=item.kind, sent_on=today,
                                        recipients=[u.username for u in item.recipients])
    return items


def on_entered_service(sender: Any, *, case: Case, user: User | None, **kwargs: Any) -> None:
    """Receiver of ``decisions.services.entered_service``: the plan starts."""
    plan_create(case=case, user=user)
