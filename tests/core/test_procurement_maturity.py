"""Maturity of a bidder's answers: complete, partial, not anticipated; summary per criterion."""

from __future__ import annotations

import pytest

from boussole.core.grid import GridRegistry
from boussole.core.procurement import maturity
from boussole.core.procurement.maturity import assess, is_non_answer, summary_by_criterion
from boussole.core.procurement.pack import vendor_questions

GRID = GridRegistry().get("boussole-nantes", 2)
Q = {q.number: q for q in vendor_questions(GRID)}
YES_NO, TEXT, NUMBER, CHOICE = Q[21], Q[38], Q[25], Q[42]
JUSTIFIED = "Label TCO Certified, certificat joint à l'offre."


@pytest.mark.parametrize(("question", "value", "justification", "document", "level"), [
    # Not anticipated: nothing, « je ne sais pas », a generic non-answer.
    (YES_NO, None, "", "", "not_anticipated"),
    (YES_NO, "nsp", JUSTIFIED, "", "not_anticipated"),
    (CHOICE, ["nsp"], "", "", "not_anticipated"),
    (TEXT, "NC", "", "", "not_anticipated"),
    (TEXT, "  Non communiqué. ", "", "", "not_anticipated"),
    (TEXT, "À définir", "", "", "not_anticipated"),
    (TEXT, "?", "", "", "not_anticipated"),
    (TEXT, "Voir documentation", "", "", "not_anticipated"),
    (TEXT, "Je ne sais pas", "", "", "not_anticipated"),
    # Partial: a choice or a number not substantiated, a short text alone.
    (YES_NO, "oui", "", "", "partial"),
    (YES_NO, "non", "Oui.", "", "partial"),               # justification too short
    (YES_NO, "oui", "à définir ultérieurement", "", "partial"),  # a non-answer justifies nothing
    (CHOICE, "ovhcloud", "n/a", "", "partial"),
    (NUMBER, 12, "", "", "partial"),
    (TEXT, "AWS", "", "", "partial"),
    # Complete: substantiated, or a real text.
    (YES_NO, "oui", JUSTIFIED, "", "complete"),
    (YES_NO, "non", "", "politique-achats.pdf", "complete"),
    (CHOICE, "ovhcloud", JUSTIFIED, "", "complete"),
    (NUMBER, 0, "Inventaire du parc au 1er janvier 2026.", "", "complete"),
    (TEXT, "Données ouvertes de la métropole et corpus interne.", "", "", "complete"),
    (TEXT, "AWS", "", "contrat-hebergement.pdf", "complete"),
])
def test_assess(question: object, value: object, justification: str, document: str,
                level: str) -> None:
    assert assess(question, value, justification, document) == level  # type: ignore[arg-type]


def test_a_justification_that_only_says_to_be_defined_is_not_enough() -> None:
    assert assess(YES_NO, "oui", "À définir !!! ......... ....", None) == "partial"
    assert assess(TEXT, "En cours de définition", "", None) == "not_anticipated"
    # A real answer that opens with the same words says something.
    long = "En cours de certification ISO 14001 : audit prévu en mars 2026."
    assert not is_non_answer(long)
    assert assess(TEXT, long, "", None) == "complete"
    assert is_non_answer("  N/A ") and is_non_answer("non renseigné") and is_non_answer("")
    assert not is_non_answer("Non")


def test_assess_accepts_grid_questions_too() -> None:
    question = GRID.question("materiel_ecolabellise")
    assert assess(question, "oui", JUSTIFIED) == "complete"


def test_labels_cover_every_level() -> None:
    assert set(maturity.LABELS) == set(maturity.SHORT_LABELS) == set(maturity.LEVELS)
    assert maturity.LABELS["not_anticipated"] == "La question n'avait pas été anticipée"


def test_summary_by_criterion_counts_missing_questions_as_not_anticipated() -> None:
    levels = {Q[21].id: "complete", Q[22].id: "partial", Q[1].id: "complete"}
    summary = summary_by_criterion(GRID, levels)
    assert [c.number for c in summary] == [1, 2, 5, 6]  # criteria with vendor questions
    first = summary[0]
    assert (first.total, first.complete, first.partial, first.not_anticipated) == (2, 1, 0, 1)
    assert first.score == 50 and first.answered == 1
    fifth = next(c for c in summary if c.number == 5)
    assert fifth.total == sum(1 for q in Q.values() if q.criterion == 5)
    assert (fifth.complete, fifth.partial) == (1, 1)
    assert fifth.not_anticipated == fifth.total - 2
    assert fifth.score == round(100 * 1.5 / fifth.total)
    total = maturity.overall(summary)
    assert total.total == len(Q) and total.complete == 2 and total.partial == 1
    assert fifth.to_dict()["score"] == fifth.score


def test_summary_refuses_an_unknown_level() -> None:
    with pytest.raises(ValueError, match="niveau de maturité inconnu"):
        summary_by_criterion(GRID, {Q[21].id: "excellent"})
