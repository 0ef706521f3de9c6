"""Writes of criterion 5 (footprint, computed answers) and criterion 7 (no-AI comparison).

Every function is keyword-only, refuses bad input with French messages without changing
anything, and appends to the case's audit trail. The computed answers reach the grid through
:func:`boussole.web.cases.services.answer_record`, so that completeness, exports and the
criterion page see them like any other answer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from boussole.core import cases as rules
from boussole.core.access import FOOTPRINT_CRITERION, Abilities
from boussole.core.errors import Conflict, Forbidden, InvalidDocument, Problem, Refusal
from boussole.core.footprint import compute_footprint
from boussole.core.footprint.places import french_number
from boussole.core.grid import AnswerInvalid, validate_value
from boussole.web.accounts.models import User
from boussole.web.cases.access import case_abilities
from boussole.web.cases.audit import audit_record
from boussole.web.cases.locking import case_write
from boussole.web.cases.models import Answer, Case
from boussole.web.cases.services import answer_record
from boussole.web.footprint.models import (
    ComputedAnswer,
    FootprintInput,
    NoAiComparison,
    NoAiScenario,
)
from boussole.web.grids import grid_for

JSON = dict[str, Any]

#: The justification of an answer written by the calculator.
TOOL_JUSTIFICATION = "Calculé par l'outil d'empreinte (méthode Green Algorithms / EcoLogits)"
RETIRED_JUSTIFICATION = ("Plus calculée par l'outil d'empreinte : les données d'entrée "
                         "correspondantes ont été retirées.")
JUSTIFICATION_REQUIRED = "Une valeur saisie à la place du calcul doit être justifiée."
#: The justification of an answer the calculator copied from its inputs (Q35, Q37).
INPUT_JUSTIFICATION = "Repris des données d'entrée du calculateur d'empreinte"
#: The grid questions that ask for a figure of the calculator's inputs: question id →
#: (block, key) of the document.
INPUT_QUESTIONS: dict[str, tuple[str, str]] = {
    "nombre_parametres": ("llm_api", "total_params_b"),
    "nombre_executions": ("llm_api", "requests_per_year"),
}
FOOTPRINT_ITEM = "empreinte"
COMPARISON_ITEM = "comparaison_sans_ia"
MAX_TEXT = 5000


class FootprintConflict(Conflict):
    """The footprint was recomputed by someone else since it was read: nothing was stored."""

    def __init__(self, current: FootprintInput | None) -> None:
        super().__init__(str(_("Les données du calculateur ont été modifiées entre-temps par "
                               "une autre personne : rechargez la page avant de les "
                               "enregistrer.")), current)
        self.current: FootprintInput | None = current


class Rejected(Refusal):
    """Invalid input: French messages by field (``errors``) and, for a footprint document, the
    core's problems (``problems``). Nothing was stored."""

    def __init__(self, errors: Mapping[str, str], problems: tuple[Problem, ...] = ()) -> None:
        self.errors = dict(errors)
        self.problems = problems
        super().__init__(" ".join([*self.errors.values(), *(p.render() for p in problems)]))


# --- Criterion 5: the footprint and its computed answers -----------------------------------

def computed_questions(case: Case) -> dict[str, str]:
    """The computed questions of the case's grid: ``{"Q27": "emissions_fabrication", …}``."""
    grid = grid_for(case.grid_id, case.grid_version)
    return {f"Q{q.number}": q.id for c in grid.criteria for q in c.questions if q.computed}


def answer_figure(value: float) -> float:
    """A computed figure as the grid's answer holds it: four significant digits."""
    return float(f"{value:.4g}")


def _clean_json(document: Mapping[str, Any]) -> JSON:
    """A plain JSON copy (tuples become lists, no shared references)."""
    copied: JSON = json.loads(json.dumps(document, ensure_ascii=False))
    return copied


def _summary(result: Mapping[str, Any]) -> JSON:
    """What the audit trail keeps of a result: totals, checks and the grid figures."""
    return {
        "per_year_kg_co2e": result.get("per_year", {}).get("kg_co2e"),
        "lifetime_kg_co2e": result.get("lifetime", {}).get("kg_co2e"),
        "checks": result.get("checks"),
        "grid": {q: a.get("value") for q, a in (result.get("grid") or {}).items()},
    }


