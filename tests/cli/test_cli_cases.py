"""The ``boussole case`` commands, run as a user would: as subprocesses on a fresh SQLite base."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from boussole.core.grid import GridRegistry

DEMO = "nantes-metropole-demo"
#: The demonstration cases are pinned to the current (latest) version of the bundled grid.
CURRENT_GRID = GridRegistry().get("boussole-nantes").key


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A data directory with the demonstration data (6 cases), shared by this module."""
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment["BOUSSOLE_DATA_DIR"] = str(tmp_path_factory.mktemp("boussole-data"))
    demo = run("demo", env=environment)
    assert demo.returncode == 0, demo.stderr
    return environment


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "boussole", *args], capture_output=True,
                          text=True, timeout=300, check=False, env=env)


def case_list(env: dict[str, str]) -> list[dict[str, Any]]:
    result = run("case", "list", "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def test_list_export_import(env: dict[str, str], tmp_path: Path) -> None:
    cases = case_list(env)
    assert len(cases) == 6
    for row in cases:
        assert {"id", "title", "organisation", "state", "reference", "grid"} <= set(row)
        assert row["organisation"] == DEMO and row["grid"] == CURRENT_GRID
    text = run("case", "list", "--organisation", DEMO, env=env)
    assert text.returncode == 0 and len(text.stdout.splitlines()) == 6

    source = next(row for row in cases if row["state"] == "en_instruction")
    exported = run("case", "export", str(source["id"]), env=env)
    assert exported.returncode == 0, exported.stderr
    document = json.loads(exported.stdout)
    assert document["format"] == "boussole-case/1"
    assert document["case"]["title"] == source["title"]
    assert "é" in exported.stdout  # ensure_ascii=False: readable French
    path = tmp_path / "dossier.json"
    path.write_text(exported.stdout, encoding="utf-8")

    imported = run("case", "import", str(path), "--organisation", DEMO, env=env)
    assert imported.returncode == 0, imported.stderr
    assert "Dossier importé : n° " in imported.stdout
    assert "nouvelle référence" in imported.stderr  # the reference was taken
    after = case_list(env)
    assert len(after) == 7
    new = next(row for row in after if row["id"] not in {c["id"] for c in cases})
    assert new["title"] == source["title"] and new["state"] == source["state"]
    assert new["reference"] != source["reference"] and new["reference"] in imported.stdout
    again = json.loads(run("case", "export", str(new["id"]), env=env).stdout)
    assert len(again["answers"]) == len(document["answers"])
    assert again["audit"][-1]["action"] == "case_imported"

    # A malformed file: French report naming the file and the place, nothing imported.
    document["answers"][2]["value"] = {"pas": "une réponse"}
    document["case"]["state"] = "termine"
    broken = tmp_path / "dossier-abime.json"
    broken.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = run("case", "import", str(broken), "--organisation", DEMO, env=env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "dossier-abime.json : document invalide (2 problèmes)" in result.stderr
    assert "answers[2].value : réponse invalide" in result.stderr
    assert "case.state : étape « termine » inconnue" in result.stderr
    assert "Aucune donnée n'a été importée." in result.stderr
    assert len(case_list(env)) == 7

    syntax = tmp_path / "syntaxe.json"
    syntax.write_text('{"format": "boussole-case/1",', encoding="utf-8")
    result = run("case", "import", str(syntax), "--organisation", DEMO, env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "syntaxe.json" in result.stderr and "JSON invalide (ligne 1" in result.stderr
    assert len(case_list(env)) == 7


@pytest.mark.parametrize(("args", "expected"), [
    (("case", "export", "9999"), "dossier n° 9999 introuvable"),
    (("case", "export", "abc"), "identifiant de dossier invalide : « abc »"),
    (("case", "list", "--organisation", "inconnue"), "organisation « inconnue » introuvable"),
    (("case", "import", "absent.json", "--organisation", "inconnue"),
     "organisation « inconnue » introuvable"),
    (("case", "import", "absent.json", "--organisation", DEMO, "--user", "personne"),
     "aucun compte actif « personne »"),
    (("case", "import", "absent.json", "--organisation", DEMO),
     "absent.json : document invalide (1 problème)\n  - (racine du document) : fichier "
     "introuvable."),
])
def test_errors_are_french_and_exit_2(env: dict[str, str], args: tuple[str, ...],
                                      expected: str) -> None:
    result = run(*args, env=env)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_memo_from_the_command_line(env: dict[str, str], tmp_path: Path) -> None:
    import shutil

    cases = case_list(env)
    decided = next(row for row in cases if row["state"] == "decision")
    result = subprocess.run([sys.executable, "-m", "boussole", "case", "memo",
                             str(decided["id"]), "--format", "pdf"], capture_output=True,
                            timeout=300, check=False, env=env)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.startswith(b"%PDF-")
    pdf = tmp_path / "note.pdf"
    pdf.write_bytes(result.stdout)
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is missing: run scripts/test, which installs poppler-utils"
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert decided["reference"] in " ".join(text.split())
    odt = run("case", "memo", str(decided["id"]), "--format", "odt", "-o",
              str(tmp_path / "note.odt"), env=env)
    assert odt.returncode == 0 and (tmp_path / "note.odt").read_bytes()[:2] == b"PK"
    assert "non figée" not in text  # a frozen version's memo is no draft
    refused = run("case", "memo", str(decided["id"]), "--projet", env=env)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "le dossier est figé" in refused.stderr and "Décision des élus" in refused.stderr
    absent = run("case", "memo", str(decided["id"]), "--version", "9", env=env)
    assert absent.returncode == 2
    assert "la version 9 n'existe pas (versions figées : 1)" in absent.stderr


def _row_counts(env: dict[str, str]) -> dict[str, int]:
    """Rows of every table of the SQLite database, read directly."""
    import sqlite3

    path = Path(env["BOUSSOLE_DATA_DIR"]) / "boussole.sqlite3"
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        tables = [row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
                for table in tables}


def test_memo_preview_of_a_draft(env: dict[str, str], tmp_path: Path) -> None:
    """A case never frozen: a preview, "Projet — version non figée" on every page, nothing
    written."""
    import shutil

    from pypdf import PdfReader

    draft = next(row for row in case_list(env) if row["state"] == "brouillon")
    rows = _row_counts(env)
    exported = run("case", "export", str(draft["id"]), env=env)
    result = subprocess.run([sys.executable, "-m", "boussole", "case", "memo",
                             str(draft["id"]), "-o", str(tmp_path / "projet.pdf")],
                            capture_output=True, text=True, timeout=300, check=False, env=env)
    assert result.returncode == 0, result.stderr
    assert "Aperçu du dossier" in result.stderr and "Projet — version non figée" in result.stderr
    pdf = tmp_path / "projet.pdf"
    pages = len(PdfReader(pdf).pages)
    assert pages >= 2
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is missing: run scripts/test, which installs poppler-utils"
    for number in range(1, pages + 1):
        text = subprocess.run([pdftotext, "-f", str(number), "-l", str(number), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert "Projet — version non figée" in " ".join(text.split()), f"page {number}"
    flat = " ".join(subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert draft["reference"] in flat
    for fmt, mark in (("odt", "Projet — version non figée"), ("html", 'class="draft"')):
        other = subprocess.run([sys.executable, "-m", "boussole", "case", "memo",
                                str(draft["id"]), "--projet", "--format", fmt],
                               capture_output=True, timeout=300, check=False, env=env)
        assert other.returncode == 0, other.stderr.decode()
        if fmt == "odt":
            with zipfile.ZipFile(io.BytesIO(other.stdout)) as archive:
                assert mark in archive.read("content.xml").decode("utf-8")
                assert mark in archive.read("styles.xml").decode("utf-8")  # page header
        else:
            assert mark in other.stdout.decode("utf-8")
    # Nothing frozen, nothing written: same rows everywhere, same case document.
    assert _row_counts(env) == rows
    again = run("case", "export", str(draft["id"]), env=env)
    assert (json.loads(again.stdout) | {"exported_at": None}
            == json.loads(exported.stdout) | {"exported_at": None})


def test_import_refuses_hostile_json(env: dict[str, str], tmp_path: Path) -> None:
    """A lone surrogate, a duplicate key, deep nesting: a French report, nothing written."""
    before = case_list(env)
    exported = run("case", "export", str(before[0]["id"]), env=env)
    assert exported.returncode == 0, exported.stderr
    document = json.loads(exported.stdout)
    document["case"]["title"] = "TITRE"
    text = json.dumps(document, ensure_ascii=False)
    files = {
        "surrogate.json": (text.replace('"TITRE"', '"Titre \\ud800"'),
                           "case.title : caractère invalide U+D800"),
        "doublon.json": (text.replace('"TITRE"', '"Un titre", "title": "Un autre"'),
                         "case : clé « title » en double"),
        "profond.json": ('{"format": ' + "[" * 100_000 + "]" * 100_000 + "}",
                         "imbrication trop profonde"),
    }
    for name, (content, expected) in files.items():
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        result = run("case", "import", str(path), "--organisation", DEMO, env=env)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert f"{name} : document invalide" in result.stderr
        assert expected in result.stderr
        assert "Aucune donnée n'a été importée." in result.stderr
    assert case_list(env) == before
