"""Pages of criterion 5 (calculator, sizing help) and criterion 7 (no-AI comparison).

Thin views: selectors read, services write, ``case_abilities`` decides. Every form works
without JavaScript (POST, then redirect); invalid input re-renders the page with the French
message next to its field, and nothing is stored.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from boussole.core.access import Abilities
from boussole.core.errors import InvalidDocument
from boussole.core.footprint import compute_footprint, data, estimate_from_sizing
from boussole.core.footprint.places import place_label
from boussole.web.accounts.models import User
from boussole.web.cases.access import require_internal
from boussole.web.cases.models import Case
from boussole.web.cases.selectors import case_get
from boussole.web.footprint import display, forms, inputs, selectors, services, small_forms
from boussole.web.footprint.fields import LOCATIONS
from boussole.web.footprint.models import NoAiScenario
from boussole.web.grids import grid_for
from boussole.web.posted import STALE_FORM, posted_revision


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 — guaranteed by @login_required
    return user


def can_edit_footprint(case: Case, abilities: Abilities) -> bool:
    """The core's rule (:meth:`Abilities.can_enter_footprint_inputs`): the case's lead, the
    criterion-5 referents, the vendor for vendor-facing inputs."""
    return services.may_enter_inputs(case, abilities)


def can_override(abilities: Abilities) -> bool:
    """Replacing a computed figure is the instruction group's call, not the vendor's."""
    return services.may_override(abilities)


def _entry_context(case: Case) -> dict[str, Any]:
    """Who enters the inputs and who validates them, for the sentence shown to the others."""
    people = selectors.input_people(case)
    return {"entry_lead": people.lead, "entry_referents": people.referents}


def can_edit_comparison(abilities: Abilities) -> bool:
    return abilities.can("answer") and abilities.can_answer_criterion(7)


def _case(request: HttpRequest, pk: int) -> tuple[User, Case, Abilities]:
    user = _user(request)
    case = case_get(user, pk)
    return user, case, require_internal(user, case)  # no footprint page for the vendor


# --- Criterion 5: the calculator ------------------------------------------------------------

def _datalists(*needed: str) -> dict[str, Any]:
    """The suggestion lists; ``needed``: those sent whole (the others are left empty)."""
    labels = {code: place_label(code) for code in data.locations()}
    return {
        "needed": needed,
        "dl_locations": sorted(labels.items(), key=lambda item: (item[0] != "FR", item[1])),
        "dl_cpus": sorted(p.model for p in data.cpus().values() if p.model != data.ANY_MODEL),
        "dl_gpus": sorted(p.model for p in data.gpus().values() if p.model != data.ANY_MODEL),
    }


#: ``?groupe=tous``: every group of the calculator open (the others are summarised).
ALL_GROUPS = "tous"


def _disclose(groups: list[dict[str, Any]], wanted: str) -> list[str]:
    """Mark the groups shown whole (``open``): the one asked for (``?groupe=``, the first by
    default, every one for ``tous``); the others are summarised, their values kept in hidden
    inputs. Returns the suggestion lists the open groups need."""
    ids = [group["spec"].id for group in groups]
    wanted_ids = set(ids) if wanted == ALL_GROUPS else {wanted if wanted in ids else ids[0]}
    needed: set[str] = set()
    for group in groups:
        forms_ = [*group["forms"], *group["rows"]]
        group["datalists"] = sorted({form.fields[name].widget.attrs["list"] for form in forms_
                                     for name in form.fields
                                     if "list" in form.fields[name].widget.attrs})
        group["open"] = group["spec"].id in wanted_ids
        if group["open"]:
            needed.update(group["datalists"])
    return sorted(needed)


def _answers_by_id(case: Case) -> dict[str, Any]:
    return {answer.item_id: answer for answer in selectors.criterion_answers(case, 5).values()}


def _calculator_context(case: Case, abilities: Abilities, *,
                        calculator: forms.Calculator | None = None,
                        overrides: dict[str, dict[str, Any]] | None = None,
                        open_group: str = "") -> dict[str, Any]:
    grid = grid_for(case.grid_id, case.grid_version)
    footprint = selectors.footprint_get(case)
    answers = _answers_by_id(case)
    prefilled = False
    if calculator is not None:  # a refused post: every group open, as typed, errors in place
        open_group = ALL_GROUPS
    else:
        if footprint is not None:
            document = inputs.normalise_document(footprint.document)
        else:
            document = inputs.document_from_answers(
                {item_id: answer.value for item_id, answer in answers.items()})
            prefilled = bool(document)
        calculator = forms.Calculator(grid=grid, document=document)
    computed_labels = list(services.computed_questions(case))
    groups = calculator.groups()
    needed = _disclose(groups, open_group)
    context: dict[str, Any] = {
        "case": case, "grid": grid, "criterion": grid.criterion(5), "abilities": abilities,
        "can_edit": can_edit_footprint(case, abilities),
        "can_override": can_override(abilities),
        "can_validate": abilities.can_validate_footprint(), **_entry_context(case),
        "footprint": footprint, "groups": groups, "answers": answers,
        "error_list": calculator.error_fields(), "general_errors": calculator.general,
        "management": calculator.equipment.management_form, "prefilled": prefilled,
        "computed_labels": display.enumeration(computed_labels), **_datalists(),
        "needed_datalists": needed, "all_open": all(group["open"] for group in groups),
    }
    if footprint is not None:
        result = footprint.result
        computed = selectors.computed_answers(case)
        grid_rows = []
        for label, item_id in services.computed_questions(case).items():
            figures = (result.get("grid") or {}).get(label)
            row = computed.get(item_id)
            form = (overrides or {}).get(item_id, {})
            grid_rows.append({"label": label, "question": grid.question(item_id),
                              "figures": figures, "row": row, "form": form})
        context.update({
            "result": result, "grid_rows": grid_rows, "checks": display.checks(result),
            "chart": display.breakdown_chart(result),
            "components": display.component_rows(result),
            "equivalents": display.equivalent_rows(result),
        })
    return context


def _calculator_page(request: HttpRequest, case: Case, abilities: Abilities,
                     calculator: forms.Calculator, status: int) -> HttpResponse:
    return render(request, "footprint/calculator.html",
                  _calculator_context(case, abilities, calculator=calculator), status=status)


@login_required
def calculator(request: HttpRequest, pk: int) -> HttpResponse:
    user, case, abilities = _case(request, pk)
    if request.method != "POST":
        open_group = request.GET.get("groupe", "")
        context = _calculator_context(case, abilities, open_group=open_group)
        if getattr(request, "htmx", False) and context["can_edit"]:
            group = next((g for g in context["groups"] if g["spec"].id == open_group), None)
            if group is None:
                raise Http404(_("Groupe du calculateur inconnu."))
            return render(request, "footprint/_group_fragment.html", {**context, "group": group})
        return render(request, "footprint/calculator.html", context)
    if not can_edit_footprint(case, abilities):
        raise PermissionDenied(_("Vous ne pouvez pas modifier l'empreinte de ce dossier."))
    grid = grid_for(case.grid_id, case.grid_version)
    form = forms.Calculator(request.POST, grid=grid)
    valid = form.is_valid()
    document = form.document()
    revision = posted_revision(request)
    if revision is None:
        form.general.append(str(STALE_FORM))
    if valid and not set(document) & set(forms.COMPONENT_KEYS):
        form.general.append(_("Renseignez au moins un groupe : équipements, modèle, calculs, "
                              "stockage et transfert, ou entraînement."))
    try:
        compute_footprint(document)
    except InvalidDocument as exc:
        form.add_problems(exc.problems)  # the form's own message comes first
    if form.has_errors():
        return _calculator_page(request, case, abilities, form, 400)
    try:
        services.footprint_compute(case=case, user=user, document=document,
                                   expected_revision=revision)
    except InvalidDocument as exc:  # pragma: no cover — validated just above
        form.add_problems(exc.problems)
        return _calculator_page(request, case, abilities, form, 400)
    except services.FootprintConflict as exc:
        form.general.append(str(exc))
        return _calculator_page(request, case, abilities, form, 409)
    _computed_messages(request, case, document)
    return redirect(reverse("footprint:calculator", args=[case.pk]) + "#resultats")


def _computed_messages(request: HttpRequest, case: Case, document: dict[str, Any]) -> None:
    """What a computation changed in the grid: the computed answers, the questions that ask
    for the inputs' figures (Q35, Q37), and the answers of a person that were kept."""
    grid = grid_for(case.grid_id, case.grid_version)
    labels = list(services.computed_questions(case))
    status = services.input_answer_status(case, document)
    numbers = {item_id: f"Q{grid.question(item_id).number}" for item_id in status
               if grid.has_question(item_id)}
    filled = [numbers[i] for i, s in status.items() if s == "filled" and i in numbers]
    kept = [numbers[i] for i, s in status.items() if s == "kept" and i in numbers]
    messages.success(request, _("Empreinte calculée ; les réponses %(questions)s de la grille "
                                "sont à jour.") % {
        "questions": display.enumeration(labels + filled)})
    if kept:
        messages.warning(request, _(
            "Les réponses %(questions)s, données dans la grille, ont été conservées : elles "
            "diffèrent des données du calculateur. Corrigez l'une ou l'autre si besoin.")
            % {"questions": display.enumeration(kept)})