def _row_state(row: ComputedAnswer | None) -> JSON | None:
    if row is None:
        return None
    return {"computed": row.computed_value, "retained": row.retained,
            "overridden": row.overridden, "justification": row.justification}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _hand_made(answer: Answer | None, row: ComputedAnswer | None) -> bool:
    """Was this answer given by hand (on the criterion page), not written by the calculator?"""
    if answer is None or not _is_number(answer.value) or not answer.justification.strip():
        return False
    if answer.justification == TOOL_JUSTIFICATION:
        return False
    return not (row is not None and row.overridden and answer.value == row.retained_value
                and answer.justification == row.justification)


def _write_answer(case: Case, user: User, row: ComputedAnswer) -> None:
    if row.overridden:
        value, justification = row.retained, row.justification
    else:
        value, justification = answer_figure(row.computed_value), TOOL_JUSTIFICATION
    answer_record(case=case, user=user, item_id=row.question_id, value=value,
                  justification=justification, by_calculator=True)


# --- Who enters and who validates the inputs (the rule is the core's) ---------------------

def vendor_inputs(case: Case) -> bool:
    """Are all the calculator's inputs vendor-facing questions of the case's grid?"""
    grid = grid_for(case.grid_id, case.grid_version)
    return all(q.vendor for q in grid.criterion(FOOTPRINT_CRITERION).questions
               if not q.computed)


def may_enter_inputs(case: Case, abilities: Abilities) -> bool:
    return abilities.can_enter_footprint_inputs(vendor_inputs=vendor_inputs(case))


def may_override(abilities: Abilities) -> bool:
    """Replacing a computed figure is the instruction group's call (who answers criterion 5),
    not the lead's nor the vendor's."""
    return abilities.can("answer") and abilities.can_answer_criterion(FOOTPRINT_CRITERION)


def _require_override(case: Case, user: User) -> None:
    if not may_override(case_abilities(user, case)):
        raise Forbidden(_("Vous ne pouvez pas remplacer une valeur calculée."))


def _require_entry(case: Case, user: User) -> None:
    if not may_enter_inputs(case, case_abilities(user, case)):
        raise Forbidden(_("Seuls le chef de projet du dossier, les référents du critère 5 et le "
                          "prestataire peuvent saisir les données du calculateur."))


# --- The figures of the inputs that grid questions ask for (Q35, Q37) ---------------------

def input_figures(document: Mapping[str, Any]) -> dict[str, Any]:
    """The answers the inputs give to :data:`INPUT_QUESTIONS`, as the grid holds them."""
    out: dict[str, Any] = {}
    block = document.get("llm_api")
    if not isinstance(block, Mapping):
        return out
    params = block.get("total_params_b")
    if isinstance(params, int | float) and not isinstance(params, bool) and params > 0:
        out["nombre_parametres"] = answer_figure(params * 1e9)
    requests = block.get("requests_per_year")
    if isinstance(requests, int | float) and not isinstance(requests, bool) and requests >= 0:
        # A stored answer: in French whatever the reader's language (like the grid's).
        out["nombre_executions"] = (f"{french_number(requests)} requêtes par an "
                                    f"({french_number(requests / 12, 3)} par mois)")
    return out


def input_answer_status(case: Case, document: Mapping[str, Any]) -> dict[str, str]:
    """For each question the inputs answer: ``filled`` (the answer is the calculator's) or
    ``kept`` (a person's answer differs and was kept)."""
    figures = input_figures(document)
    answers = {a.item_id: a for a in Answer.objects.filter(case=case, item_id__in=list(figures))}
    out = {}
    for item_id, value in figures.items():
        answer = answers.get(item_id)
        by_tool = answer is not None and answer.justification == INPUT_JUSTIFICATION
        out[item_id] = "filled" if by_tool or answer is None or answer.value == value else "kept"
    return out


def _sync_inputs(case: Case, user: User, document: Mapping[str, Any]) -> None:
    """Write the figures of the inputs into the questions that ask for them, when they have no
    answer or the calculator's; a person's answer is kept (and the trail says so)."""
    figures = input_figures(document)
    answers = {a.item_id: a for a in Answer.objects.filter(case=case, item_id__in=list(figures))}
    grid = grid_for(case.grid_id, case.grid_version)
    for item_id, value in figures.items():
        if not grid.has_question(item_id):
            continue
        answer = answers.get(item_id)
        if answer is None or answer.justification == INPUT_JUSTIFICATION:
            answer_record(case=case, user=user, item_id=item_id, value=value,
                          justification=INPUT_JUSTIFICATION, by_calculator=True)
        elif answer.value != value:
            audit_record(case=case, user=user, action="footprint_answer_kept", item_id=item_id,
                         before={"value": answer.value}, after={"calculator": value},
                         note="Réponse donnée dans la grille conservée ; le calculateur "
                              "indique une autre valeur.")


