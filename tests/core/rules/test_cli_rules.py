"""`boussole rules evaluate|lint`, run as a user would: a subprocess, no Django."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from .grid_versions import (
    BASE_KEY,
    BASE_VERSION,
    NEW_FACT,
    RENUMBERED,
    TEST_KEY,
    TEST_VERSION,
    next_version,
    write_grid,
)
from .support import SCENARIOS, load_yaml, scenario_input

ROOT = Path(__file__).resolve().parents[3]



def sc04_document() -> str:
    """The full SC04 fact sheet (§8.0 defaults + deviations), as YAML."""
    facts, params = scenario_input(load_yaml(SCENARIOS / "SC04.yaml"))
    return yaml.safe_dump({"faits": facts, "parametres": params}, allow_unicode=True)


def boussole(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "boussole", "rules", *args], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", timeout=120,
                          check=False)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def assert_refused(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


def test_evaluate_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, "sc04.yaml", sc04_document())
    result = boussole("evaluate", str(path), "--date", "2026-11-30")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert {"niveau_indicatif", "niveau_potentiel", "version_regles", "flags"} <= set(payload)
    assert payload["niveau_indicatif"] == "ELEVE"
    assert payload["niveau_potentiel"] == "ELEVE"
    assert payload["version_regles"].startswith("2026.12.03-1+")
    assert payload["date_evaluation"] == "2026-11-30"
    flags = {flag["id"]: flag for flag in payload["flags"]}
    for flag in payload["flags"]:
        assert {"id", "statut", "niveau", "famille", "explication", "references",
                "pourquoi"} <= set(flag)
        assert all(isinstance(reference, str) for reference in flag["references"])
        assert flag["statut"] in {"ACTIF", "A_COMPLETER", "SATISFAIT"}
    assert flags["DEC-02"]["pourquoi"] == {"decision": "aide", "controle_humain": "partiel"}
    assert flags["DEC-05"]["statut"] == "A_COMPLETER"
    assert "é" in result.stdout  # not ASCII-escaped


def test_evaluate_json(tmp_path: Path) -> None:
    document = {"faits": {"est_ia": "oui", "biometrie": ["verification"]}}
    path = write(tmp_path, "fiche.json", json.dumps(document))
    result = boussole("evaluate", str(path))
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["niveau_indicatif"] == "BLOQUANT_DOCTRINE"
    assert payload["flags"][0]["id"] == "BIO-01"


def test_evaluate_date_changes_only_annotations(tmp_path: Path) -> None:
    path = write(tmp_path, "sc04.yaml", sc04_document())
    early = json.loads(boussole("evaluate", str(path), "--date", "2026-01-01").stdout)
    late = json.loads(boussole("evaluate", str(path), "--date", "2031-01-01").stdout)
    summary = [(f["id"], f["statut"], f["niveau"]) for f in early["flags"]]
    assert summary == [(f["id"], f["statut"], f["niveau"]) for f in late["flags"]]
    hr01 = {f["id"]: f for f in early["flags"]}["HR-01"]
    assert "Exigible à compter du 2 décembre 2027" in hr01["annotations"][0]


@pytest.mark.parametrize(("text", "fragments"), [
    ("faits: {inconnu: oui}\n", ["faits.inconnu", "fait inconnu « inconnu »"]),
    ("faits: {biometrie: [aucune, faciale]}\n",
     ["faits.biometrie[1]", "option inconnue « faciale »"]),
    ("faits: {securite: {dict: {C: haut}}}\n",
     ["faits.securite.dict.C", "un entier de 1 à 4 est attendu"]),
    ("faits: {est_ia: [oui]}\n", ["faits.est_ia", "une réponse parmi oui, non ou nsp"]),
    ("faits: {est_ia: oui}\nparametres: {effectif: 3}\n",
     ["parametres.effectif", "paramètre inconnu"]),
    ("faits: {est_ia: oui\n", ["YAML invalide"]),
    ("- une liste\n", ["un objet {faits: …, parametres: …} est attendu"]),
])
def test_evaluate_invalid_documents(tmp_path: Path, text: str, fragments: list[str]) -> None:
    path = write(tmp_path, "fiche.yaml", text)
    assert_refused(boussole("evaluate", str(path)), str(path), "document invalide", *fragments)


def test_evaluate_invalid_json(tmp_path: Path) -> None:
    path = write(tmp_path, "fiche.json", '{"faits": {"est_ia": "oui",}}')
    assert_refused(boussole("evaluate", str(path)), "JSON invalide", "ligne 1")


def test_evaluate_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "absent.yaml"
    assert_refused(boussole("evaluate", str(missing)), "fichier introuvable", str(missing))


def test_evaluate_bad_date(tmp_path: Path) -> None:
    path = write(tmp_path, "fiche.yaml", "faits: {}\n")
    assert_refused(boussole("evaluate", str(path), "--date", "30/11/2026"), "date invalide")


def test_lint_bundled_base() -> None:
    result = boussole("lint")
    assert result.returncode == 0, result.stderr
    # One line per bundled grid version, oldest first.
    assert result.stdout.splitlines() == [
        f"79 règles, 31 prédicats dérivés : aucune erreur (grille boussole-nantes@{v})."
        for v in range(1, BASE_VERSION + 1)]


def test_lint_broken_base(tmp_path: Path) -> None:
    from boussole.core.rules import default_rules_dir

    directory = tmp_path / "regles"
    shutil.copytree(default_rules_dir(), directory)
    rules = directory / "regles.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace(
        "declencheur: {eq: [video, experimentation_art10]}",
        "declencheur: {eq: [videos, experimentation_art10]}"
    ), encoding="utf-8")
    assert_refused(boussole("lint", "--rules", str(directory)),
                   "regles.VID-02.declencheur.eq[0] : fait inconnu « videos »")
    assert_refused(boussole("lint", "--rules", str(tmp_path / "nulle-part")),
                   "dossier introuvable")


def test_rules_without_subcommand_prints_help() -> None:
    result = boussole()
    assert result.returncode == 2
    assert "evaluate" in result.stderr and "lint" in result.stderr


def boussole_with_grids(grid_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BOUSSOLE_GRID_DIRS": str(grid_dir)}
    return subprocess.run([sys.executable, "-m", "boussole", "rules", *args], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", timeout=120,
                          check=False, env=env)


def test_evaluate_against_a_grid_version(tmp_path: Path) -> None:
    grids = tmp_path / "grilles"
    write_grid(grids)
    sheet = write(tmp_path, "fiche.yaml", f"faits: {{est_ia: oui, {NEW_FACT}: oui}}\n")
    for chosen in ([], ["--grid", TEST_KEY], ["--grid", "boussole-nantes"]):
        result = boussole_with_grids(grids, "evaluate", str(sheet), *chosen)
        assert result.returncode == 0, result.stderr  # the current grid is the test version
        priority = json.loads(result.stdout)["a_completer_en_priorite"]
        assert {p["fait"]: p["question"] for p in priority}[RENUMBERED[0]] == RENUMBERED[2]
    for bundled in range(1, BASE_VERSION + 1):
        assert_refused(boussole_with_grids(grids, "evaluate", str(sheet), "--grid",
                                           f"boussole-nantes@{bundled}"),
                       f"fait inconnu « {NEW_FACT} »")
    assert_refused(boussole_with_grids(grids, "evaluate", str(sheet), "--grid",
                                       "boussole-nantes@99"), "version 99 introuvable")
    assert_refused(boussole("evaluate", str(sheet), "--grid", "boussole-nantes@deux"),
                   "« boussole-nantes@deux » invalide")


def test_lint_checks_every_known_grid(tmp_path: Path) -> None:
    grids = tmp_path / "grilles"
    write_grid(grids)
    result = boussole_with_grids(grids, "lint")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"79 règles, 31 prédicats dérivés : aucune erreur (grille boussole-nantes@{v})."
        for v in range(1, TEST_VERSION + 1)]

    broken_version = TEST_VERSION + 1
    broken_key = f"boussole-nantes@{broken_version}"

    def drop_decision(data: dict[str, Any]) -> None:
        next_version(data)
        data["version"] = broken_version
        data["profile"] = [f for f in data["profile"] if f["id"] != "controle_humain"]

    write_grid(grids, drop_decision, name=f"boussole-nantes-v{broken_version}.yaml")
    result = boussole_with_grids(grids, "lint")
    assert result.returncode == 2
    assert f"Grille {broken_key} :" in result.stderr
    assert "fait inconnu « controle_humain »" in result.stderr
    assert "Traceback" not in result.stderr
    assert broken_key not in result.stdout
    assert TEST_KEY in result.stdout and BASE_KEY in result.stdout
    only = boussole_with_grids(grids, "lint", "--grid", TEST_KEY)
    assert only.returncode == 0 and TEST_KEY in only.stdout
