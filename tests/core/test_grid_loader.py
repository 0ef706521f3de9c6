"""The grid loader: the bundled grid loads; broken files get French messages, never a traceback."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boussole.core.errors import InvalidDocument
from boussole.core.grid import GridRegistry, grid_from_data, load_grid, load_grid_text
from boussole.core.grid.loader import bundled_grid_dir

GRID_FILE = bundled_grid_dir() / "boussole-nantes-v1.yaml"


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(GRID_FILE.read_text("utf-8"))
    return data


def problems_of(data: Any) -> str:
    with pytest.raises(InvalidDocument) as excinfo:
        grid_from_data(data, source="essai.yaml")
    return excinfo.value.report()


@pytest.mark.parametrize("version", [1, 2])
def test_bundled_grid_loads(version: int) -> None:
    grid = load_grid(bundled_grid_dir() / f"boussole-nantes-v{version}.yaml")
    assert grid.key == f"boussole-nantes@{version}"
    assert [c.number for c in grid.criteria] == [1, 2, 3, 4, 5, 6, 7]
    assert [q.number for q in grid.questions] == list(range(1, 85))
    assert {q.number for q in grid.questions if q.computed} == {27, 45, 51, 59}
    assert grid.question_by_number(8).type == "multiple_choice"


def test_registry_finds_the_bundled_grid() -> None:
    registry = GridRegistry()
    assert registry.errors == []
    assert [g.key for g in registry.all()] == ["boussole-nantes@1", "boussole-nantes@2"]
    # Without a version, the latest one (the version new cases are pinned to).
    assert registry.get("boussole-nantes") is registry.get_key("boussole-nantes@2")
    assert registry.get_key("boussole-nantes") is registry.get_key("boussole-nantes@2")
    assert registry.get_key("boussole-nantes@1").title.startswith("La boussole de l'IA")
    assert registry.get_key("boussole-nantes@1").derived_from is None
    assert registry.get_key("boussole-nantes@2").derived_from == ("boussole-nantes", 1)
    with pytest.raises(LookupError):
        registry.get("inconnue")


def test_missing_field_is_named(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    del data["criteria"][1]["questions"][0]["text"]
    report = problems_of(data)
    assert "essai.yaml" in report
    assert "criteria[1].questions[0]" in report
    assert "champ obligatoire manquant : « text »" in report


def test_unknown_type_is_named(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    data["criteria"][0]["questions"][0]["type"] = "oui_non"
    report = problems_of(data)
    assert "criteria[0].questions[0].type" in report
    assert "valeur « oui_non » inconnue" in report


def test_duplicate_id_is_named(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    first = data["criteria"][0]["questions"][0]["id"]
    data["criteria"][2]["questions"][1]["id"] = first
    report = problems_of(data)
    assert f"identifiant « {first} » en double" in report
    assert "criteria[2].questions[1].id" in report


def test_unknown_section_and_condition_references(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    data["criteria"][3]["questions"][0]["section"] = "nulle_part"
    data["criteria"][2]["questions"][1]["condition"] = {"fact": "fait_inconnu", "in": ["oui"]}
    report = problems_of(data)
    assert "section « nulle_part » inconnue" in report
    assert "fait du profil « fait_inconnu » inconnu(e)" in report


def test_unknown_option_in_condition(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    data["criteria"][2]["questions"][1]["condition"] = {"fact": "interaction", "in": ["parfois"]}
    assert "valeur « parfois » inconnue pour « interaction »" in problems_of(data)


def test_unknown_field_and_numbering(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    data["criteria"][0]["questions"][0]["couleur"] = "bleu"
    assert "champ inconnu : « couleur »" in problems_of(data)
    data = copy.deepcopy(raw)
    data["criteria"][0]["questions"][1]["number"] = 99
    assert "numérotées de 1 à" in problems_of(data)


def test_yaml_syntax_error_has_position() -> None:
    with pytest.raises(InvalidDocument) as excinfo:
        load_grid_text("format: boussole-grid/1\ncriteria: [\n  - {", source="casse.yaml")
    assert "casse.yaml" in str(excinfo.value)
    assert "ligne" in str(excinfo.value)


def test_missing_file_and_empty_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidDocument, match="fichier introuvable"):
        load_grid(tmp_path / "absent.yaml")
    empty = tmp_path / "vide.yaml"
    empty.write_text("")
    with pytest.raises(InvalidDocument, match="vide"):
        load_grid(empty)
    binary = tmp_path / "binaire.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(InvalidDocument, match="UTF-8"):
        load_grid(binary)


def test_json_grid_loads(tmp_path: Path, raw: dict[str, Any]) -> None:
    path = tmp_path / "grille.json"
    path.write_text(json.dumps(raw, ensure_ascii=False))
    assert len(load_grid(path).questions) == 84


TEXT = GRID_FILE.read_text("utf-8")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=len(TEXT) - 1))
def test_truncated_files_never_crash(cut: int) -> None:
    try:
        load_grid_text(TEXT[:cut], source="tronque.yaml")
    except InvalidDocument as exc:
        assert exc.problems
        assert "tronque.yaml" in exc.report()


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            out.extend(_paths(value, (*prefix, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out.extend(_paths(value, (*prefix, index)))
    return out


RAW = yaml.safe_load(TEXT)
ALL_PATHS = [p for p in _paths(RAW) if p]
WRONG_VALUES = st.sampled_from([None, 0, -3, 1.5, True, "", "x", [], {}, ["a"], {"a": 1}])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ALL_PATHS), WRONG_VALUES)
def test_wrong_types_never_crash(path: tuple[Any, ...], value: Any) -> None:
    data = copy.deepcopy(RAW)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    try:
        grid = grid_from_data(data, source="mute.yaml")
    except InvalidDocument as exc:
        assert exc.problems
        assert all(p.message for p in exc.problems)
    else:
        assert len(grid.questions) == 84
