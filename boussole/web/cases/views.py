"""Case pages. Views stay thin: selectors read, services write."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from boussole.web.cases import selectors
from boussole.web.grids import grid_for


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(request.user, pk)  # type: ignore[arg-type]
    grid = grid_for(case.grid_id, case.grid_version)
    profile, progress = selectors.case_progress(case)
    criteria = [(criterion, progress[criterion.number]) for criterion in grid.criteria]
    return render(request, "cases/detail.html", {
        "case": case, "grid": grid, "profile": profile, "criteria": criteria,
    })
