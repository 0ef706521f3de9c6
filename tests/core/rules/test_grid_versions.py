"""The rules engine reads its facts from a validated grid: a case is evaluated against the facts
of its own grid version, and the compiled rule base is shared per catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from boussole.core.errors import InvalidDocument
from boussole.core.grid import Grid, GridRegistry
from boussole.core.rules import (
    default_grid,
    default_rule_base,
    evaluate,
    evaluate_document,
    fact_catalogue,
    load_rule_base,
    rule_base_for,
)

from .grid_versions import (
    NEW_FACT,
    NEW_OPTION,
    RENAMED,
    RENUMBERED,
    fact,
    version_2,
    write_grid,
)


@pytest.fixture(scope="module")
def grids(tmp_path_factory: pytest.TempPathFactory) -> tuple[Grid, Grid]:
    directory = tmp_path_factory.mktemp("grilles")
    write_grid(directory)
    registry = GridRegistry([directory])
    assert registry.errors == []
    return registry.get("boussole-nantes", 1), registry.get("boussole-nantes", 2)


def refusal(facts: dict[str, Any], grid: Grid) -> str:
    with pytest.raises(InvalidDocument) as caught:
        evaluate(facts, grid=grid)
    return caught.value.report()


def test_the_current_bundled_grid_is_the_default() -> None:
    assert default_grid().key == "boussole-nantes@1"
    assert default_rule_base() is rule_base_for(default_grid())
    assert list(default_rule_base().catalogue) == [f.id for f in default_grid().profile]


def test_a_version_2_case_is_evaluated_with_the_facts_of_version_2(
        grids: tuple[Grid, Grid]) -> None:
    v1, v2 = grids
    facts = {"est_ia": "oui", NEW_FACT: "oui", RENAMED[1]: "2024-03-01",
             NEW_OPTION[0]: NEW_OPTION[1]}
    result = evaluate(facts, grid=v2)
    assert result.facts[NEW_FACT] == "oui"
    assert result.facts[NEW_OPTION[0]] == NEW_OPTION[1]
    assert str(result.facts[RENAMED[1]]) == "2024-03-01"
    assert NEW_FACT in rule_base_for(v2).catalogue
    assert RENAMED[0] not in rule_base_for(v2).catalogue
    # The same sheet against version 1: each v2-only fact or option is unknown there.
    report = refusal(facts, v1)
    assert f"fait inconnu « {NEW_FACT} »" in report
    assert f"fait inconnu « {RENAMED[1]} »" in report
    assert f"option inconnue « {NEW_OPTION[1]} » pour {NEW_OPTION[0]}" in report
    # …and version 1's name of the renamed fact is unknown to version 2.
    assert f"fait inconnu « {RENAMED[0]} »" in refusal({RENAMED[0]: "2024-03-01"}, v2)


def test_version_1_cases_are_unaffected(grids: tuple[Grid, Grid]) -> None:
    v1, _v2 = grids
    facts = {"est_ia": "oui", "biometrie": ["verification"], RENAMED[0]: "2024-03-01"}
    assert rule_base_for(v1) is default_rule_base()  # same facts as the bundled grid
    assert evaluate(facts, grid=v1).to_json() == evaluate(facts).to_json()
    assert evaluate(facts, grid=v1).niveau_indicatif.name == "BLOQUANT_DOCTRINE"


def test_the_priority_list_names_the_facts_of_the_case_grid(grids: tuple[Grid, Grid]) -> None:
    v1, v2 = grids

    def numbers(grid: Grid) -> dict[str, Any]:
        return {entry["fait"]: entry["question"]
                for entry in evaluate({"est_ia": "oui"}, grid=grid).a_completer_en_priorite()}

    assert numbers(v1)[RENUMBERED[0]] == RENUMBERED[1]
    assert numbers(v2)[RENUMBERED[0]] == RENUMBERED[2]


def test_compiled_bases_are_cached_per_catalogue(tmp_path: Path) -> None:
    def same_facts(data: dict[str, Any]) -> None:
        data["version"] = 3
        data["criteria"][0]["title"] += " (reformulé)"

    write_grid(tmp_path, same_facts, name="v3.yaml")
    v3 = GridRegistry([tmp_path]).get("boussole-nantes", 3)
    # Another grid object, another version, the same facts: the same compiled base.
    assert rule_base_for(v3) is default_rule_base()
    assert rule_base_for(v3) is rule_base_for(v3)
    fresh = load_rule_base(grid=v3)
    assert fresh is default_rule_base()
    assert load_rule_base(catalogue=fact_catalogue(v3)) is not default_rule_base()


def test_a_grid_version_the_rules_cannot_read_is_refused_in_french(tmp_path: Path) -> None:
    def rename_decision(data: dict[str, Any]) -> None:
        version_2(data)
        fact(data, "decision")["id"] = "type_decision"
        fact(data, "controle_humain")["condition"] = {"fact": "type_decision", "in": ["aide"]}

    write_grid(tmp_path, rename_decision)
    v2 = GridRegistry([tmp_path]).get("boussole-nantes", 2)
    with pytest.raises(InvalidDocument) as caught:
        evaluate({"est_ia": "oui"}, grid=v2)
    assert "fait inconnu « decision »" in caught.value.report()


def test_evaluate_document_takes_the_grid(grids: tuple[Grid, Grid]) -> None:
    _v1, v2 = grids
    result = evaluate_document({"faits": {NEW_FACT: "non"}}, grid=v2)
    assert result.facts == {NEW_FACT: "non"}
