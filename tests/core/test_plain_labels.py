"""What people read instead of codes (issue 12, item 3): profile numbers P1–P28, distinct
titles for the computed questions, option labels, and the French labels of the rules' codes."""

from __future__ import annotations

import pytest

from boussole.core.grid import Grid, GridRegistry
from boussole.core.grid.loader import bundled_grid_dir
from boussole.core.grid.model import profile_number
from boussole.core.rules import Level, default_rule_base, labels

GRIDS = GridRegistry([bundled_grid_dir()]).all()


@pytest.mark.parametrize("grid", GRIDS, ids=lambda g: g.key)
def test_profile_numbers_never_look_like_a_question_of_the_grid(grid: Grid) -> None:
    questions = {f"Q{q.number}" for q in grid.questions}
    shown = {fact.display_number for fact in grid.profile}
    assert all(number and number.startswith("P") for number in shown)
    assert not shown & questions
    # the stored numbers and ids are unchanged: display only
    assert grid.fact("biometrie").number == "Q06"
    assert grid.fact("biometrie").display_number == "P6"
    assert grid.fact("securite.dict.C").display_number == "P28"
    assert grid.item_label("decision").startswith("P17 — Le résultat intervient-il")
    assert grid.item_label("emissions_fabrication").startswith("Q27 — ")


def test_profile_number_forms() -> None:
    assert profile_number("Q01") == "P1"
    assert profile_number("Q28") == "P28"
    assert profile_number("P3") == "P3"
    assert profile_number(None) is None
    assert profile_number("A") == "A"


@pytest.mark.parametrize("grid", GRIDS, ids=lambda g: g.key)
def test_computed_questions_that_share_a_title_get_distinct_ones(grid: Grid) -> None:
    computed = [grid.question_by_number(n) for n in (27, 45, 51, 59)]
    assert all(q.computed for q in computed)
    assert computed[1].text == computed[2].text  # the grid file repeats the title
    titles = [grid.display_text(q) for q in computed]
    assert len(set(titles)) == 4
    assert titles == [
        "Fabrication des équipements — " + computed[0].text,
        "Réalisation des calculs, partie CPU — " + computed[1].text,
        "Réalisation des calculs, partie GPU — " + computed[2].text,
        "Stockage des données — " + computed[3].text,
    ]
    # questions with a title of their own keep it as written
    for q in grid.questions:
        if q not in computed:
            assert grid.display_text(q) == q.text
    for fact in grid.profile:
        assert grid.display_text(fact) == fact.text


def test_values_are_shown_by_their_labels() -> None:
    grid = GRIDS[-1]
    decision = grid.fact("decision")
    assert grid.value_label(decision, "aide") == "Aide à la décision"
    assert grid.value_label(decision, "nsp") == "Je ne sais pas"
    assert grid.value_label(grid.fact("donnees_perso"), "non") == "Non"
    assert grid.value_label(grid.fact("biometrie"), ["identification", "nsp"]) == (
        "Identification (1:N), Je ne sais pas")
    assert grid.value_label(grid.fact("securite.dict.C"), 3) == "3"
    assert grid.value_label(decision, None) == ""


def test_every_code_of_the_rule_base_has_a_french_label() -> None:
    base = default_rule_base()
    confirmers = {code for rule in base.rules for code in rule.a_confirmer_par}
    assert confirmers <= set(labels.CONFIRMERS), confirmers - set(labels.CONFIRMERS)
    assert labels.confirmers_label(["groupe_projet", "DPO", "elus"]) == [
        "groupe projet", "délégué·e à la protection des données (DPO)", "élu·es"]
    assert labels.level_label("ELEVE") == "élevé"
    assert labels.level_label("") == ""
    assert labels.level_label("INCONNU") == "INCONNU"
    assert labels.status_label("A_COMPLETER") == "à compléter"


def test_each_flag_says_what_it_means_before_the_law() -> None:
    sentences = {labels.meaning("ACTIF", level.name) for level in Level}
    assert "" not in sentences and len(sentences) == len(Level)
    assert "interdit" in labels.meaning("ACTIF", "BLOQUANT_LOI")
    assert "ligne rouge" in labels.meaning("ACTIF", "BLOQUANT_DOCTRINE")
    assert labels.meaning("A_COMPLETER", "BLOQUANT_LOI").startswith("Répondez")
    assert labels.meaning("SATISFAIT", "ELEVE").startswith("Rien de plus")