@login_required
@require_POST
def validate(request: HttpRequest, pk: int) -> HttpResponse:
    """The criterion-5 referent validates the inputs (recorded, audited)."""
    user, case, abilities = _case(request, pk)
    if not abilities.can_validate_footprint():
        raise PermissionDenied(_("Seuls les référents du critère 5 (numérique responsable) "
                                 "valident les données du calculateur."))
    revision = posted_revision(request)
    if revision is None:
        messages.error(request, str(STALE_FORM))
        return redirect(reverse("footprint:calculator", args=[case.pk]) + "#validation")
    try:
        services.footprint_validate(case=case, user=user, expected_revision=revision)
    except services.FootprintConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Données du calculateur validées."))
    return redirect(reverse("footprint:calculator", args=[case.pk]) + "#validation")


@login_required
@require_POST
def override(request: HttpRequest, pk: int, question_id: str) -> HttpResponse:
    user, case, abilities = _case(request, pk)
    if question_id not in services.computed_questions(case).values():
        raise Http404
    if not can_override(abilities):
        raise PermissionDenied(_("Vous ne pouvez pas remplacer une valeur calculée."))
    anchor = reverse("footprint:calculator", args=[case.pk]) + f"#v-{question_id}"
    try:
        if request.POST.get("action") == "reset":
            services.computed_reset(case=case, user=user, question_id=question_id)
            messages.success(request, _("Valeur calculée rétablie."))
        else:
            services.computed_override(case=case, user=user, question_id=question_id,
                                       value=request.POST.get("value", ""),
                                       justification=request.POST.get("justification", ""))
            messages.success(request, _("Valeur retenue enregistrée, avec sa justification."))
    except services.Rejected as exc:
        form = {"value": request.POST.get("value", ""),
                "justification": request.POST.get("justification", ""), "errors": exc.errors}
        response = render(request, "footprint/calculator.html", _calculator_context(
            case, abilities, overrides={question_id: form}))
        response.status_code = 400
        return response
    return redirect(anchor)


