"""Reads of criteria 5 and 7, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from boussole.web.accounts.models import User
from boussole.web.cases.models import Answer, Assignment, Case
from boussole.web.footprint import display
from boussole.web.footprint.equivalents import equivalents
from boussole.web.footprint.models import (
    ComputedAnswer,
    FootprintInput,
    NoAiComparison,
    NoAiScenario,
)
from boussole.web.grids import grid_for


def footprint_get(case: Case) -> FootprintInput | None:
    return (FootprintInput.objects.select_related("updated_by", "validated_by")
            .filter(case=case).first())


@dataclass(frozen=True)
class InputPeople:
    """Who enters the calculator's inputs of a case and who validates them (one query)."""

    lead: User | None
    referents: list[User]  # named on criterion 5


def input_people(case: Case) -> InputPeople:
    referents = [a.user for a in Assignment.objects.filter(case=case, criterion=5)
                 .select_related("user")]
    lead_id = case.lead_id or case.created_by_id
    lead = next((u for u in referents if u.pk == lead_id), None)
    if lead is None and lead_id:
        lead = User.objects.filter(pk=lead_id).first()
    return InputPeople(lead=lead, referents=referents)


def computed_answers(case: Case) -> dict[str, ComputedAnswer]:
    """The computed answers of the case by question id."""
    return {row.question_id: row for row in
            ComputedAnswer.objects.filter(case=case).select_related("updated_by")}


def criterion_answers(case: Case, number: int) -> dict[int, Answer]:
    """The case's answers to the questions of one criterion, by question number (one query)."""
    grid = grid_for(case.grid_id, case.grid_version)
    numbers = {q.id: q.number for q in grid.criterion(number).questions}
    return {numbers[a.item_id]: a for a in
            Answer.objects.filter(case=case, item_id__in=list(numbers))}


def comparison_get(case: Case) -> NoAiComparison | None:
    return NoAiComparison.objects.select_related("concluded_by").filter(case=case).first()


def scenarios(case: Case) -> list[NoAiScenario]:
    return list(NoAiScenario.objects.filter(case=case).order_by("position", "id"))


@dataclass(frozen=True)
class CriterionSummary:
    """What the criterion page shows of the calculator (5) or the comparison (7)."""

    number: int
    computed: list[tuple[str, ComputedAnswer]]  # (question label "Q27", row)
    checks: dict[str, Any]
    per_year_kg: float | None
    has_footprint: bool
    validation: str = "none"  # FootprintInput.validation
    scenario_count: int = 0
    comparison: NoAiComparison | None = None
    questions: str = ""  # the computed questions of the grid: "Q27, Q45, Q51 et Q59"

    @property
    def concluded(self) -> bool:
        return (self.comparison is not None and self.comparison.concluded
                and self.scenario_count > 0)


def criterion_summary(case: Case, number: int) -> CriterionSummary:
    """Two queries at most (one for criterion 7), whatever the number of questions, scenarios
    or answers."""
    if number == 7:
        scenarios = (NoAiScenario.objects.filter(case=OuterRef("pk")).order_by()
                     .values("case").annotate(n=Count("id")).values("n"))
        row = (Case.objects.filter(pk=case.pk)
               .select_related("no_ai_comparison__concluded_by")
               .annotate(scenarios=Coalesce(Subquery(scenarios), 0)).first())
        count = row.scenarios if row is not None else 0
        try:
            comparison = row.no_ai_comparison if row is not None else None
        except NoAiComparison.DoesNotExist:
            comparison = None
        return CriterionSummary(number=7, computed=[], checks={}, per_year_kg=None,
                                has_footprint=False, scenario_count=count,
                                comparison=comparison)
    footprint = (FootprintInput.objects.filter(case=case)
                 .only("result", "revision", "validated_revision").first())
    result = footprint.result if footprint is not None else {}
    grid = grid_for(case.grid_id, case.grid_version)
    computed_questions = [q for q in grid.questions if q.computed]
    labels = {q.id: f"Q{q.number}" for q in computed_questions}
    rows = ComputedAnswer.objects.filter(case=case) if footprint is not None else []
    computed = sorted(((labels.get(r.question_id, r.question_id), r) for r in rows),
                      key=lambda pair: int(pair[0][1:]) if pair[0][1:].isdigit() else 0)
    return CriterionSummary(number=5, computed=computed, checks=result.get("checks") or {},
                            per_year_kg=(result.get("per_year") or {}).get("kg_co2e"),
                            has_footprint=footprint is not None,
                            validation=footprint.validation if footprint else "none",
                            questions=display.enumeration(list(labels.values())))


COMPONENT_LABELS = {
    "compute": "Calcul (processeurs, cartes graphiques, mémoire)",
    "training": "Entraînement (réparti sur la durée de service)",
    "llm_api": "Modèle de langage utilisé par API",
    "storage": "Stockage",
    "transfer": "Transfert de données",
    "equipment": "Fabrication des équipements",
}


#: The case's one-to-one records :func:`snapshot_for_case` reads: a reader may read them with
#: the case (``select_related``), so that they are not read apart.
CASE_RELATED = ("footprint", "no_ai_comparison")


def snapshot_for_case(case: Case) -> dict[str, Any] | None:
    """Criteria 5 and 7 as frozen in a file version, shaped for the decision memo (the records
    of :data:`CASE_RELATED` taken from the case when read with it)."""
    # A one-to-one record absent raises an AttributeError (RelatedObjectDoesNotExist).
    footprint: FootprintInput | None = getattr(case, "footprint", None)
    comparison: NoAiComparison | None = getattr(case, "no_ai_comparison", None)
    alternatives = scenarios(case)
    if footprint is None and comparison is None and not alternatives:
        return None
    memo = None
    if footprint is not None:
        result = footprint.result
        per_year = result.get("per_year", {})
        kg = float(per_year.get("kg_co2e") or 0.0)
        memo = {
            "per_year_kg": round(kg, 3),
            "lifetime_kg": round(float(result.get("lifetime", {}).get("kg_co2e") or 0.0), 3),
            "service_years": result.get("service_years"),
            "components": [{"label": COMPONENT_LABELS.get(name, name),
                            "kg_per_year": round(float(values.get("kg_co2e") or 0.0), 3)}
                           for name, values in (per_year.get("breakdown") or {}).items()],
            "checks": result.get("checks") or {},
            "equivalents": [{"label": f"km — {e.label}", "value": round(e.km(kg)),
                             "source": f"{e.source} ({e.date})"} for e in equivalents()],
        }

    def option(values: dict[str, Any], kg: Any) -> dict[str, Any]:
        return {**values, "footprint_kg_per_year": kg}

    no_ai = None
    if comparison is not None or alternatives:
        ai_kg = memo["per_year_kg"] if memo else None
        no_ai = {
            "ai_option": option({
                "title": "Option avec IA",
                "service_benefit": comparison.ai_service_benefit if comparison else "",
                "cost": comparison.ai_cost if comparison else "",
                "risks": comparison.ai_risks if comparison else "",
                "dependency": comparison.ai_dependency if comparison else "",
                "reversibility": comparison.ai_reversibility if comparison else ""}, ai_kg),
            "scenarios": [option({
                "title": s.title, "service_benefit": s.service_benefit, "cost": s.cost,
                "risks": s.risks, "dependency": s.dependency, "reversibility": s.reversibility},
                (s.footprint_result or {}).get("per_year", {}).get("kg_co2e"))
                for s in alternatives],
            "conclusion": comparison.conclusion if comparison else "",
        }
    return {"memo": memo, "no_ai": no_ai, "result": footprint.result if footprint else None}