def _sync_computed(case: Case, user: User, grid_figures: Mapping[str, float]) -> None:
    """Store the calculator's figures and write the retained ones into the case's answers.

    An answer given by hand to a computed question (on the criterion page, with its
    justification) is kept as the retained value: the calculator never silently replaces it.
    A question that is no longer computed loses its computed row; its answer, if it was the
    calculator's, becomes "je ne sais pas" with a note.
    """
    ids = computed_questions(case)
    rows = {r.question_id: r for r in
            ComputedAnswer.objects.select_for_update().filter(case=case)}
    answers = {a.item_id: a for a in
               Answer.objects.filter(case=case, item_id__in=list(ids.values()))}
    for number, item_id in ids.items():
        row, answer = rows.get(item_id), answers.get(item_id)
        if number not in grid_figures:
            if row is not None:
                if (not row.overridden and answer is not None
                        and answer.justification == TOOL_JUSTIFICATION):
                    answer_record(case=case, user=user, item_id=item_id, value="nsp",
                                  justification=RETIRED_JUSTIFICATION, by_calculator=True)
                row.delete()
            continue
        before = _row_state(row)
        if row is None:
            row = ComputedAnswer(case=case, question_id=item_id, updated_by=user,
                                 computed_value=grid_figures[number])
        row.computed_value = grid_figures[number]
        if _hand_made(answer, row):
            assert answer is not None  # noqa: S101 — checked by _hand_made
            row.retained_value = float(answer.value)
            row.justification = answer.justification
            row.updated_by = user
            row.save()
            audit_record(case=case, user=user, action="computed_overridden", item_id=item_id,
                         before=before, after=_row_state(row),
                         note="Réponse saisie dans la grille conservée comme valeur retenue.")
        else:
            row.updated_by = user
            row.save()
        _write_answer(case, user, row)


@case_write
def footprint_compute(*, case: Case, user: User, document: Mapping[str, Any],
                      expected_revision: int | None = None) -> FootprintInput:
    """Validate and compute ``document``, store it with its result and write the retained
    computed answers. ``expected_revision`` is the revision the user read (0: none yet).

    Raises :class:`~boussole.core.errors.InvalidDocument` (French problems, each with its
    path) or :class:`FootprintConflict`; nothing is stored then.
    """
    _require_entry(case, user)
    document = _clean_json(document)
    result = compute_footprint(document)
    result_json = _clean_json(result.to_json())
    current = FootprintInput.objects.select_for_update().filter(case=case).first()
    if rules.revision_problem(expected_revision, current.revision if current else None):
        raise FootprintConflict(current)
    before = ({"document": current.document, **_summary(current.result),
               "validation": current.validation} if current else None)
    now = timezone.now()
    if current is None:
        current = FootprintInput.objects.create(case=case, document=document,
                                                result=result_json, computed_at=now,
                                                updated_by=user)
    else:
        current.document, current.result = document, result_json
        current.computed_at, current.updated_by = now, user
        current.revision += 1
        current.save()
    audit_record(case=case, user=user, action="footprint_computed", item_id=FOOTPRINT_ITEM,
                 before=before, after={"document": document, **_summary(result_json),
                                       "validation": current.validation})
    _sync_computed(case, user, {q: a.value for q, a in result.grid.items()})
    _sync_inputs(case, user, document)
    return current


