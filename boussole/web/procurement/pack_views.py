"""The tender annex of a case: a page presenting it, and its download (ODT, ODS, XLSX).

Anyone who can see the case may download it (the annex holds only the grid's vendor questions
and the case's reference and title); nothing is written."""

from __future__ import annotations

from types import ModuleType

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from boussole.core.procurement.pack import vendor_questions
from boussole.web.cases import selectors
from boussole.web.cases.access import case_abilities
from boussole.web.cases.models import Case
from boussole.web.cases.page_helpers import _user
from boussole.web.grids import grid_for


def _vendor_pack() -> ModuleType:
    # Imported on first use: odfdo and openpyxl weigh about 25 MB in every server process, and
    # only the spreadsheet and document downloads need them.
    from boussole.reports import vendor_pack

    return vendor_pack


def case_info(case: Case) -> dict[str, str]:
    """What the annex says of the case (its ``case_info``)."""
    return {"reference": case.reference, "title": case.title,
            "organisation": case.organisation.name,
            "generated_at": timezone.localdate().strftime("%d/%m/%Y")}


def render_pack(case: Case, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the case's annex in ``fmt``."""
    grid = grid_for(case.grid_id, case.grid_version)
    info = case_info(case)
    return (_vendor_pack().render(grid, info, fmt), _vendor_pack().CONTENT_TYPES[fmt],
            _vendor_pack().filename(info, fmt))


@login_required
def pack_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = selectors.case_get(user, pk)
    grid = grid_for(case.grid_id, case.grid_version)
    questions = vendor_questions(grid)
    criteria = [(c, sum(1 for q in questions if q.criterion == c.number))
                for c in grid.criteria]
    return render(request, "procurement/pack_download.html", {
        "case": case, "grid": grid, "abilities": case_abilities(user, case),
        "question_count": len(questions),
        "criteria": [(c, n) for c, n in criteria if n],
        "formats": _vendor_pack().FORMATS})


@login_required
def pack_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    user = _user(request)
    case = selectors.case_get(user, pk)
    if fmt not in _vendor_pack().FORMATS:
        raise Http404
    content, content_type, name = render_pack(case, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
