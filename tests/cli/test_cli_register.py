"""``boussole register export``, run as a user would: a subprocess on a fresh SQLite base with
the demonstration data and one more organisation's published notice; frictionless accepts what
it writes, and the CSV and JSON exports agree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import frictionless
import pytest

from boussole.core import opendata

ROOT = Path(__file__).resolve().parents[2]
BOUSSOLE = Path(sys.executable).parent / "boussole"
COMMUNE = "commune-test"
#: Publishes one notice of a second organisation, through the test helper of the web tests.
PUBLISH = """
from boussole.web.accounts.models import Organisation, User
from tests.web.test_register import new_case, publish
org = Organisation.objects.create(name="Commune de test", slug="commune-test")
user = User.objects.create(username="dpo-commune", organisation=org, role="referent",
                           domain="juridique")
case = new_case(org, user, "Tri du courrier de la commune", "Secrétariat général")
publish(case, user, founds_individual_decisions=True)
from boussole.web.transparency.selectors import current_publications
print(current_publications().count())
"""


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [str(BOUSSOLE)] if args and args[0] == "register" else [
        sys.executable, "-m", "boussole"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=300,
                          check=False, env=env, cwd=ROOT)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("DATABASE_URL", "BOUSSOLE_SITE_URL")}
    environment["BOUSSOLE_DATA_DIR"] = str(tmp_path_factory.mktemp("boussole-data"))
    demo = run("demo", env=environment)
    assert demo.returncode == 0, demo.stderr
    published = run("manage", "shell", "-c", PUBLISH, env=environment)
    assert published.returncode == 0, published.stderr
    return {"env": environment, "count": int(published.stdout.strip().splitlines()[-1])}


def _schema(folder: Path) -> frictionless.Schema:
    return frictionless.Schema.from_descriptor(
        json.loads((folder / opendata.SCHEMA_NAME).read_text(encoding="utf-8")))


def _csv_rows(folder: Path) -> list[dict[str, Any]]:
    return [dict(row) for row in frictionless.Resource(
        str(folder / opendata.CSV_NAME), schema=_schema(folder)).read_rows()]


def _json_rows(folder: Path) -> list[dict[str, Any]]:
    data = json.loads((folder / opendata.JSON_NAME).read_text(encoding="utf-8"))
    names = list(opendata.FIELD_NAMES)
    resource = frictionless.Resource(data=[names, *([item[n] for n in names] for item in data)],
                                     schema=_schema(folder))
    assert frictionless.validate(resource).valid
    return [dict(row) for row in resource.read_rows()]


def test_export_csv_writes_files_frictionless_accepts(env: dict[str, Any],
                                                       tmp_path: Path) -> None:
    out = tmp_path / "donnees"  # created by the command
    result = run("register", "export", "--format", "csv", "--out", str(out),
                 "--base-url", "https://boussole.example.org/", env=env["env"])
    assert result.returncode == 0, result.stderr
    assert f"{env['count']} notice" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [opendata.CSV_NAME, opendata.SCHEMA_NAME, opendata.DATAPACKAGE_NAME])
    report = frictionless.validate(str(out / opendata.DATAPACKAGE_NAME))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    # The command-line tool agrees too.
    cli = subprocess.run([str(Path(sys.executable).parent / "frictionless"), "validate",
                          opendata.DATAPACKAGE_NAME], cwd=out, capture_output=True, text=True,
                         timeout=120, check=False)
    assert cli.returncode == 0, cli.stdout + cli.stderr
    rows = _csv_rows(out)
    assert len(rows) == env["count"] >= 1
    commune = [row for row in rows if row["administration_identifiant"] == COMMUNE]
    assert len(commune) == 1 and commune[0]["decisions_individuelles"] is True
    assert commune[0]["url_notice"].startswith(
        f"https://boussole.example.org/registre/{COMMUNE}/")
    package = json.loads((out / opendata.DATAPACKAGE_NAME).read_text(encoding="utf-8"))
    assert package["homepage"] == "https://boussole.example.org/registre/"


def test_json_and_csv_of_one_organisation_agree(env: dict[str, Any], tmp_path: Path) -> None:
    as_csv, as_json = tmp_path / "csv", tmp_path / "json"
    for fmt, folder in (("csv", as_csv), ("json", as_json)):
        result = run("register", "export", "--format", fmt, "--out", str(folder),
                     "--organisation", COMMUNE, env=env["env"])
        assert result.returncode == 0, result.stderr
        assert "1 notice publiée exportée" in result.stderr
        assert frictionless.validate(str(folder / opendata.DATAPACKAGE_NAME)).valid
    assert not (as_json / opendata.CSV_NAME).exists()
    from_csv, from_json = _csv_rows(as_csv), _json_rows(as_json)
    assert from_csv == from_json
    assert [row["nom"] for row in from_json] == ["Tri du courrier de la commune"]
    assert from_json[0]["url_notice"].startswith(f"/registre/{COMMUNE}/")  # no site address


def test_refusals_in_french_write_nothing(env: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "rien"
    unknown = run("register", "export", "--out", str(out), "--organisation", "inconnue",
                  env=env["env"])
    assert unknown.returncode == 2
    assert "organisation « inconnue » introuvable" in unknown.stderr
    assert not out.exists()
    bad_format = run("register", "export", "--format", "xml", "--out", str(out),
                     env=env["env"])
    assert bad_format.returncode == 2 and "choix invalide" in bad_format.stderr
    bad_url = run("register", "export", "--out", str(out), "--base-url", "boussole.example",
                  env=env["env"])
    assert bad_url.returncode == 2 and "adresse du site invalide" in bad_url.stderr
    missing = run("register", "export", env=env["env"])
    assert missing.returncode == 2 and "--out" in missing.stderr
    assert not out.exists()
