"""What changed between two grid versions, and which answers survive (core/grid/diff.py).

Options only added to a choice keep the previous answers (every one still names an option of
the new version); an option removed or renamed makes the item to be answered again."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from boussole.core.documents import read_document
from boussole.core.grid import Grid, GridRegistry, diff_grids, grid_from_data, migrate_answers
from boussole.core.grid.loader import bundled_grid_dir

Change = Callable[[dict[str, Any]], None]


@pytest.fixture(scope="module")
def bundled() -> tuple[Grid, Grid]:
    registry = GridRegistry()
    assert registry.errors == []
    return registry.get("boussole-nantes", 1), registry.get("boussole-nantes", 2)


@pytest.fixture(scope="module")
def raw_v1() -> dict[str, Any]:
    data: dict[str, Any] = read_document(bundled_grid_dir() / "boussole-nantes-v1.yaml")
    return data


def derived(raw: dict[str, Any], change: Change) -> Grid:
    """Version 2 of ``raw`` (a copy) changed by ``change``, validated by the loader."""
    data = copy.deepcopy(raw)
    data["version"] = 2
    data["derived_from"] = {"id": data["id"], "version": 1}
    change(data)
    return grid_from_data(data, source="essai.yaml")


def fact(data: dict[str, Any], fact_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(f for f in data["profile"] if f["id"] == fact_id)
    return found


def question(data: dict[str, Any], number: int) -> dict[str, Any]:
    found: dict[str, Any] = next(q for c in data["criteria"] for q in c["questions"]
                                 if q["number"] == number)
    return found


# --- The bundled versions -------------------------------------------------------------------

def test_bundled_version_2_only_adds_an_option_to_biometrie(bundled: tuple[Grid, Grid]) -> None:
    v1, v2 = bundled
    diff = diff_grids(v1, v2)
    assert (diff.old_key, diff.new_key) == ("boussole-nantes@1", "boussole-nantes@2")
    assert (diff.added, diff.removed, diff.renamed) == ([], [], {})
    assert diff.must_reanswer == []
    [change] = diff.changed
    assert (change.old_id, change.new_id, change.reanswer) == ("biometrie", "biometrie", False)
    assert change.options_added == ("moissonnage_visages",)
    assert change.options_removed == ()
    assert set(change.fields) == {"option_ids", "options", "help"}
    # The new option comes just after base_visages, which stays.
    ids = list(v2.fact("biometrie").option_ids)
    assert ids[ids.index("base_visages") + 1] == "moissonnage_visages"
    assert [i for i in ids if i != "moissonnage_visages"] == list(v1.fact("biometrie").option_ids)
    # The questions are those of version 1.
    assert v2.questions == v1.questions


def test_bundled_diff_report_and_document(bundled: tuple[Grid, Grid]) -> None:
    diff = diff_grids(*bundled)
    assert diff.render().splitlines() == [
        "Différences entre boussole-nantes@1 et boussole-nantes@2",
        "Modifiée : profil biometrie (options, aide, libellés des options) — options ajoutées : "
        "moissonnage_visages — réponses conservées",
        "À répondre (de nouveau) : 0",
    ]
    document = diff.to_dict()
    assert document["must_reanswer"] == []
    assert document["changed"] == [{
        "old_id": "biometrie", "new_id": "biometrie", "label": "profil biometrie",
        "fields": ["option_ids", "help", "options"], "reanswer": False,
        "options_added": ["moissonnage_visages"], "options_removed": [],
    }]


def test_version_1_answers_are_kept_under_version_2(bundled: tuple[Grid, Grid]) -> None:
    v1, v2 = bundled
    answers = {"est_ia": "oui", "biometrie": ["base_visages", "verification"],
               "espace_public": "non", v1.question_by_number(2).id: "oui"}
    migration = migrate_answers(diff_grids(v1, v2), v2, answers)
    assert migration.kept == {"est_ia": "oui", "biometrie": ["verification", "base_visages"],
                              "espace_public": "non", v1.question_by_number(2).id: "oui"}
    assert migration.to_reanswer == [] and migration.dropped == []
    # "Je ne sais pas" and the exclusive "aucune" are kept too.
    for value in ("nsp", ["aucune"]):
        kept = migrate_answers(diff_grids(v1, v2), v2, {"biometrie": value}).kept
        assert kept == {"biometrie": value}


# --- Options removed or renamed stay material -----------------------------------------------

def test_an_option_removed_must_be_answered_again(raw_v1: dict[str, Any],
                                                  bundled: tuple[Grid, Grid]) -> None:
    v1, _v2 = bundled

    def drop_base_visages(data: dict[str, Any]) -> None:
        options = fact(data, "biometrie")["options"]
        options[:] = [o for o in options if o["id"] != "base_visages"]

    new = derived(raw_v1, drop_base_visages)
    diff = diff_grids(v1, new)
    [change] = diff.changed
    assert change.reanswer is True
    assert (change.options_added, change.options_removed) == ((), ("base_visages",))
    assert diff.must_reanswer == ["biometrie"]
    assert ("Modifiée : profil biometrie (options, libellés des options) — options supprimées : "
            "base_visages — à répondre de nouveau") in diff.render().splitlines()
    assert diff.to_dict()["changed"][0]["options_removed"] == ["base_visages"]
    # Even an answer that does not use the removed option is asked again: nothing is
    # silently re-interpreted.
    for value in (["base_visages"], ["verification"]):
        migration = migrate_answers(diff, new, {"biometrie": value, "est_ia": "oui"})
        assert migration.kept == {"est_ia": "oui"}
        assert migration.to_reanswer == ["biometrie"]


def test_an_option_renamed_is_a_removal(raw_v1: dict[str, Any],
                                        bundled: tuple[Grid, Grid]) -> None:
    v1, _v2 = bundled

    def rename_option(data: dict[str, Any]) -> None:
        for option in fact(data, "biometrie")["options"]:
            if option["id"] == "base_visages":
                option["id"] = "base_de_visages"

    diff = diff_grids(v1, derived(raw_v1, rename_option))
    [change] = diff.changed
    assert change.reanswer is True
    assert change.options_added == ("base_de_visages",)
    assert change.options_removed == ("base_visages",)
    assert ("options supprimées : base_visages — options ajoutées : base_de_visages — "
            "à répondre de nouveau") in diff.render()


def test_an_option_added_to_a_question_keeps_its_answers(raw_v1: dict[str, Any],
                                                         bundled: tuple[Grid, Grid]) -> None:
    v1, _v2 = bundled
    q8 = v1.question_by_number(8)

    def add_benefit(data: dict[str, Any]) -> None:
        question(data, 8)["options"].append({"id": "autre_benefice", "label": "Autre"})

    new = derived(raw_v1, add_benefit)
    diff = diff_grids(v1, new)
    [change] = diff.changed
    assert (change.new_id, change.reanswer, change.options_added) == (
        q8.id, False, ("autre_benefice",))
    answer = [q8.option_ids[0]]
    migration = migrate_answers(diff, new, {q8.id: answer})
    assert migration.kept == {q8.id: answer} and migration.to_reanswer == []


def test_an_added_option_made_exclusive_is_material(raw_v1: dict[str, Any],
                                                    bundled: tuple[Grid, Grid]) -> None:
    v1, _v2 = bundled

    def exclusive_option(data: dict[str, Any]) -> None:
        biometrie = fact(data, "biometrie")
        biometrie["options"].append({"id": "refus", "label": "Refus de répondre"})
        biometrie["exclusive"] = ["aucune", "refus"]

    [change] = diff_grids(v1, derived(raw_v1, exclusive_option)).changed
    assert change.options_added == ("refus",) and change.reanswer is True
    assert "options exclusives" in change.describe()


def test_options_reordered_keep_the_answers(raw_v1: dict[str, Any],
                                            bundled: tuple[Grid, Grid]) -> None:
    v1, _v2 = bundled

    def reorder(data: dict[str, Any]) -> None:
        fact(data, "biometrie")["options"].reverse()

    diff = diff_grids(v1, derived(raw_v1, reorder))
    [change] = diff.changed
    assert "option_ids" in change.fields and change.reanswer is False
    assert (change.options_added, change.options_removed) == ((), ())
    assert diff.must_reanswer == []


def test_a_changed_text_is_still_material(raw_v1: dict[str, Any],
                                          bundled: tuple[Grid, Grid]) -> None:
    v1, _v2 = bundled

    def add_option_and_reword(data: dict[str, Any]) -> None:
        biometrie = fact(data, "biometrie")
        biometrie["options"].append({"id": "autre", "label": "Autre"})
        biometrie["text"] = "Le système traite-t-il des données biométriques ? (plusieurs choix)"

    [change] = diff_grids(v1, derived(raw_v1, add_option_and_reword)).changed
    assert change.options_added == ("autre",) and change.reanswer is True
    assert change.describe().endswith("— options ajoutées : autre — à répondre de nouveau")
