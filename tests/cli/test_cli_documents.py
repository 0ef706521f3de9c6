"""Hostile input files and a fresh checkout, through the console script as a user would run it.

Every case gives a French message on standard error, exit status 2, and no traceback.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from boussole.core.grid.loader import bundled_grid_dir

GRID = bundled_grid_dir() / "boussole-nantes-v1.yaml"

#: An 80 KB-class "billion laughs": nine levels of nine aliases.
ALIAS_BOMB = "\n".join(
    ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]"
       for previous, name in zip("abcdefgh", "bcdefghi", strict=True)]
) + "\n"

FOOTPRINT = """\
service_years: 5
location: FR
pue: 1.4
provider: local
factor_set: green-algorithms-3.0
compute:
  - label: inference
    hours_per_year: {hours}
    cpu_cores: 8
    cpu_model: Xeon Gold 6148
    cpu_usage: 1.0
    gpu_count: 0
    memory_gb: 64
"""


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "boussole", *args], capture_output=True,
                          text=True, timeout=300, check=False, env=env)


def assert_refused(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "Error" not in result.stderr
    assert result.stdout == ""
    for text in expected:
        assert text in result.stderr


COMMANDS = {
    "footprint": ("footprint",),
    "rules evaluate": ("rules", "evaluate"),
    "grid validate": ("grid", "validate"),
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_alias_bomb_is_refused(tmp_path: Path, command: str) -> None:
    bomb = tmp_path / "bombe.yaml"
    bomb.write_text(ALIAS_BOMB, encoding="utf-8")
    assert_refused(run(*COMMANDS[command], str(bomb)),
                   "bombe.yaml : document invalide (1 problème)",
                   "ancre ou alias YAML (ligne 1, colonne 4)",
                   "écrivez chaque valeur en entier")


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    yaml_file = tmp_path / "empreinte.yaml"
    yaml_file.write_text(FOOTPRINT.format(hours=1000) + "service_years: 10\n", encoding="utf-8")
    assert_refused(run("footprint", str(yaml_file)),
                   "clé « service_years » en double (ligne 14, colonne 1 ; déjà présente "
                   "ligne 1, colonne 1)")
    json_file = tmp_path / "faits.json"
    json_file.write_text('{"faits": {"est_ia": "oui", "usage_rh": "non", "est_ia": "non"}}',
                         encoding="utf-8")
    assert_refused(run("rules", "evaluate", str(json_file)),
                   "faits : clé « est_ia » en double")
    grid = tmp_path / "grille.yaml"
    grid.write_text(GRID.read_text("utf-8") + "title: Autre titre\n", encoding="utf-8")
    assert_refused(run("grid", "validate", str(grid)), "clé « title » en double")


def test_exponent_numbers_are_numbers(tmp_path: Path) -> None:
    # YAML 1.1 would read 1e3 as the text "1e3"; it is the number 1000 (1e308 is covered in
    # tests/core/test_documents.py).
    outputs = []
    for name, hours in (("plain", "1000"), ("exposant", "1e3"), ("majuscule", "1.0E3")):
        path = tmp_path / f"{name}.yaml"
        path.write_text(FOOTPRINT.format(hours=hours), encoding="utf-8")
        result = run("footprint", str(path))
        assert result.returncode == 0, result.stderr
        outputs.append(json.loads(result.stdout))
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[1]["components"]["compute"][0]["inputs"]["hours_per_year"] == 1000


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
@pytest.mark.parametrize("command", ["footprint", "rules evaluate", "grid validate",
                                     "grid diff"])
def test_deep_nesting_is_refused(tmp_path: Path, command: str, suffix: str) -> None:
    deep = tmp_path / f"profond{suffix}"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    args = ("grid", "diff", str(GRID), str(deep)) if command == "grid diff" else (
        *COMMANDS[command], str(deep))
    assert_refused(run(*args), f"profond{suffix} : document invalide (1 problème)",
                   "imbrication trop profonde : plus de 64 niveaux de listes ou d'objets")


def test_oversized_document_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "gros.json"
    rows = [{"label": f"ligne {i}", "hours_per_year": 1, "cpu_cores": 1} for i in range(40_000)]
    big.write_text(json.dumps({"service_years": 5, "compute": rows}), encoding="utf-8")
    assert_refused(run("footprint", str(big)),
                   "document trop grand : il dépasse la limite de 100 000 éléments")


# --- A fresh checkout: no database yet ---------------------------------------------------------

@pytest.fixture
def fresh_env(tmp_path: Path) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment["BOUSSOLE_DATA_DIR"] = str(tmp_path / "donnees")
    return environment


@pytest.mark.parametrize("args", [
    ("case", "list"),
    ("case", "export", "1"),
    ("case", "memo", "1"),
    ("case", "import", "dossier.json", "--organisation", "demo"),
])
def test_database_commands_on_a_fresh_checkout(fresh_env: dict[str, str], tmp_path: Path,
                                               args: tuple[str, ...]) -> None:
    data = Path(fresh_env["BOUSSOLE_DATA_DIR"])
    for exists in (False, True):  # no data directory yet, then an empty one
        if exists:
            data.mkdir()
        result = run(*args, env=fresh_env)
        assert_refused(result, "la base de données", "n'existe pas encore",
                       "lancez « boussole migrate »")
        assert not (data / "boussole.sqlite3").exists()
        assert data.exists() == exists


def test_migrate_still_creates_the_database(fresh_env: dict[str, str]) -> None:
    data = Path(fresh_env["BOUSSOLE_DATA_DIR"])
    data.mkdir()
    (data / "boussole.sqlite3").touch()  # an empty file left by an older version
    assert_refused(run("case", "list", env=fresh_env), "n'est pas initialisée",
                   "lancez « boussole migrate »")
    migrated = run("migrate", "--verbosity", "0", env=fresh_env)
    assert migrated.returncode == 0, migrated.stderr
    listed = run("case", "list", env=fresh_env)
    assert listed.returncode == 0, listed.stderr
    assert "0 dossier." in listed.stderr


def test_migrate_reevaluates_levels_stored_under_an_older_rule_base(
        fresh_env: dict[str, str]) -> None:
    """After an upgrade that brings a new rule base, ``boussole migrate`` refreshes the legal
    levels stored on the cases (lists, red-line flag), and only the stale ones."""
    assert run("demo", env=fresh_env).returncode == 0
    database = Path(fresh_env["BOUSSOLE_DATA_DIR"]) / "boussole.sqlite3"
    with sqlite3.connect(database) as connection:
        current = connection.execute(
            "SELECT id, legal_level, rules_version FROM cases_case ORDER BY id").fetchall()
        assert current and all(version for _, _, version in current)
        stale = current[0][0]
        connection.execute("UPDATE cases_case SET legal_level = 'LIMITE', "
                           "rules_version = '2026.11.30-1+000000000000' WHERE id = ?", (stale,))
    migrated = run("migrate", "--verbosity", "0", env=fresh_env)
    assert migrated.returncode == 0, migrated.stderr
    assert "Niveaux juridiques réévalués pour 1 dossier (base de règles" in migrated.stderr
    with sqlite3.connect(database) as connection:
        after = connection.execute(
            "SELECT id, legal_level, rules_version FROM cases_case ORDER BY id").fetchall()
    assert after == current
    again = run("migrate", "--verbosity", "0", env=fresh_env)
    assert "réévalués" not in again.stderr


def test_unreachable_database_server(fresh_env: dict[str, str]) -> None:
    unreachable = {**fresh_env, "DATABASE_URL": "postgres://boussole@127.0.0.1:1/boussole"}
    assert_refused(run("case", "list", env=unreachable), "base de données inaccessible",
                   "vérifiez DATABASE_URL")
    assert_refused(run("migrate", env=unreachable), "base de données inaccessible")
