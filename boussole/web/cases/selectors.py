"""Reads on cases, always through the user's organisation and role."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from boussole.core import workflow
from boussole.core.grid import Progress, criterion_progress, profile_progress
from boussole.web.accounts.models import Role, User
from boussole.web.cases.models import Answer, Case
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
    """The case list, with what it displays fetched in a fixed number of queries."""
    return (cases_visible_to(user).select_related("lead")
            .annotate(answer_count=Count("answers", filter=Q(answers__kind="question")))
            .order_by("-updated_at", "-id"))


def my_cases(user: User) -> QuerySet[Case]:
    return case_list(user).filter(Q(lead=user) | Q(created_by=user))


def case_get(user: User, pk: int) -> Case:
    """The case, or 404 whether it does not exist or the user may not see it."""
    case = cases_visible_to(user).select_related("lead", "organisation").filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def case_values(case: Case) -> tuple[dict[str, Any], dict[str, Any]]:
    """(profile facts, question answers) of a case, by item id."""
    facts: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    for kind, item_id, value in Answer.objects.filter(case=case).values_list(
            "kind", "item_id", "value"):
        (facts if kind == Answer.Kind.FACT else answers)[item_id] = value
    return facts, answers


def case_progress(case: Case) -> tuple[Progress, dict[int, Progress]]:
    grid = grid_for(case.grid_id, case.grid_version)
    facts, answers = case_values(case)
    return profile_progress(grid, facts), criterion_progress(grid, facts, answers)