# --- Criterion 5: sizing help ---------------------------------------------------------------

@login_required
def estimate(request: HttpRequest, pk: int) -> HttpResponse:
    user, case, abilities = _case(request, pk)
    answers = {item_id: a.value for item_id, a in _answers_by_id(case).items()}
    form = small_forms.SizingForm(initial=inputs.sizing_initial(answers))
    general: list[str] = []
    sizing = None
    preview = None
    status = 200
    if request.method == "POST":
        if not can_edit_footprint(case, abilities):
            raise PermissionDenied(_("Vous ne pouvez pas modifier l'empreinte de ce dossier."))
        form = small_forms.SizingForm(request.POST)
        valid = form.is_valid()
        try:
            # Missing figures get a placeholder, so that every other problem shows at once.
            estimated = estimate_from_sizing(**{**form.PLACEHOLDERS, **form.params()})
        except InvalidDocument as exc:
            general = form.add_problems(exc.problems)
        else:
            sizing = estimated if valid else None
        if sizing is not None and request.POST.get("action") == "use":
            footprint = selectors.footprint_get(case)
            try:
                services.footprint_compute(
                    case=case, user=user,
                    document=inputs.normalise_document(sizing.document),
                    expected_revision=footprint.revision if footprint else 0)
            except (InvalidDocument, services.FootprintConflict) as exc:
                general.append(str(exc))
            else:
                _computed_messages(request, case, sizing.document)
                messages.success(request, _("Estimation reprise dans le calculateur ; "
                                            "vérifiez et complétez les données."))
                return redirect(reverse("footprint:calculator", args=[case.pk]) + "#resultats")
        if sizing is not None:
            preview = compute_footprint(sizing.document).to_json()
        status = 400 if form.errors or general else 200
    grid = grid_for(case.grid_id, case.grid_version)
    response = render(request, "footprint/estimate.html", {
        "case": case, "grid": grid, "abilities": abilities,
        "can_edit": can_edit_footprint(case, abilities), "form": form,
        **_entry_context(case),
        "fields": form.essential(), "optional": form.optional(),
        "error_list": form.error_fields(), "general_errors": general, "sizing": sizing,
        "preview": preview,
        "footprint": selectors.footprint_get(case), **_datalists(LOCATIONS),  # its only list
        "chart": display.breakdown_chart(preview) if preview else None,
    })
    response.status_code = status
    return response


