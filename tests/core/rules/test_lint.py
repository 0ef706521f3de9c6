"""The rule-base linter: every reference is checked, problems are reported in French."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from boussole.core.documents import load_data_yaml as load_yaml
from boussole.core.errors import InvalidDocument
from boussole.core.rules import default_grid, default_rules_dir, fact_catalogue, load_rule_base
from boussole.core.rules.expr import Node

Mutation = Callable[[dict[str, Any]], None]

#: The previous version of the bundled rule base (2026.11.30-1), kept to compare with.
PREVIOUS = Path(__file__).resolve().parents[2] / "data" / "rules" / "2026.11.30-1"


def repr_tree(node: Any) -> Any:
    """A comparable structure of a parsed expression (its class and its fields)."""
    if isinstance(node, Node):
        fields = [name for cls in type(node).__mro__ for name in getattr(cls, "__slots__", ())
                  if name != "fn"]
        return (type(node).__name__, *(repr_tree(getattr(node, name)) for name in fields))
    if isinstance(node, tuple | list):
        return tuple(repr_tree(item) for item in node)
    if isinstance(node, frozenset):
        return tuple(sorted(node))
    return node


def copy_base(tmp_path: Path) -> Path:
    target = tmp_path / "regles"
    shutil.copytree(default_rules_dir(), target)
    return target


def mutate(tmp_path: Path, file: str, change: Mutation) -> Path:
    directory = copy_base(tmp_path)
    path = directory / file
    data = load_yaml(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return directory


def rule(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in data["regles"] if r["id"] == rule_id)
    return found


def derived(data: dict[str, Any], derived_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(d for d in data["derives"] if d["id"] == derived_id)
    return found


def rejected(directory: Path) -> str:
    with pytest.raises(InvalidDocument) as caught:
        load_rule_base(directory, catalogue=fact_catalogue(default_grid()))
    report = caught.value.report()
    assert "document invalide" in report
    return report


def test_bundled_rule_base_is_clean() -> None:
    base = load_rule_base()
    assert len(base.rules) == 79
    assert base.version == "2026.12.03-1"
    assert base.veille_juridique == "2026-12-03"


def test_changelog_records_the_bundled_version_and_every_rule_it_changed() -> None:
    """The CHANGELOG has an entry for the current version, and every rule that differs from
    the previous version (kept in tests/data/rules) is named in that entry."""
    base = load_rule_base()
    changelog = (default_rules_dir() / "CHANGELOG.md").read_text(encoding="utf-8")
    heading = f"## {base.version} "
    assert heading in changelog
    entry = changelog.split(heading, 1)[1].split("\n## ", 1)[0]
    previous = load_rule_base(PREVIOUS, catalogue=fact_catalogue(default_grid()))
    old = {rule.id: rule for rule in previous.rules}
    new = {rule.id: rule for rule in base.rules}
    changed = set(old) ^ set(new)
    for rule_id in set(old) & set(new):
        before, after = old[rule_id], new[rule_id]
        if (before.explication, before.references, before.niveau, before.applicable_depuis,
                repr_tree(before.declencheur), before.fin_base_legale) != (
                after.explication, after.references, after.niveau, after.applicable_depuis,
                repr_tree(after.declencheur), after.fin_base_legale):
            changed.add(rule_id)
    assert changed, "the bundled base should differ from the previous version"
    missing = sorted(rule_id for rule_id in changed if rule_id not in entry)
    assert not missing, f"rules changed without a CHANGELOG line: {missing}"


def test_a_copy_of_the_bundled_base_loads(tmp_path: Path) -> None:
    base = load_rule_base(copy_base(tmp_path), catalogue=fact_catalogue(default_grid()))
    assert len(base.rules) == 79 and len(base.derived) == 31


def test_unknown_fact(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        rule(data, "DEC-01")["declencheur"] = {"eq": ["decisoin", "automatique"]}

    report = rejected(mutate(tmp_path, "regles.yaml", change))
    assert "regles.DEC-01.declencheur.eq[0] : fait inconnu « decisoin »" in report


def test_unknown_option(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        rule(data, "BIO-03")["declencheur"] = {"in": ["base_visage", "biometrie"]}

    report = rejected(mutate(tmp_path, "regles.yaml", change))
    assert "option inconnue « base_visage » pour le fait « biometrie »" in report
    assert "regles.BIO-03.declencheur.in[0]" in report


def test_unknown_option_in_a_derived_predicate(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        derived(data, "DECISION")["definition"] = {"inter": ["decision", ["aide", "auto"]]}

    report = rejected(mutate(tmp_path, "derives.yaml", change))
    assert "derives.DECISION.definition.inter[1][1] : option inconnue « auto »" in report


def test_unknown_rule_reference(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        rule(data, "BIO-06")["declencheur"] = {
            "all": [{"in": ["emotions", "biometrie"]}, {"not": {"rule": "BIO-99"}}]
        }

    report = rejected(mutate(tmp_path, "regles.yaml", change))
    assert "règle inconnue « BIO-99 »" in report


def test_unknown_parameter(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        rule(data, "DEC-04")["declencheur"] = {
            "all": ["DECISION", {"ge": [{"param": "effectif"}, 50]}]
        }

    report = rejected(mutate(tmp_path, "regles.yaml", change))
    assert "paramètre inconnu « effectif »" in report


def test_unknown_derived_predicate_or_yes_no_fact(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        rule(data, "TR-05")["declencheur"] = "IA_GENERATIVE"

    report = rejected(mutate(tmp_path, "regles.yaml", change))
    assert "référence inconnue « IA_GENERATIVE » (ni prédicat dérivé, ni fait oui/non)" in report


def test_cycle_between_rules(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        rule(data, "HR-01")["declencheur"] = {"all": ["IA", {"rule": "HR-04"}]}

    report = rejected(mutate(tmp_path, "regles.yaml", change))
    assert "cycle de références : HR-01 → HR-04 → HR-01" in report or (
        "cycle de références : HR-04 → HR-01 → HR-04" in report)


def test_cycle_between_derived_predicates(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        derived(data, "IA")["definition"] = {"all": [{"eq": ["est_ia", "oui"]}, "PERSO"]}
        derived(data, "PERSO")["definition"] = {"all": [{"eq": ["donnees_perso", "oui"]}, "IA"]}

    report = rejected(mutate(tmp_path, "derives.yaml", change))
    assert "cycle de références" in report


def test_duplicate_rule_id(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["regles"].append(copy.deepcopy(rule(data, "GEN-03")))  # no YAML alias

    assert "règle « GEN-03 » définie deux fois" in rejected(mutate(tmp_path, "regles.yaml", change))


def test_unknown_operator_and_missing_fields(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        rule(data, "GEN-01")["declencheur"] = {"egal": ["est_ia", "non"]}
        rule(data, "GEN-02")["explication_fr"] = "Sans point final"
        rule(data, "GEN-03")["references"] = [{"texte": "Boussole", "url": "nulle part"}]
        rule(data, "GEN-04")["niveau"] = "CRITIQUE"

    report = rejected(mutate(tmp_path, "regles.yaml", change))
    assert "opérateur inconnu « egal »" in report
    assert "l'explication doit se terminer par un point" in report
    assert "adresse http(s) de la référence attendue" in report
    assert "niveau inconnu « CRITIQUE »" in report


def test_type_mismatches(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        rule(data, "CYB-03")["declencheur"] = {"ge": ["hebergement", 3]}
        rule(data, "GDPR-03")["declencheur"] = "volume"

    report = rejected(mutate(tmp_path, "regles.yaml", change))
    assert "« ge » ne s'applique qu'aux échelles, pas à « hebergement »" in report
    assert "le fait « volume » n'est pas de type oui/non" in report


def test_second_pass_rules_must_be_info(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        rule(data, "GEN-04")["niveau"] = "ELEVE"

    assert "doit être de niveau INFO" in rejected(mutate(tmp_path, "regles.yaml", change))


def test_parameter_values_are_typed(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["parametres"][0]["valeur"] = "beaucoup"

    assert "parametres.effectif_etp.valeur : un entier positif est attendu" in rejected(
        mutate(tmp_path, "parametres.yaml", change))


def test_unreadable_yaml(tmp_path: Path) -> None:
    directory = copy_base(tmp_path)
    (directory / "derives.yaml").write_text("derives: [\n", encoding="utf-8")
    assert "YAML invalide" in rejected(directory)


def test_missing_file(tmp_path: Path) -> None:
    directory = copy_base(tmp_path)
    (directory / "parametres.yaml").unlink()
    assert "lecture impossible" in rejected(directory)


def test_rules_are_checked_against_the_catalogue_they_are_given(tmp_path: Path) -> None:
    catalogue = {k: v for k, v in fact_catalogue(default_grid()).items() if k != "croisement"}
    with pytest.raises(InvalidDocument) as caught:
        load_rule_base(copy_base(tmp_path), catalogue=catalogue)
    assert "référence inconnue « croisement »" in caught.value.report()
