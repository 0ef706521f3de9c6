"""Reads of the REST API, each bounded in queries, always from the web's selectors (so that a
token sees exactly what its person sees on the web)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from boussole.web.accounts.models import User
from boussole.web.cases.models import Answer, Assignment, Case
from boussole.web.cases.selectors import case_list


def cases_filtered(user: User, *, state: str | None = None, legal_level: str | None = None,
                   service: str | None = None, referent: str | None = None,
                   q: str | None = None) -> QuerySet[Case]:
    """The cases ``user`` may open that match the filters, most recently changed first."""
    cases = case_list(user)
    if state:
        cases = cases.filter(state=state)
    if legal_level:
        cases = cases.filter(legal_level=legal_level)
    if service and service.strip():
        cases = cases.filter(service__iexact=service.strip())
    if referent and referent.strip():
        cases = cases.filter(Exists(Assignment.objects.filter(
            case=OuterRef("pk"), user__username=referent.strip())))
    if q and q.strip():
        text = q.strip()
        cases = cases.filter(Q(reference__icontains=text) | Q(title__icontains=text)
                             | Q(service__icontains=text) | Q(purpose__icontains=text))
    return cases.only(
        "id", "reference", "title", "service", "state", "legal_level", "legal_potential",
        "red_line", "grid_id", "grid_version", "created_at", "updated_at", "organisation_id",
        "vendor_account_id", "lead__username", "lead__first_name", "lead__last_name")


def answers_of(case: Case) -> list[Answer]:
    return list(Answer.objects.filter(case=case).select_related("answered_by"))


def person(user: Any) -> dict[str, str] | None:
    if user is None:
        return None
    return {"username": user.username, "name": str(user)}