@case_write
def footprint_validate(*, case: Case, user: User, expected_revision: int | None
                       ) -> FootprintInput:
    """The criterion-5 referent validates the inputs as they are (``expected_revision``: the
    revision they read). A later change of the inputs makes them "à revalider"."""
    if not case_abilities(user, case).can_validate_footprint():
        raise Forbidden(_("Seuls les référents du critère 5 (numérique responsable) valident "
                          "les données du calculateur."))
    current = FootprintInput.objects.select_for_update().filter(case=case).first()
    if current is None:
        raise Refusal(_("Aucune donnée d'entrée à valider : le calcul n'a pas encore été fait."))
    if rules.revision_problem(expected_revision, current.revision):
        raise FootprintConflict(current)
    if current.validation == "validated":
        return current
    before = {"validation": current.validation, "validated_by": current.validated_by_id,
              "validated_revision": current.validated_revision}
    current.validated_by, current.validated_at = user, timezone.now()
    current.validated_revision = current.revision
    current.save(update_fields=["validated_by", "validated_at", "validated_revision"])
    audit_record(case=case, user=user, action="footprint_validated", item_id=FOOTPRINT_ITEM,
                 before=before, after={"validation": "validated", "validated_by": user.pk,
                                       "validated_revision": current.revision})
    return current


@case_write
def computed_override(*, case: Case, user: User, question_id: str, value: Any,
                      justification: str) -> ComputedAnswer:
    """Replace a computed figure by a value of the group's, with its justification. The
    computed figure is kept beside it. Raises :class:`Rejected` (messages by field)."""
    _require_override(case, user)
    row = ComputedAnswer.objects.select_for_update().filter(
        case=case, question_id=question_id).first()
    if row is None:
        raise Rejected({"value": _("Aucune valeur calculée pour cette question : calculez "
                                   "d'abord l'empreinte.")})
    grid = grid_for(case.grid_id, case.grid_version)
    errors: dict[str, str] = {}
    number: Any = None
    try:
        number = validate_value(grid.question(question_id), value)
    except AnswerInvalid as exc:
        errors["value"] = str(exc)
    if number == "nsp":
        errors["value"] = _("Une valeur chiffrée est attendue.")
    justification = justification.strip()
    if not justification:
        errors["justification"] = _(JUSTIFICATION_REQUIRED)
    elif len(justification) > MAX_TEXT:
        errors["justification"] = _("La justification dépasse 5 000 caractères.")
    if errors:
        raise Rejected(errors)
    before = _row_state(row)
    row.retained_value = float(number)
    row.justification = justification
    row.updated_by = user
    row.save()
    audit_record(case=case, user=user, action="computed_overridden", item_id=question_id,
                 before=before, after=_row_state(row))
    _write_answer(case, user, row)
    return row


@case_write
def computed_reset(*, case: Case, user: User, question_id: str) -> ComputedAnswer:
    """Go back to the computed figure (the override stays in the audit trail)."""
    _require_override(case, user)
    row = ComputedAnswer.objects.select_for_update().filter(
        case=case, question_id=question_id).first()
    if row is None:
        raise Rejected({"value": _("Aucune valeur calculée pour cette question.")})
    if not row.overridden:
        return row
    before = _row_state(row)
    row.retained_value = None
    row.justification = ""
    row.updated_by = user
    row.save()
    audit_record(case=case, user=user, action="computed_override_removed",
                 item_id=question_id, before=before, after=_row_state(row))
    _write_answer(case, user, row)
    return row


# --- Criterion 7: the no-AI comparison -----------------------------------------------------

SCENARIO_TEXTS = ("service_benefit", "cost", "risks", "dependency", "reversibility")
AI_TEXTS = tuple(f"ai_{name}" for name in SCENARIO_TEXTS)


def _texts(values: Mapping[str, str], names: tuple[str, ...], errors: dict[str, str]
           ) -> dict[str, str]:
    out = {}
    for name in names:
        text = str(values.get(name, "") or "").strip()
        if len(text) > MAX_TEXT:
            errors[name] = _("Ce texte dépasse 5 000 caractères.")
        out[name] = text
    return out


def _scenario_state(scenario: NoAiScenario) -> JSON:
    result = scenario.footprint_result or {}
    return {"title": scenario.title,
            **{name: getattr(scenario, name) for name in SCENARIO_TEXTS},
            "footprint_document": scenario.footprint_document,
            "per_year_kg_co2e": (result.get("per_year") or {}).get("kg_co2e")}


