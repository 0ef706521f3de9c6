"""The register's open data (issue 14, item 4): rows from the frozen content of a notice, the
Table Schema, the datapackage.json, the CSV and JSON writers — validated with frictionless."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import frictionless
import pytest

from boussole.core import opendata
from boussole.core import public_questions as questions

CONTENT: dict[str, Any] = {
    "reference": "2026-003",
    "organisation": {"slug": "ville-de-test", "name": "Ville de Test, « métropole »"},
    "title": "Tri des demandes d'aide sociale",
    "summary": "L'outil classe les demandes.\nUne personne relit chaque dossier.",
    "purpose": "Répondre plus vite, avec des guillemets \"doubles\" et des virgules, ici.",
    "data": "Formulaire de demande ; revenus déclarés.",
    "responsible_service": "Direction des solidarités",
    "contact": "solidarites@ville.example",
    "contest": "Recours gracieux auprès du maire.",
    "founds_individual_decisions": True,
    "legal_basis": "Code de l'action sociale et des familles",
    "algorithm_rules": "Barème à trois seuils.",
    "criterion6": [{"id": "q80", "number": 80, "question": "?", "answer": "oui"}],
    "legal_level": "eleve", "legal_level_label": "élevé",
    "state": "en_service", "state_label": "En service — suivi",
    "footprint": {"kg_co2e_per_year": 12.345678, "kwh_per_year": 300, "water_l_per_year": None,
                  "summary": "Faible."},
    "decision": {"outcome": "valide", "outcome_label": "Validé", "date": "2025-11-20",
                 "reference": "Délibération n° 2025-142",
                 "officials": [{"name": "Paul Rivière", "delegation_label": "Numérique"},
                               {"name": "Jeanne Roux", "delegation_label": ""}],
                 "conditions": "Bilan à 6 mois"},
    "reviews": [],
    "year": 2025,
    "published_at": "2026-03-01T10:15:00+01:00",
    "version": 2,
}
SPARSE: dict[str, Any] = {"reference": "2026-004",
                          "organisation": {"slug": "ville-de-test", "name": "Ville de Test"},
                          "title": "Réponses aux courriels", "published_at": "2026-03-02T08:00:00Z",
                          "version": 1, "footprint": {}, "decision": {"outcome": ""}}
URL = "https://boussole.example/registre/ville-de-test/2026-003/"


def test_a_row_takes_every_field_from_the_content_in_order() -> None:
    row = opendata.row(CONTENT, URL)
    assert tuple(row) == opendata.FIELD_NAMES
    assert row["nom"] == CONTENT["title"]
    assert row["administration"] == "Ville de Test, « métropole »"
    assert row["administration_identifiant"] == "ville-de-test"
    assert row["decisions_individuelles"] is True
    assert row["date_publication"] == "2026-03-01"
    assert row["url_notice"] == URL
    assert row["version"] == 2 and row["annee"] == 2025
    assert row["empreinte_kg_co2e_an"] == 12.346 and row["empreinte_kwh_an"] == 300.0
    assert row["empreinte_eau_l_an"] is None
    assert row["decision_date"] == "2025-11-20"
    assert row["decision_elus"] == "Paul Rivière (Numérique); Jeanne Roux"
    # Nothing but these fields: no list, no nested object reaches the files.
    assert all(isinstance(v, str | bool | int | float) or v is None for v in row.values())


def test_absent_or_malformed_values_become_empty_never_an_error() -> None:
    row = opendata.row({"title": 3, "founds_individual_decisions": "oui", "version": True,
                        "footprint": [], "decision": "valide", "published_at": "hier"}, "/x/")
    assert row["nom"] == "" and row["decisions_individuelles"] is False
    assert row["version"] is None and row["date_publication"] is None
    assert row["empreinte_kg_co2e_an"] is None and row["decision"] == ""


def test_the_inventory_fields_are_there() -> None:
    inventory = {f.name for f in opendata.FIELDS if f.inventory}
    assert {"nom", "description", "finalite", "administration", "base_legale",
            "decisions_individuelles", "contact", "date_publication", "url_notice"} <= inventory
    own = {f.name for f in opendata.FIELDS if not f.inventory}
    assert {"niveau_juridique", "empreinte_kg_co2e_an", "decision", "decision_date",
            "decision_reference", "reference", "version"} <= own
    assert len(set(opendata.FIELD_NAMES)) == len(opendata.FIELD_NAMES)


def _write(tmp_path: Path, rows: list[dict[str, Any]], **kwargs: Any) -> Path:
    files = opendata.files(rows, name="registre-test", title="Registre de test",
                           created="2026-03-03T00:00:00+00:00", **kwargs)
    for name, text in files.items():
        (tmp_path / name).write_bytes(text.encode("utf-8"))
    return tmp_path / opendata.DATAPACKAGE_NAME


def _schema(path: Path) -> frictionless.Schema:
    return frictionless.Schema.from_descriptor(json.loads(path.read_text(encoding="utf-8")))


def _json_rows_through_schema(path: Path, schema: Path) -> list[dict[str, Any]]:
    """The JSON file's objects read through the Table Schema (types cast and checked)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    names = list(opendata.FIELD_NAMES)
    assert all(list(item) == names for item in data)
    resource = frictionless.Resource(data=[names, *([item[n] for n in names] for item in data)],
                                     schema=_schema(schema))
    report = frictionless.validate(resource)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    return [dict(r) for r in resource.read_rows()]