# --- Criterion 7: the comparison without AI -------------------------------------------------

COMPARISON_LINES: tuple[tuple[str, Promise], ...] = (
    ("service_benefit", gettext_lazy("Bénéfice pour le service")),
    ("cost", gettext_lazy("Coût")),
    ("risks", gettext_lazy("Risques")),
    ("dependency", gettext_lazy("Dépendance aux fournisseurs et aux compétences rares")),
    ("reversibility", gettext_lazy("Réversibilité et mode dégradé")),
)


def _scenario_form(scenario: NoAiScenario | None, prefix: str, *,
                   values: dict[str, str] | None = None,
                   errors: dict[str, str] | None = None,
                   footprint: small_forms.ScenarioFootprintForm | None = None) -> dict[str, Any]:
    if values is None:
        values = {"title": scenario.title if scenario else ""}
        for name, _label in COMPARISON_LINES:
            values[name] = getattr(scenario, name) if scenario else ""
    if footprint is None:
        footprint = small_forms.ScenarioFootprintForm(key=prefix, initial=(
            small_forms.ScenarioFootprintForm.initial_from(scenario.footprint_document)
            if scenario else {}))
    return {"scenario": scenario, "prefix": prefix, "values": values, "errors": errors or {},
            "footprint": footprint, "open": bool(errors or footprint.errors)}


def _alternative_context(case: Case, abilities: Abilities, *,
                         failed: dict[str, Any] | None = None) -> dict[str, Any]:
    grid = grid_for(case.grid_id, case.grid_version)
    comparison = selectors.comparison_get(case)
    scenarios = selectors.scenarios(case)
    footprint = selectors.footprint_get(case)
    ai_result = footprint.result if footprint else None
    columns = [{"title": _("Option avec IA"), "ai": True,
                "texts": {name: getattr(comparison, f"ai_{name}", "") if comparison else ""
                          for name, _l in COMPARISON_LINES},
                "result": ai_result}]
    for scenario in scenarios:
        columns.append({"title": scenario.title, "ai": False, "scenario": scenario,
                        "texts": {name: getattr(scenario, name) for name, _l in COMPARISON_LINES},
                        "result": scenario.footprint_result})
    failed = failed or {}
    forms = []
    for scenario in scenarios:
        key = f"s{scenario.pk}"
        forms.append(failed[key] if key in failed else _scenario_form(scenario, key))
    ai_values = {f"ai_{name}": (getattr(comparison, f"ai_{name}") if comparison else "")
                 for name, _l in COMPARISON_LINES}
    return {
        "case": case, "grid": grid, "criterion": grid.criterion(7), "abilities": abilities,
        "can_edit": can_edit_comparison(abilities), "comparison": comparison,
        "scenarios": scenarios, "columns": columns,
        "lines": [(name, str(label)) for name, label in COMPARISON_LINES],
        "scenario_forms": forms, "new_form": failed.get("new") or _scenario_form(None, "new"),
        "ai_form": failed.get("ai") or {"values": ai_values, "errors": {}},
        "conclusion_form": failed.get("conclusion") or {
            "values": {"conclusion": comparison.conclusion if comparison else ""},
            "errors": {}},
        "concluded": bool(comparison and comparison.concluded and scenarios),
        "ai_footprint": footprint, "ai_chart_unit": _("kg CO2e/an"),
        **_datalists(LOCATIONS),  # the scenarios' only list
    }


