"""The organisation's dashboard (« Tableau de bord »): the portfolio of use cases at a glance.

Every figure of the charts is repeated in a table beside it, where it links to the list of the
cases behind it (the home page's list, filtered)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from boussole.core.access import sees_internal
from boussole.core.portfolio import Count
from boussole.web.portfolio.chart import bar_chart
from boussole.web.portfolio.selectors import portfolio_for

#: The home list's filter parameters that the dashboard links to, by dimension.
LIST_FILTERS = {"stage": "etape", "level": "niveau", "direction": "direction"}
#: The level filter's value for the cases not evaluated yet.
NOT_EVALUATED = "aucun"


def list_url(dimension: str, code: str) -> str:
    """The home list filtered on one value; the unfiltered list for an empty code (« Autres
    directions »)."""
    base = reverse("home")
    if not code and dimension == "level":
        code = NOT_EVALUATED
    if not code:
        return base
    return f"{base}?{urlencode({LIST_FILTERS[dimension]: code})}#liste"


def _rows(dimension: str, counts: tuple[Count, ...], *,
          skip_empty: bool = False) -> list[dict[str, Any]]:
    return [{"label": _(c.label) if dimension != "direction" or c.code == "" else c.label,
             "count": c.count, "url": list_url(dimension, c.code)}
            for c in counts if c.count or not skip_empty]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not sees_internal(getattr(user, "role", "")):
        raise PermissionDenied
    summary = portfolio_for(user)  # type: ignore[arg-type]
    sections = []
    for dimension, title, counts, skip in (
            ("stage", _("Dossiers par étape"), summary.by_stage, True),
            ("level", _("Dossiers par niveau juridique indicatif"), summary.by_level, True),
            ("direction", _("Dossiers par direction"), summary.by_direction, False)):
        rows = _rows(dimension, counts, skip_empty=skip)
        sections.append({"id": f"tdb-{dimension}", "title": title, "rows": rows,
                         "chart": bar_chart([(r["label"], r["count"]) for r in rows]),
                         "summary": "; ".join(f"{r['label']} : {r['count']}" for r in rows)})
    return render(request, "portfolio/dashboard.html", {
        "summary": summary, "sections": sections})
