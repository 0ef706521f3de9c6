"""The ``boussole grid`` commands, run as a user would: as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from boussole.core.grid.loader import bundled_grid_dir

GRID = bundled_grid_dir() / "boussole-nantes-v1.yaml"


def run(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "boussole", *args], capture_output=True,
                          text=True, timeout=120, check=False, **kwargs)


def test_validate_ok() -> None:
    result = run("grid", "validate", str(GRID))
    assert result.returncode == 0, result.stderr
    assert "grille valide" in result.stdout
    assert "84 questions" in result.stdout


def test_validate_broken_file(tmp_path: Path) -> None:
    data = yaml.safe_load(GRID.read_text("utf-8"))
    data["criteria"][0]["questions"][1]["id"] = data["criteria"][0]["questions"][0]["id"]
    data["criteria"][4]["questions"][0]["type"] = "curseur"
    del data["title"]
    broken = tmp_path / "grille-cassee.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True))
    result = run("grid", "validate", str(broken))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "grille-cassee.yaml" in result.stderr
    assert "champ obligatoire manquant : « title »" in result.stderr
    assert "criteria[4].questions[0].type" in result.stderr
    assert "curseur" in result.stderr


def test_validate_reports_duplicates_and_bad_syntax(tmp_path: Path) -> None:
    data = yaml.safe_load(GRID.read_text("utf-8"))
    data["criteria"][0]["questions"][1]["id"] = data["criteria"][0]["questions"][0]["id"]
    dup = tmp_path / "doublon.yaml"
    dup.write_text(yaml.safe_dump(data, allow_unicode=True))
    result = run("grid", "validate", str(dup))
    assert result.returncode == 2
    assert "en double" in result.stderr and "criteria[0].questions[1].id" in result.stderr
    bad = tmp_path / "syntaxe.yaml"
    bad.write_text("criteria: [1, 2\nid: x\n")
    result = run("grid", "validate", str(bad))
    assert result.returncode == 2
    assert "syntaxe YAML/JSON invalide" in result.stderr and "Traceback" not in result.stderr
    missing = run("grid", "validate", str(tmp_path / "absent.yaml"))
    assert missing.returncode == 2 and "fichier introuvable" in missing.stderr


def test_export_json_shape() -> None:
    result = run("grid", "export", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"id", "version", "title", "criteria", "profile"} <= set(data)
    # Without --grid, the current (latest) version of the bundled grid.
    assert data["id"] == "boussole-nantes" and data["version"] == 2
    biometrie = next(f for f in data["profile"] if f["id"] == "biometrie")
    assert "moissonnage_visages" in [o["id"] for o in biometrie["options"]]
    questions = [q for c in data["criteria"] for q in c["questions"]]
    assert len(questions) == 84
    for criterion in data["criteria"]:
        assert {"number", "id", "title", "commitments", "questions"} <= set(criterion)
    for question in questions:
        assert {"number", "id", "text", "type", "options", "help", "referents", "vendor",
                "section"} <= set(question)
    for fact in data["profile"]:
        assert {"id", "text", "type", "options"} <= set(fact)
    q8 = next(q for q in questions if q["number"] == 8)
    assert q8["type"] == "multiple_choice" and len(q8["options"]) == 5


def test_export_yaml_round_trips_through_validate(tmp_path: Path) -> None:
    result = run("grid", "export", "--format", "yaml", "--grid", "boussole-nantes@1")
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load(result.stdout)
    assert len(data["profile"]) > 28
    assert data["version"] == 1  # the version asked for, not the latest
    biometrie = next(f for f in data["profile"] if f["id"] == "biometrie")
    assert "moissonnage_visages" not in [o["id"] for o in biometrie["options"]]


def test_export_unknown_grid() -> None:
    result = run("grid", "export", "--grid", "inexistante")
    assert result.returncode == 2
    assert "introuvable" in result.stderr


def test_diff_lists_what_must_be_answered_again(tmp_path: Path) -> None:
    data = yaml.safe_load(GRID.read_text("utf-8"))
    data["version"] = 2
    questions = data["criteria"][2]["questions"]
    questions[0]["help"] = "Nouvelle aide."  # minor: answer kept
    questions[2]["text"] = questions[2]["text"] + " Comment le mesurez-vous ?"  # material
    data["criteria"][6]["questions"].append({
        "number": 85, "id": "nouvelle_question", "text": "Une nouvelle question ?",
        "type": "yes_no"})
    new = tmp_path / "v2.yaml"
    new.write_text(yaml.safe_dump(data, allow_unicode=True))
    result = run("grid", "diff", str(GRID), str(new), "--format", "json")
    assert result.returncode == 0, result.stderr
    diff = json.loads(result.stdout)
    assert diff["added"] == ["nouvelle_question"]
    assert diff["removed"] == []
    assert set(diff["must_reanswer"]) == {"nouvelle_question", questions[2]["id"]}
    text = run("grid", "diff", str(GRID), str(new))
    assert "À répondre (de nouveau) : 2" in text.stdout


def test_diff_of_the_bundled_versions_keeps_every_answer() -> None:
    """Version 2 only adds an option to biometrie: nothing to answer again."""
    text = run("grid", "diff", "boussole-nantes@1", "boussole-nantes@2")
    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines() == [
        "Différences entre boussole-nantes@1 et boussole-nantes@2",
        "Modifiée : profil biometrie (options, aide, libellés des options) — options ajoutées : "
        "moissonnage_visages — réponses conservées",
        "À répondre (de nouveau) : 0",
    ]
    result = run("grid", "diff", str(GRID), str(GRID.with_name("boussole-nantes-v2.yaml")),
                 "--format", "json")
    assert result.returncode == 0, result.stderr
    diff = json.loads(result.stdout)
    assert (diff["added"], diff["removed"], diff["must_reanswer"]) == ([], [], [])
    assert [(c["new_id"], c["reanswer"], c["options_added"], c["options_removed"])
            for c in diff["changed"]] == [("biometrie", False, ["moissonnage_visages"], [])]


def test_usage_errors_exit_2() -> None:
    result = run("grid", "export", "--format", "xml")
    assert result.returncode == 2
    assert "erreur" in result.stderr and "choix invalide" in result.stderr
    assert "utilisation : " in result.stderr
    missing = run("grid", "diff", str(GRID))
    assert missing.returncode == 2 and "arguments obligatoires manquants" in missing.stderr
    helped = run("grid", "--help")
    assert helped.returncode == 0 and "afficher cette aide et quitter" in helped.stdout
