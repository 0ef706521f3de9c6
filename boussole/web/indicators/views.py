"""The « Indicateurs » page of a case (issue 13, item 3): its indicators with their trend
charts and data tables, the form to add one (prefilled from a benefit promised in criterion 3),
the form to change one and the form to record a value at a review stage. Thin: the inputs are
read by :mod:`.forms`, the rules are the core's (:mod:`boussole.core.indicators`), the writes
:mod:`.services`'. Every form works without JavaScript; a refused form comes back with its
values kept, the error summary at the top and each message at its field."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boussole.web.accounts.models import User
from boussole.web.cases import selectors as case_selectors
from boussole.web.cases.access import require_internal
from boussole.web.cases.models import Case
from boussole.web.grids import grid_for
from boussole.web.indicators import selectors, services
from boussole.web.indicators.forms import IndicatorForm, MeasurementForm
from boussole.web.indicators.models import Direction, Indicator, Kind, Stage


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 — guaranteed by @login_required
    return user


def _labels() -> dict[str, str]:
    return {"kind": _("Type d'indicateur"), "label": _("Libellé"), "unit": _("Unité"),
            "direction": _("Sens de l'amélioration"),
            "baseline_value": _("Valeur de référence"),
            "baseline_date": _("Date de la valeur de référence"),
            "target_value": _("Cible"), "target_date": _("Échéance de la cible"),
            "stage": _("Étape de suivi"), "value": _("Valeur mesurée"),
            "measured_on": _("Date de mesure"), "source": _("Source ou commentaire")}


def _summary(errors: dict[str, str], prefix: str) -> list[dict[str, str]]:
    labels = _labels()
    return [{"field": f"{prefix}{name}", "label": labels.get(name, ""), "message": message}
            for name, message in errors.items()]


def _choices() -> dict[str, object]:
    return {"kinds": Kind.choices, "directions": Direction.choices, "stages": Stage.choices}


def _page(request: HttpRequest, case: Case, *, add_errors: dict[str, str] | None = None,
          add_values: dict[str, str] | None = None, value_for: int | None = None,
          value_errors: dict[str, str] | None = None,
          value_values: dict[str, str] | None = None) -> HttpResponse:
    user = _user(request)
    abilities = require_internal(user, case)
    rows = selectors.indicator_rows(case)
    can_edit = services.may_edit(user, case)
    proposals = selectors.proposals(case, [r.indicator for r in rows]) if can_edit else []
    values = dict(add_values or {})
    wanted = request.GET.get("depuis", "")
    if not add_values:
        values.setdefault("kind", "free")
        for proposal in proposals:
            if proposal.key == wanted:
                values = {"kind": proposal.kind, "label": proposal.label,
                          "source_key": proposal.key, "direction": "higher"}
        if wanted == "energie_mesuree":
            values = {"kind": "energie_mesuree", "label": _("Énergie consommée mesurée"),
                      "unit": "kWh/an", "direction": "lower"}
    refused = bool(add_errors or value_errors)
    context = {
        "case": case, "grid": grid_for(case.grid_id, case.grid_version),
        "abilities": abilities, "rows": rows, "can_edit": can_edit, "proposals": proposals,
        "energy_estimate": selectors.energy_estimate(case) if can_edit else None,
        "values": values, "add_errors": add_errors or {},
        "add_summary": _summary(add_errors or {}, "ind-"),
        "value_for": value_for, "value_errors": value_errors or {},
        "value_values": value_values or {},
        "value_summary": _summary(value_errors or {}, f"val-{value_for}-"),
        "today": timezone.localdate(), **_choices(),
    }
    return render(request, "indicators/page.html", context, status=400 if refused else 200)


def _case(request: HttpRequest, pk: int) -> tuple[User, Case]:
    user = _user(request)
    case = case_selectors.case_get(user, pk)
    require_internal(user, case)
    return user, case


def _require_edit(user: User, case: Case) -> None:
    if not services.may_edit(user, case):
        raise PermissionDenied(_("Seuls le porteur du projet, le pilote numérique et les "
                                 "administrateurs modifient les indicateurs."))


@login_required
def page(request: HttpRequest, pk: int) -> HttpResponse:
    """The indicators (GET), or a new indicator (POST)."""
    user, case = _case(request, pk)
    if request.method != "POST":
        return _page(request, case)
    _require_edit(user, case)
    form = IndicatorForm(request.POST)
    form.full_clean()
    values = form.cleaned_data
    try:
        indicator = services.indicator_create(case=case, user=user, values=values,
                                              source_key=values["source_key"])
    except services.IndicatorRefused as exc:
        form.add_problems(exc.problems)
        return _page(request, case, add_errors=form.first_errors(), add_values=form.values())
    messages.success(request, _("Indicateur ajouté."))
    return redirect(f"{request.path}#indicateur-{indicator.pk}")


@login_required
def edit(request: HttpRequest, pk: int, indicator_id: int) -> HttpResponse:
    """Change an indicator's label, unit, direction, baseline and target."""
    user, case = _case(request, pk)
    _require_edit(user, case)
    indicator = get_object_or_404(Indicator, pk=indicator_id, case=case)
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = IndicatorForm(request.POST)
        form.full_clean()
        values = {**form.values(), "kind": indicator.kind}
        try:
            services.indicator_update(case=case, user=user, indicator=indicator,
                                      values={**form.cleaned_data, "kind": indicator.kind})
        except services.IndicatorRefused as exc:
            form.add_problems(exc.problems)
            errors = form.first_errors()
        else:
            messages.success(request, _("Indicateur enregistré."))
            return redirect(reverse("indicators:page", args=[case.pk])
                            + f"#indicateur-{indicator.pk}")
    else:
        values = {"kind": indicator.kind, "label": indicator.label, "unit": indicator.unit,
                  "direction": indicator.direction,
                  "baseline_value": f"{indicator.baseline_value:g}",
                  "baseline_date": indicator.baseline_date.isoformat(),
                  "target_value": f"{indicator.target_value:g}",
                  "target_date": indicator.target_date.isoformat()}
    context = {"case": case, "grid": grid_for(case.grid_id, case.grid_version),
               "abilities": require_internal(user, case), "indicator": indicator,
               "values": values, "errors": errors, "summary": _summary(errors, "ind-"),
               **_choices()}
    return render(request, "indicators/edit.html", context, status=400 if errors else 200)


@login_required
@require_POST
def record_value(request: HttpRequest, pk: int, indicator_id: int) -> HttpResponse:
    """Record the value of one indicator at a review stage."""
    user, case = _case(request, pk)
    _require_edit(user, case)
    indicator = get_object_or_404(Indicator, pk=indicator_id, case=case)
    form = MeasurementForm(request.POST)
    form.full_clean()
    try:
        services.measurement_record(case=case, user=user, indicator=indicator,
                                    values=form.cleaned_data)
    except services.IndicatorRefused as exc:
        form.add_problems(exc.problems)
        return _page(request, case, value_for=indicator.pk, value_errors=form.first_errors(),
                     value_values=form.values())
    messages.success(request, _("Valeur enregistrée."))
    return redirect(reverse("indicators:page", args=[case.pk]) + f"#indicateur-{indicator.pk}")