def test_the_files_validate_and_csv_and_json_agree_field_by_field(tmp_path: Path) -> None:
    rows = [opendata.row(CONTENT, URL), opendata.row(SPARSE, "/registre/ville-de-test/2026-004/")]
    datapackage = _write(tmp_path, rows)
    report = frictionless.validate(str(datapackage))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    raw = (tmp_path / opendata.CSV_NAME).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # UTF-8 without byte-order mark
    text = raw.decode("utf-8")
    header = next(csv.reader(io.StringIO(text)))
    assert header == list(opendata.FIELD_NAMES)  # comma-separated header row
    assert "« métropole »" in text

    csv_rows = [dict(r) for r in frictionless.Resource(
        str(tmp_path / opendata.CSV_NAME),
        schema=_schema(tmp_path / opendata.SCHEMA_NAME)).read_rows()]
    json_rows = _json_rows_through_schema(tmp_path / opendata.JSON_NAME,
                                          tmp_path / opendata.SCHEMA_NAME)
    assert len(csv_rows) == len(json_rows) == 2
    for from_csv, from_json in zip(csv_rows, json_rows, strict=True):
        for name in opendata.FIELD_NAMES:
            assert from_csv[name] == from_json[name], name
    assert csv_rows[0]["description"] == CONTENT["summary"]  # the line break survives
    assert csv_rows[1]["decision"] is None and csv_rows[1]["decisions_individuelles"] is False


def test_the_schema_is_a_valid_table_schema_and_the_package_names_its_files(
        tmp_path: Path) -> None:
    schema = opendata.table_schema()
    assert frictionless.Schema.validate_descriptor(schema).valid
    assert [f["name"] for f in schema["fields"]] == list(opendata.FIELD_NAMES)
    assert schema["primaryKey"] == ["administration_identifiant", "reference"]
    package = json.loads(_write(tmp_path, []).read_text(encoding="utf-8"))
    assert [r["path"] for r in package["resources"]] == [opendata.CSV_NAME, opendata.JSON_NAME]
    assert package["resources"][0]["schema"] == opendata.SCHEMA_NAME
    assert package["licenses"][0]["name"] == "etalab-2.0"
    # An empty register is still a valid package (a header row, an empty array).
    assert frictionless.validate(str(tmp_path / opendata.DATAPACKAGE_NAME)).valid


def test_a_duplicate_notice_breaks_the_primary_key(tmp_path: Path) -> None:
    row = opendata.row(CONTENT, URL)
    report = frictionless.validate(str(_write(tmp_path, [row, row], formats=("csv",))))
    assert not report.valid
    assert "primary-key" in {e.type for task in report.tasks for e in task.errors}


def test_one_format_only() -> None:
    files = opendata.files([], name="r", title="R", created="2026-01-01T00:00:00+00:00",
                           formats=("json",))
    assert set(files) == {opendata.JSON_NAME, opendata.SCHEMA_NAME, opendata.DATAPACKAGE_NAME}
    assert json.loads(files[opendata.JSON_NAME]) == []
    with pytest.raises(ValueError, match="format inconnu"):
        opendata.files([], name="r", title="R", created="x", formats=("xml",))


# --- The rules of the public's messages ------------------------------------------------------


def test_message_text_and_rate_rules() -> None:
    assert questions.text_problem("   ") is not None
    assert questions.text_problem("court") is not None
    assert questions.text_problem("Quelles données utilisez-vous ?") is None
    assert questions.text_problem("x" * (questions.MAX_TEXT + 1)) is not None
    assert questions.rate_problem(from_sender=questions.MAX_PER_SENDER - 1, on_notice=0) is None
    assert (questions.rate_problem(from_sender=questions.MAX_PER_SENDER, on_notice=0)
            == questions.TOO_MANY_FROM_SENDER)
    assert (questions.rate_problem(from_sender=0, on_notice=questions.MAX_PER_NOTICE)
            == questions.TOO_MANY_ON_NOTICE)


@pytest.mark.parametrize(("role", "domain", "publishers", "expected"), [
    ("admin", "", "referent:juridique", True),
    ("referent", "juridique", "referent:juridique", True),
    ("referent", "numerique", "referent:juridique", False),
    ("referent", "numerique", "referent:juridique, referent:numerique", True),
    ("porteur", "", "referent:juridique,porteur", True),
    ("porteur", "", "", False),
    ("elu", "", "referent", False),
])
def test_who_may_moderate(role: str, domain: str, publishers: str, expected: bool) -> None:
    assert questions.may_moderate(role=role, domain=domain, publishers=publishers) is expected