@case_write
def scenario_save(*, case: Case, user: User, values: Mapping[str, str],
                  footprint_document: Mapping[str, Any] | None = None,
                  scenario: NoAiScenario | None = None) -> NoAiScenario:
    """Create or change a scenario without AI. ``values``: ``title`` (required) and the texts
    of :data:`SCENARIO_TEXTS`; ``footprint_document``: an optional calculator input, computed
    with the same calculator. Raises :class:`Rejected`."""
    if scenario is not None and scenario.case_id != case.pk:
        raise Refusal(_("Ce scénario appartient à un autre dossier."))
    errors: dict[str, str] = {}
    title = str(values.get("title", "") or "").strip()
    if not title:
        errors["title"] = _("Donnez un intitulé au scénario.")
    elif len(title) > 200:
        errors["title"] = _("L'intitulé dépasse 200 caractères.")
    texts = _texts(values, SCENARIO_TEXTS, errors)
    document = _clean_json(footprint_document) if footprint_document else None
    result: JSON | None = None
    problems: tuple[Problem, ...] = ()
    if document is not None:
        try:
            result = _clean_json(compute_footprint(document).to_json())
        except InvalidDocument as exc:
            problems = exc.problems
    if errors or problems:
        raise Rejected(errors, problems)
    before = _scenario_state(scenario) if scenario is not None else None
    if scenario is None:
        last = NoAiScenario.objects.filter(case=case).aggregate(m=Max("position"))["m"] or 0
        scenario = NoAiScenario(case=case, position=last + 1, created_by=user)
    scenario.title = title
    for name, text in texts.items():
        setattr(scenario, name, text)
    scenario.footprint_document, scenario.footprint_result = document, result
    after = _scenario_state(scenario)
    if before == after:
        return scenario
    scenario.save()
    audit_record(case=case, user=user, action="no_ai_scenario_saved",
                 item_id=COMPARISON_ITEM, before=before, after={"scenario": scenario.pk,
                                                                **after})
    return scenario


@case_write
def scenario_delete(*, case: Case, user: User, scenario: NoAiScenario) -> None:
    if scenario.case_id != case.pk:
        raise Refusal(_("Ce scénario appartient à un autre dossier."))
    audit_record(case=case, user=user, action="no_ai_scenario_deleted", item_id=COMPARISON_ITEM,
                 before={"scenario": scenario.pk, **_scenario_state(scenario)})
    scenario.delete()


def _comparison_state(comparison: NoAiComparison) -> JSON:
    return {**{name: getattr(comparison, name) for name in AI_TEXTS},
            "conclusion": comparison.conclusion}


@case_write
def comparison_save(*, case: Case, user: User, values: Mapping[str, str]) -> NoAiComparison:
    """Describe the AI option on the comparison's lines (texts of :data:`AI_TEXTS`)."""
    errors: dict[str, str] = {}
    texts = _texts(values, AI_TEXTS, errors)
    if errors:
        raise Rejected(errors)
    comparison, _created = NoAiComparison.objects.select_for_update().get_or_create(case=case)
    before = _comparison_state(comparison)
    for name, text in texts.items():
        setattr(comparison, name, text)
    after = _comparison_state(comparison)
    if before != after:
        comparison.save()
        audit_record(case=case, user=user, action="no_ai_comparison_saved",
                     item_id=COMPARISON_ITEM, before=before, after=after)
    return comparison


@case_write
def comparison_conclude(*, case: Case, user: User, conclusion: str) -> NoAiComparison:
    """Record the group's conclusion: required, and only once a scenario without AI exists."""
    text = conclusion.strip()
    if not text:
        raise Rejected({"conclusion": _("La conclusion du groupe est obligatoire.")})
    if len(text) > MAX_TEXT:
        raise Rejected({"conclusion": _("La conclusion dépasse 5 000 caractères.")})
    if not NoAiScenario.objects.filter(case=case).exists():
        raise Rejected({"conclusion": _("Décrivez au moins un scénario sans IA avant de "
                                        "conclure.")})
    comparison, _created = NoAiComparison.objects.select_for_update().get_or_create(case=case)
    before = {"conclusion": comparison.conclusion,
              "concluded_by": comparison.concluded_by_id}
    if comparison.conclusion == text and comparison.concluded_at is not None:
        return comparison
    comparison.conclusion = text
    comparison.concluded_by = user
    comparison.concluded_at = timezone.now()
    comparison.save()
    audit_record(case=case, user=user, action="no_ai_comparison_concluded",
                 item_id=COMPARISON_ITEM, before=before,
                 after={"conclusion": text, "concluded_by": user.pk})
    return comparison