@login_required
def alternative(request: HttpRequest, pk: int) -> HttpResponse:
    _user, case, abilities = _case(request, pk)
    return render(request, "footprint/alternative.html", _alternative_context(case, abilities))


def _comparison_guard(request: HttpRequest, pk: int) -> tuple[User, Case, Abilities]:
    user, case, abilities = _case(request, pk)
    if not can_edit_comparison(abilities):
        raise PermissionDenied(_("Vous ne pouvez pas modifier la comparaison de ce dossier."))
    return user, case, abilities


def _reject(request: HttpRequest, case: Case, abilities: Abilities, key: str,
            form: dict[str, Any]) -> HttpResponse:
    context = _alternative_context(case, abilities, failed={key: form})
    return render(request, "footprint/alternative.html", context, status=400)


@login_required
@require_POST
def scenario_save(request: HttpRequest, pk: int, scenario_id: int | None = None
                  ) -> HttpResponse:
    user, case, abilities = _comparison_guard(request, pk)
    scenario = (get_object_or_404(NoAiScenario, case=case, pk=scenario_id)
                if scenario_id is not None else None)
    key = f"s{scenario.pk}" if scenario is not None else "new"
    values = {k: str(v) for k, v in request.POST.items()}
    footprint = selectors.footprint_get(case)
    years = footprint.result.get("service_years") if footprint else None
    form = small_forms.ScenarioFootprintForm(request.POST, key=key)
    if not form.is_valid():
        return _reject(request, case, abilities, key,
                       _scenario_form(scenario, key, values=values, footprint=form))
    try:
        services.scenario_save(case=case, user=user, values=request.POST, scenario=scenario,
                               footprint_document=form.document(years) or None)
    except services.Rejected as exc:
        errors = dict(exc.errors)
        general = form.add_problems(exc.problems)
        if general:
            errors["fp-general"] = " ".join(general)
        return _reject(request, case, abilities, key,
                       _scenario_form(scenario, key, values=values, errors=errors,
                                      footprint=form))
    messages.success(request, _("Scénario sans IA enregistré."))
    return redirect(reverse("footprint:alternative", args=[case.pk]) + "#comparaison")


@login_required
@require_POST
def scenario_delete(request: HttpRequest, pk: int, scenario_id: int) -> HttpResponse:
    user, case, _abilities = _comparison_guard(request, pk)
    scenario = get_object_or_404(NoAiScenario, case=case, pk=scenario_id)
    services.scenario_delete(case=case, user=user, scenario=scenario)
    messages.success(request, _("Scénario supprimé."))
    return redirect(reverse("footprint:alternative", args=[case.pk]) + "#comparaison")


@login_required
@require_POST
def ai_option_save(request: HttpRequest, pk: int) -> HttpResponse:
    user, case, abilities = _comparison_guard(request, pk)
    try:
        services.comparison_save(case=case, user=user, values=request.POST)
    except services.Rejected as exc:
        values = {k: str(v) for k, v in request.POST.items()}
        return _reject(request, case, abilities, "ai", {"values": values, "errors": exc.errors})
    messages.success(request, _("Option avec IA enregistrée."))
    return redirect(reverse("footprint:alternative", args=[case.pk]) + "#comparaison")


@login_required
@require_POST
def conclude(request: HttpRequest, pk: int) -> HttpResponse:
    user, case, abilities = _comparison_guard(request, pk)
    try:
        services.comparison_conclude(case=case, user=user,
                                     conclusion=request.POST.get("conclusion", ""))
    except services.Rejected as exc:
        form = {"values": {"conclusion": request.POST.get("conclusion", "")},
                "errors": exc.errors}
        return _reject(request, case, abilities, "conclusion", form)
    messages.success(request, _("Conclusion du groupe enregistrée."))
    return redirect(reverse("footprint:alternative", args=[case.pk]) + "#conclusion")
