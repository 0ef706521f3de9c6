"""Reading user-supplied YAML and JSON: hostile documents are refused with French messages.

Anchors and aliases, duplicate keys, oversized or too deeply nested documents and lone
surrogates are refused by the shared reader (``boussole.core.documents``) before anything is
built; valid documents read as before, and ``1e308`` is a number.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from boussole.core.documents import (
    CASE_LIMITS,
    DOCUMENT_LIMITS,
    MAX_DOCUMENT_BYTES,
    MAX_DOCUMENT_DEPTH,
    MAX_DOCUMENT_NODES,
    Limits,
    load_json,
    load_yaml,
    parse_text,
    read_document,
)
from boussole.core.documents import load_data_yaml as load_facts_yaml
from boussole.core.errors import InvalidDocument
from boussole.core.grid.loader import bundled_grid_dir
from boussole.core.paths import DATA_DIR

#: A "billion laughs": nine levels of nine aliases (9^9 strings once expanded).
ALIAS_BOMB = "\n".join(
    ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]"
       for previous, name in zip("abcdefgh", "bcdefghi", strict=True)]
) + "\n"


def refusal(exc: pytest.ExceptionInfo[InvalidDocument]) -> str:
    return exc.value.report()


# --- Aliases and anchors -----------------------------------------------------------------------

def test_alias_bomb_is_refused_before_expansion() -> None:
    with pytest.raises(InvalidDocument) as exc:
        parse_text(ALIAS_BOMB, source="bombe.yaml")
    report = refusal(exc)
    assert report.startswith("bombe.yaml : document invalide (1 problème)")
    assert "ancre ou alias YAML (ligne 1, colonne 4)" in report
    assert "écrivez chaque valeur en entier" in report


@pytest.mark.parametrize("text", [
    "a: &x 1\n",                       # an anchor alone
    "a: 1\nb: *x\n",                   # an alias (undefined, but refused as an alias)
    "base: &b {x: 1}\nautre:\n  <<: *b\n",  # a merge key through an alias
])
def test_any_anchor_or_alias_is_refused(text: str) -> None:
    for load in (load_yaml, load_facts_yaml):
        with pytest.raises(InvalidDocument, match="ancre ou alias YAML"):
            load(text)


# --- Duplicate keys ----------------------------------------------------------------------------

def test_duplicate_yaml_key_is_refused_with_both_places() -> None:
    with pytest.raises(InvalidDocument) as exc:
        parse_text("titre: un\nfaits:\n  est_ia: oui\n  est_ia: non\n", source="f.yaml")
    assert ("clé « est_ia » en double (ligne 4, colonne 3 ; déjà présente ligne 3, colonne 3)"
            in refusal(exc))
    with pytest.raises(InvalidDocument, match="clé « a » en double"):
        load_facts_yaml("{a: 1, a: 1}")


def test_duplicate_json_key_is_refused_with_its_path() -> None:
    text = '{"compute": [{"label": "a"}, {"label": "b", "cpu_cores": 1, "label": "c"}]}'
    with pytest.raises(InvalidDocument) as exc:
        load_json(text, source="f.json")
    assert "compute[1] : clé « label » en double" in refusal(exc)


def test_same_key_in_different_objects_is_fine() -> None:
    assert load_json('{"a": {"x": 1}, "b": {"x": 2}}') == {"a": {"x": 1}, "b": {"x": 2}}
    assert parse_text("a: {x: 1}\nb: {x: 2}\n", source="s") == {"a": {"x": 1}, "b": {"x": 2}}


# --- Numbers -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("1e308", 1e308), ("1e3", 1000.0), ("-2.5E-3", -0.0025), ("2.5E3", 2500.0),
    ("+1E+2", 100.0), ("1.5", 1.5), (".5", 0.5),
])
def test_exponent_forms_are_numbers(text: str, expected: float) -> None:
    for load in (load_yaml, load_facts_yaml):
        value = load(f"x: {text}\n")["x"]
        assert isinstance(value, float) and value == expected


def test_other_scalars_keep_their_meaning() -> None:
    # The generic reader keeps YAML 1.1 integers; the facts reader keeps its decimal-only
    # integers (an option id like 1000_10000 stays text) and its dates as text.
    assert load_yaml("a: 12\nb: oui\nc: e3\nd: 1e\n") == {"a": 12, "b": "oui", "c": "e3",
                                                         "d": "1e"}
    assert load_facts_yaml("a: 1000_10000\nb: 0755\nc: 2024-01-31\nd: 7\n") == {
        "a": "1000_10000", "b": "0755", "c": "2024-01-31", "d": 7}


# --- Size, nodes and depth ---------------------------------------------------------------------

def test_bundled_documents_fit_the_limits_with_a_wide_margin() -> None:
    files = [*sorted(bundled_grid_dir().glob("*.yaml")),  # every bundled grid version
             *sorted((DATA_DIR / "rules").glob("*.yaml"))]
    assert bundled_grid_dir() / "boussole-nantes-v2.yaml" in files
    for path in files:
        assert path.stat().st_size * 20 < MAX_DOCUMENT_BYTES
        small = Limits(MAX_DOCUMENT_BYTES, MAX_DOCUMENT_NODES // 20, MAX_DOCUMENT_DEPTH // 4)
        load_yaml(path.read_text("utf-8"), limits=small)  # still reads under tighter limits


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gros.yaml"
    path.write_text("a: " + "x" * MAX_DOCUMENT_BYTES + "\n", encoding="utf-8")
    with pytest.raises(InvalidDocument) as exc:
        read_document(path)
    assert "document trop volumineux : il dépasse la limite de 5 Mo" in refusal(exc)
    with pytest.raises(InvalidDocument, match="trop volumineux"):
        load_json(json.dumps({"a": "é" * (MAX_DOCUMENT_BYTES // 2 + 1)}))


def test_too_many_rows_are_refused() -> None:
    rows = [{"label": f"r{i}", "hours_per_year": 1} for i in range(MAX_DOCUMENT_NODES // 5)]
    message = "document trop grand : il dépasse la limite de 100 000 éléments"
    with pytest.raises(InvalidDocument, match=message):
        load_json(json.dumps({"compute": rows}))
    # YAML counts while composing, before building anything (a smaller limit keeps it quick).
    few = Limits(MAX_DOCUMENT_BYTES, 1_000, MAX_DOCUMENT_DEPTH)
    yaml_rows = "".join(f"- {i}\n" for i in range(1_000))
    with pytest.raises(InvalidDocument, match="il dépasse la limite de 1 000 éléments "
                                              r"\(valeurs, clés, listes et objets\) "
                                              r"\(ligne 1000, colonne 3\)"):
        load_yaml(yaml_rows, limits=few)
    assert len(load_yaml(yaml_rows[:-len("- 999\n")], limits=few)) == 999
    # One node fewer than the limit is read (the list itself counts as one).
    assert len(load_json(json.dumps(list(range(MAX_DOCUMENT_NODES - 1))))) == 99_999


def test_json_node_count_ignores_punctuation_inside_strings() -> None:
    limits = Limits(DOCUMENT_LIMITS.max_bytes, 10, 4)
    text = json.dumps({"texte": ", : [ { " * 1000, "liste": [], "objet": {}})
    assert load_json(text, limits=limits)["liste"] == []
    with pytest.raises(InvalidDocument, match="trop grand"):
        load_json(json.dumps(list(range(10))), limits=limits)


@pytest.mark.parametrize("depth", [MAX_DOCUMENT_DEPTH + 1, 100_000])
def test_deep_nesting_is_refused(depth: int) -> None:
    text = "[" * depth + "]" * depth
    message = "imbrication trop profonde : plus de 64 niveaux"
    with pytest.raises(InvalidDocument, match=message):
        load_json(text)
    with pytest.raises(InvalidDocument, match=message):
        load_yaml(text)
    objects = min(depth, 10_000)  # 100,000 objects would exceed the node limit first
    nested_objects = '{"a": ' * objects + "1" + "}" * objects
    with pytest.raises(InvalidDocument, match=message):
        load_json(nested_objects)


def test_nesting_up_to_the_limit_is_read() -> None:
    depth = MAX_DOCUMENT_DEPTH
    value = load_json("[" * depth + "]" * depth)
    for _ in range(depth - 1):
        value = value[0]
    assert value == []
    assert load_yaml("[" * depth + "]" * depth) is not None


def test_case_limits_are_wider() -> None:
    assert CASE_LIMITS.max_bytes > DOCUMENT_LIMITS.max_bytes
    assert CASE_LIMITS.max_nodes > DOCUMENT_LIMITS.max_nodes
    rows = json.dumps([{"a": 1} for _ in range(MAX_DOCUMENT_NODES // 2)])
    assert len(load_json(rows, limits=CASE_LIMITS)) == MAX_DOCUMENT_NODES // 2


# --- Text --------------------------------------------------------------------------------------

def test_lone_surrogate_is_refused_with_its_path() -> None:
    with pytest.raises(InvalidDocument) as exc:
        load_json('{"case": {"title": "A\\ud800"}}', source="dossier.json")
    assert ("case.title : caractère invalide U+D800 (demi-codet de substitution isolé)"
            in refusal(exc))
    with pytest.raises(InvalidDocument, match="clé caractère invalide U\\+DC00"):
        load_json('{"\\udc00": 1}')
    with pytest.raises(InvalidDocument, match="a\\[1\\] : caractère invalide U\\+D800"):
        load_yaml('a: [ok, "\\ud800"]\n')
    # A valid pair of surrogates is one character.
    assert load_json('"\\ud83d\\ude00"') == "\U0001F600"


def test_constants_can_be_refused() -> None:
    assert load_json("[NaN]") != load_json("[NaN]")[:0]
    with pytest.raises(InvalidDocument, match="« NaN » n'est pas un nombre admis"):
        load_json("[NaN]", allow_constants=False)


def test_valid_documents_read_as_before(tmp_path: Path) -> None:
    grid = bundled_grid_dir() / "boussole-nantes-v1.yaml"
    import yaml

    assert read_document(grid) == yaml.safe_load(grid.read_text("utf-8"))
    document = {"a": [1, 2.5, "texte, : [ {", None, True], "b": {"c": {"d": []}}}
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert read_document(path) == document
