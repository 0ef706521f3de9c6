"""Reads of a case's follow-up: the plan's reviews with their computed state, the events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext

from boussole.core import followup as rules
from boussole.web.cases.models import Case
from boussole.web.followup.models import CaseEvent, FollowupPlan, Review


def case_plan(case: Case) -> FollowupPlan | None:
    return FollowupPlan.objects.filter(case=case).first()


def plan_reviews(plan: FollowupPlan | None, today: dt.date) -> list[Review]:
    """The plan's reviews in due order, each with ``state_code`` and ``state_label`` set."""
    if plan is None:
        return []
    reviews = list(plan.reviews.select_related("person", "concluded_by"))
    codes = [r.stage for r in reviews]
    for review in reviews:
        review.state_code = review.state(today)  # type: ignore[attr-defined]
        # The core's French labels, translated at display time (msgids listed for the lead).
        review.state_label = gettext(rules.STATES[review.state_code])  # type: ignore[attr-defined]
        review.stage_label = gettext(review.label)  # type: ignore[attr-defined]
        review.final = rules.is_final(review.stage, codes)  # type: ignore[attr-defined]
    return reviews


def case_events(case: Case) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case).select_related("recorded_by"))


def followup_document(case: Case, today: dt.date) -> dict[str, Any]:
    """The follow-up as plain data (codes, ISO dates), for the CLI and exports."""
    plan = case_plan(case)
    return {
        "case_id": case.pk, "reference": case.reference, "state": case.state,
        "plan": None if plan is None else {
            "started_on": plan.started_on.isoformat(),
            "closed_on": plan.closed_on.isoformat() if plan.closed_on else None},
        "reviews": [{"stage": r.stage, "label": r.label, "due": r.due.isoformat(),
                     "state": r.state_code,  # type: ignore[attr-defined]
                     "person": r.person.username if r.person else None,
                     "done_on": r.done_on.isoformat() if r.done_on else None,
                     "conclusion": r.conclusion, "outcome": r.outcome or None}
                    for r in plan_reviews(plan, today)],
        "events": [{"kind": e.kind, "date": e.occurred_on.isoformat(),
                    "description": e.description, "recorded_by": e.recorded_by.username}
                   for e in case_events(case)],
    }
