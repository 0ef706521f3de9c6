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
    BASE_KEY,
    BASE_VERSION,
    NEW_FACT,
    NEW_OPTION,
    RENAMED,
    RENUMBERED,
    TEST_VERSION,
    fact,
    next_version,
    write_grid,
)


@pytest.fixture(scope="module")
def grids(tmp_path_factory: pytest.TempPathFactory) -> tuple[Grid, Grid]:
    """The latest bundled version, and the test version derived from it."""
    directory = tmp_path_factory.mktemp("grilles")
    write_grid(directory)
    registry = GridRegistry([directory])
    assert registry.errors == []
    return (registry.get("boussole-nantes", BASE_VERSION),
            registry.get("boussole-nantes", TEST_VERSION))


def refusal(facts: dict[str, Any], grid: Grid) -> str:
    with pytest.raises(InvalidDocument) as caught:
        evaluate(facts, grid=grid)
    return caught.value.report()


def test_the_current_bundled_grid_is_the_default() -> None:
    bundled = [g.version for g in GridRegistry().all() if g.id == "boussole-nantes"]
    assert default_grid().key == BASE_KEY
    assert default_grid().version == max(bundled)  # the latest bundled version
    assert default_rule_base() is rule_base_for(default_grid())
    assert list(default_rule_base().catalogue) == [f.id for f in default_grid().profile]


def test_a_case_of_the_test_version_is_evaluated_with_its_facts(
        grids: tuple[Grid, Grid]) -> None:
    base, test = grids
    facts = {"est_ia": "oui", NEW_FACT: "oui", RENAMED[1]: "2024-03-01",
             NEW_OPTION[0]: NEW_OPTION[1]}
    result = evaluate(facts, grid=test)
    assert result.facts[NEW_FACT] == "oui"
    assert result.facts[NEW_OPTION[0]] == NEW_OPTION[1]
    assert str(result.facts[RENAMED[1]]) == "2024-03-01"
    assert NEW_FACT in rule_base_for(test).catalogue
    assert RENAMED[0] not in rule_base_for(test).catalogue
    # The same sheet against the bundled version: each test-only fact or option is unknown.
    report = refusal(facts, base)
    assert f"fait inconnu « {NEW_FACT} »" in report
    assert f"fait inconnu « {RENAMED[1]} »" in report
    assert f"option inconnue « {NEW_OPTION[1]} » pour {NEW_OPTION[0]}" in report
    # …and the bundled name of the renamed fact is unknown to the test version.
    assert f"fait inconnu « {RENAMED[0]} »" in refusal({RENAMED[0]: "2024-03-01"}, test)


def test_cases_of_the_bundled_version_are_unaffected(grids: tuple[Grid, Grid]) -> None:
    base, _test = grids
    facts = {"est_ia": "oui", "biometrie": ["verification"], RENAMED[0]: "2024-03-01"}
    assert rule_base_for(base) is default_rule_base()  # same facts as the bundled grid
    assert evaluate(facts, grid=base).to_json() == evaluate(facts).to_json()
    assert evaluate(facts, grid=base).niveau_indicatif.name == "BLOQUANT_DOCTRINE"


def test_the_priority_list_names_the_facts_of_the_case_grid(grids: tuple[Grid, Grid]) -> None:
    base, test = grids

    def numbers(grid: Grid) -> dict[str, Any]:
        return {entry["fait"]: entry["question"]
                for entry in evaluate({"est_ia": "oui"}, grid=grid).a_completer_en_priorite()}

    assert numbers(base)[RENUMBERED[0]] == RENUMBERED[1]
    assert numbers(test)[RENUMBERED[0]] == RENUMBERED[2]


def test_compiled_bases_are_cached_per_catalogue(tmp_path: Path) -> None:
    def same_facts(data: dict[str, Any]) -> None:
        data["version"] = TEST_VERSION
        data["criteria"][0]["title"] += " (reformulé)"

    write_grid(tmp_path, same_facts)
    registry = GridRegistry([tmp_path])
    assert registry.errors == []
    other = registry.get("boussole-nantes", TEST_VERSION)
    # Another grid object, another version, the same facts: the same compiled base.
    assert rule_base_for(other) is default_rule_base()
    assert rule_base_for(other) is rule_base_for(other)
    fresh = load_rule_base(grid=other)
    assert fresh is default_rule_base()
    assert load_rule_base(catalogue=fact_catalogue(other)) is not default_rule_base()


def test_a_grid_version_the_rules_cannot_read_is_refused_in_french(tmp_path: Path) -> None:
    def rename_decision(data: dict[str, Any]) -> None:
        next_version(data)
        fact(data, "decision")["id"] = "type_decision"
        fact(data, "controle_humain")["condition"] = {"fact": "type_decision", "in": ["aide"]}

    write_grid(tmp_path, rename_decision)
    registry = GridRegistry([tmp_path])
    assert registry.errors == []
    renamed = registry.get("boussole-nantes", TEST_VERSION)
    with pytest.raises(InvalidDocument) as caught:
        evaluate({"est_ia": "oui"}, grid=renamed)
    assert "fait inconnu « decision »" in caught.value.report()


def test_evaluate_document_takes_the_grid(grids: tuple[Grid, Grid]) -> None:
    _base, test = grids
    result = evaluate_document({"faits": {NEW_FACT: "non"}}, grid=test)
    assert result.facts == {NEW_FACT: "non"}


def test_every_bundled_version_is_evaluated_with_its_own_options() -> None:
    """A case pinned to bundled version 1 keeps its answers and is evaluated against version 1;
    an option only a later version offers (biometrie: moissonnage_visages, version 2) is
    refused there, and accepted by the version that offers it."""
    registry = GridRegistry()
    v1, v2 = registry.get("boussole-nantes", 1), registry.get("boussole-nantes", 2)
    answers = {"est_ia": "oui", "biometrie": ["base_visages", "verification"]}
    for grid in (v1, v2):
        result = evaluate(answers, grid=grid)
        assert result.facts["biometrie"] == set(answers["biometrie"])
    scraped = {"est_ia": "oui", "biometrie": ["moissonnage_visages"]}
    assert "option inconnue « moissonnage_visages » pour biometrie" in refusal(scraped, v1)
    assert evaluate(scraped, grid=v2).facts["biometrie"] == {"moissonnage_visages"}
