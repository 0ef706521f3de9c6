"""The invariants of a case, tested once here, in the core (every writer calls them)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boussole.core import cases
from boussole.core.grid import AnswerInvalid, GridRegistry, validate_value
from boussole.core.limits import LIMITS

GRID = GridRegistry().get("boussole-nantes")


def test_references_are_free_numbers_of_the_year() -> None:
    assert cases.next_reference(2026, set()) == "2026-001"
    assert cases.next_reference(2026, {"2026-001", "2025-001"}) == "2026-002"
    assert cases.next_reference(2026, {"2026-002"}) == "2026-003"  # count first, then skip
    assert cases.next_reference(2026, {"2026-001"}, wanted="2019-014") == "2019-014"
    assert cases.next_reference(2026, {"2019-014"}, wanted="2019-014") == "2026-001"


@given(st.sets(st.integers(min_value=1, max_value=60)), st.integers(2020, 2030))
def test_a_new_reference_is_never_taken(numbers: set[int], year: int) -> None:
    taken = {cases.reference(year, n) for n in numbers}
    assert cases.next_reference(year, taken) not in taken


def test_items_are_the_grid_s_questions_and_facts() -> None:
    assert cases.item_problem(GRID, "biometrie") is None
    assert cases.item_problem(GRID, GRID.questions[0].id) is None
    assert "n'est pas une question" in (cases.item_problem(GRID, "inconnu") or "")
    assert GRID.item("biometrie") is GRID.fact("biometrie")


def test_a_computed_value_typed_by_hand_needs_a_justification() -> None:
    computed = next(q for q in GRID.questions if q.computed)
    plain = next(q for q in GRID.questions if not q.computed)
    assert cases.justification_problem(computed, 12.5, "  ") is not None
    assert cases.justification_problem(computed, "nsp", "") is None
    assert cases.justification_problem(computed, 12.5, "Mesure du fournisseur.") is None
    assert cases.justification_problem(plain, "oui", "") is None
    long = "j" * (LIMITS["justification"] + 1)
    assert "Texte trop long" in (cases.justification_problem(plain, "oui", long) or "")


def test_only_a_plainly_favourable_opinion_needs_no_explanation() -> None:
    assert cases.opinion_problem("favorable", "") is None
    assert cases.opinion_problem("favorable_reserves", " ") is not None
    assert cases.opinion_problem("defavorable", "") is not None
    assert cases.opinion_problem("defavorable", "Base légale absente.") is None


def test_revisions() -> None:
    assert cases.revision_problem(0, None) is None
    assert cases.revision_problem(3, 3) is None
    assert cases.revision_problem(None, 7) is None
    assert cases.revision_problem(2, 3) == "conflict"
    assert cases.revision_problem(0, 1) == "conflict"
    assert cases.revision_problem(2, None) == "deleted"


@pytest.mark.parametrize(("item_id", "raw"), [
    ("personnes", ["usagers", "nsp"]),      # multiple choice
    ("biometrie", ["nsp", "aucune"]),       # multiple choice with an exclusive option
    ("est_ia", ["nsp", "oui"]),             # yes/no
])
def test_je_ne_sais_pas_and_an_answer_together_are_refused(item_id: str, raw: list[str]
                                                           ) -> None:
    """Never keep one and silently drop the other (it used to save "je ne sais pas")."""
    with pytest.raises(AnswerInvalid, match="ne peut pas être combiné"):
        validate_value(GRID.item(item_id), raw)
    assert validate_value(GRID.item(item_id), ["nsp"]) == "nsp"
