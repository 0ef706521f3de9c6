"""The « Plan d'action » page of a case (issue 12, item 9): its measures grouped by what they
answer, the form to add one (prefilled from a free text written before the plan), and the form
to change a measure's status. Thin: the inputs are read by :mod:`.plan_forms`, the rules are
the core's, the writes :mod:`boussole.web.cases.measures`'. Every form works without
JavaScript; a refused form comes back with every value kept, the error summary at the top and
each message at its field."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boussole.core import measures as rules
from boussole.core.access import Abilities
from boussole.web.accounts.models import User
from boussole.web.cases import measures, selectors
from boussole.web.cases.access import is_lead, require_internal
from boussole.web.cases.models import Case, Measure, MeasureStatus
from boussole.web.cases.plan_forms import MeasureForm, MeasureStatusForm
from boussole.web.grids import grid_for

#: The fields of the add form (element ids on the page) and their labels.
ADD_FIELDS = {"text": "mesure-texte", "target": "mesure-cible", "owner": "mesure-responsable",
              "due": "mesure-echeance", "": ""}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 — guaranteed by @login_required
    return user


def _labels() -> dict[str, str]:
    return {"text": _("Mesure à réaliser"), "target": _("Répond à"),
            "owner": _("Responsable"), "due": _("Échéance"), "status": _("Nouveau statut"),
            "done_on": _("Date de réalisation"), "note": _("Note"), "": ""}


def _may_propose(user: User, case: Case) -> bool:
    return rules.may_propose(role=user.role, is_lead=is_lead(user, case),
                             same_organisation=user.organisation_id == case.organisation_id,
                             state=case.state)


def _page(request: HttpRequest, case: Case, *, abilities: Abilities,
          add_errors: dict[str, str] | None = None,
          add_values: dict[str, str] | None = None, status_for: int | None = None,
          status_errors: dict[str, str] | None = None,
          status_values: dict[str, str] | None = None) -> HttpResponse:
    user = _user(request)
    grid = grid_for(case.grid_id, case.grid_version)
    today = timezone.localdate()
    lead = is_lead(user, case)
    rows = measures.case_measures(case)
    for measure in rows:
        measure.overdue = rules.is_overdue(measure.status, measure.due, today)  # type: ignore[attr-defined]
        measure.target_label = rules.target_label(  # type: ignore[attr-defined]
            measure.origin, measure.criterion, measure.flag)
        measure.may_change = rules.may_change_status(  # type: ignore[attr-defined]
            is_lead=lead, is_owner=measure.owner_id == user.pk,
            same_organisation=user.organisation_id == case.organisation_id, state=case.state)
        measure.next_statuses = [  # type: ignore[attr-defined]
            (code, label) for code, label in MeasureStatus.choices
            if code in rules.TRANSITIONS.get(measure.status, frozenset())]
    can_propose = _may_propose(user, case)
    suggestions = measures.suggestions(case, rows) if can_propose else []
    values = dict(add_values or {})
    wanted = request.GET.get("depuis", "")
    if not add_values and wanted:
        for suggestion in suggestions:
            if suggestion.key == wanted:
                values = {"text": suggestion.text, "target": suggestion.target,
                          "source_key": suggestion.key}
    labels = _labels()
    add_summary = [{"field": ADD_FIELDS.get(name, ""), "label": labels.get(name, ""),
                    "message": message} for name, message in (add_errors or {}).items()]
    status_summary = [{"field": f"statut-{status_for}-{name}" if name else "",
                       "label": labels.get(name, ""), "message": message}
                      for name, message in (status_errors or {}).items()]
    context = {
        "case": case, "grid": grid, "abilities": abilities, "groups": measures.plan_groups(
            case, rows), "count": len(rows),
        "overdue": sum(1 for m in rows if getattr(m, "overdue", False)),
        "can_propose": can_propose, "suggestions": suggestions,
        "targets": measures.targets(case) if can_propose else [],
        "owners": measures.owner_choices(case) if can_propose else [],
        "values": values, "add_errors": add_errors or {}, "add_summary": add_summary,
        "status_for": status_for, "status_errors": status_errors or {},
        "status_summary": status_summary, "status_values": status_values or {},
        "today": today, "refused": bool(add_errors or status_errors),
    }
    return render(request, "cases/plan.html", context,
                  status=400 if add_errors or status_errors else 200)


@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The action plan (GET), or a new measure (POST)."""
    user = _user(request)
    case = selectors.case_get(user, pk)
    abilities = require_internal(user, case)
    if request.method != "POST":
        return _page(request, case, abilities=abilities)
    form = MeasureForm(request.POST)
    if form.is_valid():
        origin, criterion, flag = form.cleaned_data["target"]
        try:
            measure = measures.measure_create(
                case=case, user=user, text=form.cleaned_data["text"], origin=origin,
                criterion=criterion, flag=flag, owner=form.cleaned_data["owner"],
                owner_name=form.cleaned_data["owner_name"], due=form.cleaned_data["due"],
                source_key=form.cleaned_data["source_key"])
        except measures.MeasureRefused as exc:
            form.add_problems(exc.problems)
        else:
            messages.success(request, _("Mesure ajoutée au plan d'action."))
            return redirect(f"{request.path}#mesure-{measure.pk}")
    return _page(request, case, abilities=abilities, add_errors=form.first_errors(),
                 add_values=form.values())


@login_required
@require_POST
def measure_status(request: HttpRequest, pk: int, measure_id: int) -> HttpResponse:
    """Change the status of one measure."""
    user = _user(request)
    case = selectors.case_get(user, pk)
    abilities = require_internal(user, case)
    measure = get_object_or_404(Measure, pk=measure_id, case=case)
    form = MeasureStatusForm(request.POST)
    if form.is_valid():
        try:
            measures.measure_set_status(case=case, user=user, measure=measure,
                                        status=form.cleaned_data["status"],
                                        done_on=form.cleaned_data["done_on"],
                                        note=form.cleaned_data["note"])
        except measures.MeasureRefused as exc:
            form.add_problems(exc.problems)
        else:
            messages.success(request, _("Statut de la mesure enregistré."))
            return redirect(reverse("cases:plan", args=[case.pk]) + f"#mesure-{measure.pk}")
    return _page(request, case, abilities=abilities, status_for=measure.pk,
                 status_errors=form.first_errors(), status_values=form.values())
