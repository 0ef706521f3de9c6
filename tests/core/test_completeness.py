"""The one completeness count and the low-completeness rule (issue 12, item 7)."""

from __future__ import annotations

import pytest

from boussole.core.completeness import (
    LOW_COMPLETENESS_PERCENT,
    criteria_completeness,
    is_low,
    low_completeness,
    low_completeness_warnings,
    split_answers,
)
from boussole.core.grid import Progress
from boussole.core.grid.registry import GridRegistry


@pytest.mark.parametrize(("answered", "applicable", "low"), [
    (0, 18, True), (1, 7, True), (1, 2, False), (3, 7, True), (4, 7, False), (2, 4, False),
    (0, 0, False),  # no applicable question: complete
])
def test_low_is_below_the_threshold_on_the_exact_ratio(answered: int, applicable: int,
                                                      low: bool) -> None:
    assert LOW_COMPLETENESS_PERCENT == 50
    assert is_low(Progress(applicable, answered, 0)) is low


@pytest.mark.parametrize("verdict", ["favorable", "favorable_reserves"])
def test_a_favourable_opinion_at_low_completeness_is_flagged(verdict: str) -> None:
    warning = low_completeness(6, verdict, Progress(18, 0, 0), "Transparence")
    assert warning is not None
    label = {"favorable": "Favorable", "favorable_reserves": "Favorable avec réserves"}[verdict]
    assert warning.message == (
        f"Critère 6 (Transparence) : avis « {label} » alors que la complétude n'est que de "
        "0\u00a0% (0 réponse sur 18 questions applicables). Sous 50\u00a0% de réponses, cet "
        "avis repose sur un dossier incomplet : à vérifier avant de décider.")


def test_no_warning_without_a_favourable_opinion_or_with_enough_answers() -> None:
    low = Progress(18, 2, 0)
    assert low_completeness(6, "defavorable", low) is None
    assert low_completeness(6, None, low) is None
    assert low_completeness(6, "favorable", Progress(18, 9, 0)) is None
    warnings = low_completeness_warnings(
        {1: "favorable", 2: "defavorable", 3: "favorable_reserves", 4: "favorable"},
        {1: Progress(2, 2, 0), 2: Progress(4, 0, 0), 3: Progress(4, 1, 1), 4: Progress(9, 1, 0),
         5: Progress(39, 0, 0)}, {3: "Service public"})
    assert [(w.criterion, w.title, w.verdict) for w in warnings] == [
        (3, "Service public", "favorable_reserves"), (4, "", "favorable")]
    assert "(1 réponse sur 4 questions applicables)" in warnings[0].message
    assert warnings[1].message.startswith("Critère 4 : avis « Favorable »")


def test_conditional_questions_that_do_not_apply_are_not_counted() -> None:
    """Criterion 3 of the grid has a question asked only when the public is concerned: 3 of 4
    when it is known not to apply, 3 of 5 when it applies or may apply (and is unanswered)."""
    grid = GridRegistry().get()
    criterion = grid.criterion(3)
    conditional = [q for q in criterion.questions if q.condition is not None]
    assert len(conditional) == 1 and len(criterion.questions) == 5
    others = [q for q in criterion.questions if q.condition is None]
    rows = [{"kind": "question", "item_id": q.id, "value": "nsp" if i == 0 else "oui"}
            for i, q in enumerate(others[:3])]
    rows += [{"kind": "fact", "item_id": "interaction", "value": "agents"},
             {"kind": "fact", "item_id": "sortie", "value": "agregee"}]
    facts, answers = split_answers(rows)
    assert facts == {"interaction": "agents", "sortie": "agregee"} and len(answers) == 3
    not_applying = criteria_completeness(grid, facts, answers)[3]
    assert (not_applying.answered, not_applying.applicable, not_applying.unknown) == (3, 4, 1)
    for maybe in ({"interaction": "public"}, {"interaction": "agents"}):
        applying = criteria_completeness(grid, maybe, answers)[3]
        assert (applying.answered, applying.applicable) == (3, 5)


def test_a_computed_question_counts_once_it_has_a_value() -> None:
    grid = GridRegistry().get()
    computed = next(q for q in grid.criterion(5).questions if q.computed)
    empty = criteria_completeness(grid, {}, {})[5]
    filled = criteria_completeness(grid, {}, {computed.id: 12.5})[5]
    assert (empty.answered, filled.answered) == (0, 1)
    assert filled.applicable == empty.applicable == len(grid.criterion(5).questions)
