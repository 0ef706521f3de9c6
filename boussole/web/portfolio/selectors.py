"""Reads for the dashboard: the rows of :mod:`boussole.core.portfolio`, in a fixed number of
queries whatever the number of cases, over the cases the user may see."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Max
from django.utils import timezone

from boussole.core import followup, portfolio
from boussole.web.accounts.models import User
from boussole.web.cases.selectors import cases_visible_to
from boussole.web.decisions.models import Decision, FileVersion
from boussole.web.followup.models import Review
from boussole.web.footprint.models import FootprintInput


def _kg_per_year(result: Any) -> float | None:
    try:
        value = (result or {}).get("per_year", {}).get("kg_co2e")
        return None if value is None else float(value)
    except (AttributeError, TypeError, ValueError):
        return None


def portfolio_for(user: User, today: dt.date | None = None) -> portfolio.Portfolio:
    today = today or timezone.localdate()
    visible = cases_visible_to(user)
    cases = list(visible.values("pk", "reference", "title", "state", "legal_level", "service",
                                "created_at", "organisation_id"))
    ids = visible.values("pk")
    decided = dict(Decision.objects.filter(case__in=ids).values("case_id")
                   .annotate(last=Max("decided_on")).values_list("case_id", "last"))
    kg = {case_id: _kg_per_year(result) for case_id, result in FootprintInput.objects.filter(
        case__in=visible.filter(state=portfolio.IN_SERVICE_STATE).values("pk"))
        .values_list("case_id", "result")}
    # The decision state: the last frozen version, and which delegations decided it.
    waiting = visible.filter(state=portfolio.DECISION_STATE)
    versions: dict[int, tuple[int, dt.datetime]] = {}
    for case_id, pk, frozen_at in (FileVersion.objects.filter(case__in=waiting.values("pk"))
                                   .order_by("case_id", "number")
                                   .values_list("case_id", "pk", "frozen_at")):
        versions[case_id] = (pk, frozen_at)  # the highest number wins
    decided_by: dict[int, set[str]] = defaultdict(set)
    for version_id, delegation in Decision.objects.filter(
            version_id__in=[pk for pk, _at in versions.values()]).values_list(
            "version_id", "delegation"):
        decided_by[version_id].add(delegation)
    required = _required_delegations(user)
    rows = []
    for case in cases:
        version = versions.get(case["pk"])
        missing = 0
        sent_on = None
        if version is not None:
            sent_on = timezone.localdate(version[1])
            missing = len([d for d in required if d not in decided_by[version[0]]])
        rows.append(portfolio.CaseRow(
            pk=case["pk"], reference=case["reference"], title=case["title"],
            state=case["state"], legal_level=case["legal_level"] or "",
            service=case["service"], created_on=timezone.localdate(case["created_at"]),
            decided_on=decided.get(case["pk"]), decision_sent_on=sent_on,
            decisions_missing=missing, kg_co2e_per_year=kg.get(case["pk"])))
    reviews = [
        portfolio.ReviewRow(case_pk=r["plan__case_id"], reference=r["plan__case__reference"],
                            title=r["plan__case__title"], stage_label=followup.stage_label(
                                r["stage"]), due=r["due"], done_on=r["done_on"])
        for r in Review.objects.filter(plan__case__in=ids, done_on__isnull=True,
                                       due__lt=today).values(
            "plan__case_id", "plan__case__reference", "plan__case__title", "stage", "due",
            "done_on")]
    return portfolio.summarise(rows, reviews, today)


def _required_delegations(user: User) -> tuple[str, ...]:
    organisation = user.organisation
    if organisation is None:
        return ()
    return tuple(organisation.decision_delegations)
