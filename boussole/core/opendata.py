"""The public register as open data: one row per published notice, its Table Schema, the
``datapackage.json`` that describes the files, and the CSV and JSON writers.

The fields cover those of France's inventory of public algorithms (the « inventaire des
principaux traitements algorithmiques » of CRPA L312-1-3, as Etalab's practical guide lays it
out: name, description and purpose, administration, legal basis, whether it founds individual
decisions, rules, contact, dates, link), then Boussole's own (case reference and notice
version, state, legal level, footprint figures, decision).

Pure Python: a row is built from the frozen public content of a notice (a mapping with the
keys of the notice contract: ``reference``, ``organisation``, ``title``, ``summary``...),
never from a case, so that only what the notice shows reaches the files. Values absent or of
the wrong type become empty, never an error: a row is always written.

CSV follows data.gouv.fr's recommendations: UTF-8 without byte-order mark, comma separator,
one header row of field names, ``"`` quoting when needed, CRLF line ends (RFC 4180). Empty
cells are missing values; booleans are ``true``/``false``; dates ``YYYY-MM-DD``; decimal
numbers with a point. The JSON file is an array of objects with the same keys and the same
values, typed (``null`` where the CSV cell is empty).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

#: File names of the open data, next to each other (the datapackage names them relatively).
CSV_NAME: Final = "registre.csv"
JSON_NAME: Final = "registre.json"
SCHEMA_NAME: Final = "registre.schema.json"
DATAPACKAGE_NAME: Final = "datapackage.json"
#: The version of the table's schema (semantic versioning: a field removed or renamed is a
#: major change).
SCHEMA_VERSION: Final = "1.0.0"
#: Formats of the data file.
FORMATS: Final = ("csv", "json")
#: The licence of the open data: France's Licence Ouverte 2.0.
LICENCE: Final[Mapping[str, str]] = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
}


@dataclass(frozen=True, slots=True)
class Field:
    """One column: its name, Table Schema type, French title and description; ``inventory``
    when the field is one of the inventory of public algorithms."""

    name: str
    type: str
    title: str
    description: str
    required: bool = False
    inventory: bool = False
    enum: tuple[str, ...] = ()

    def descriptor(self) -> dict[str, Any]:
        """The field as a Table Schema field descriptor."""
        out: dict[str, Any] = {"name": self.name, "type": self.type, "title": self.title,
                               "description": self.description}
        if self.type in ("date", "datetime"):
            out["format"] = "default"
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if constraints:
            out["constraints"] = constraints
        return out


FIELDS: Final[tuple[Field, ...]] = (
    # --- The inventory of public algorithms -------------------------------------------------
    Field("nom", "string", "Nom de l'algorithme",
          "Nom de l'algorithme ou du service numérique qui l'utilise.",
          required=True, inventory=True),
    Field("description", "string", "Description",
          "Ce que fait l'outil, en français clair.", inventory=True),
    Field("finalite", "string", "Finalité",
          "Pourquoi l'administration l'utilise (objectif poursuivi).", inventory=True),
    Field("donnees", "string", "Données utilisées",
          "Les données que l'outil traite.", inventory=True),
    Field("administration", "string", "Administration",
          "Nom de l'administration qui utilise l'algorithme.", required=True, inventory=True),
    Field("administration_identifiant", "string", "Identifiant de l'administration",
          "Identifiant de l'administration dans Boussole (il compose l'adresse de la notice).",
          required=True, inventory=True),
    Field("service_responsable", "string", "Direction ou service responsable",
          "La direction ou le service qui répond de l'utilisation de l'outil.",
          inventory=True),
    Field("base_legale", "string", "Base légale",
          "Le texte ou la mission qui fonde le traitement.", inventory=True),
    Field("decisions_individuelles", "boolean", "Fonde des décisions individuelles",
          "Vrai si l'algorithme fonde des décisions administratives individuelles (article "
          "L312-1-3 du code des relations entre le public et l'administration).",
          required=True, inventory=True),
    Field("regles_algorithme", "string", "Principales règles de l'algorithme",
          "Les règles qui définissent le traitement et ses principales caractéristiques de "
          "mise en œuvre, lorsqu'il fonde des décisions individuelles.", inventory=True),
    Field("contact", "string", "Contact",
          "Comment joindre une personne au sujet de l'outil.", inventory=True),
    Field("recours", "string", "Contester une décision, exercer ses droits",
          "Comment contester une décision ou exercer ses droits.", inventory=True),
    Field("date_publication", "date", "Date de publication",
          "Date de publication de cette version de la notice.", required=True, inventory=True),
    Field("url_notice", "string", "Adresse de la notice",
          "Adresse de la notice publique dans le registre.", required=True, inventory=True),
    # --- Boussole's own ---------------------------------------------------------------------
    Field("reference", "string", "Référence du dossier",
          "Référence du dossier dans l'administration ; avec l'identifiant de l'administration, "
          "clé stable de la notice.", required=True),
    Field("version", "integer", "Version de la notice",
          "Numéro de la version publiée de la notice (1, 2...).", required=True),
    Field("annee", "integer", "Année d'ouverture du dossier",
          "Année où le dossier d'instruction a été ouvert."),
    Field("etat", "string", "Étape du dossier (code)",
          "Étape du dossier à la publication : brouillon, en_instruction, avis_groupe, "
          "decision, information_syndicale, en_service, ajourne, retire."),
    Field("etat_libelle", "string", "Étape du dossier", "Étape du dossier, en toutes lettres."),
    Field("niveau_juridique", "string", "Niveau de risque juridique (code)",
          "Niveau de risque juridique retenu ou indicatif, en code (par exemple MODERE ; vide "
          "s'il n'est pas établi)."),
    Field("niveau_juridique_libelle", "string", "Niveau de risque juridique",
          "Niveau de risque juridique, en toutes lettres."),
    Field("empreinte_kg_co2e_an", "number", "Émissions (kg CO2e par an)",
          "Empreinte carbone estimée du service, en kilogrammes d'équivalent CO2 par an."),
    Field("empreinte_kwh_an", "number", "Énergie (kWh par an)",
          "Consommation d'énergie estimée, en kilowattheures par an."),
    Field("empreinte_eau_l_an", "number", "Eau (litres par an)",
          "Consommation d'eau estimée, en litres par an."),
    Field("empreinte_resume", "string", "Empreinte environnementale",
          "Résumé de l'empreinte environnementale."),
    Field("decision", "string", "Décision (code)",
          "Décision des élus : valide, valide_sous_conditions, ajourne, refuse (vide sans "
          "décision)."),
    Field("decision_libelle", "string", "Décision", "Décision des élus, en toutes lettres."),
    Field("decision_date", "date", "Date de la décision", "Date de la décision des élus."),
    Field("decision_reference", "string", "Référence de la décision",
          "Référence de la délibération ou de l'arrêté."),
    Field("decision_elus", "string", "Élus qui ont décidé",
          "Les élus qui ont décidé, avec leur délégation, séparés par des points-virgules."),
    Field("decision_conditions", "string", "Conditions de la décision",
          "Les conditions posées par la décision."),
)

FIELD_NAMES: Final[tuple[str, ...]] = tuple(f.name for f in FIELDS)
#: A notice is named by its administration and its reference.
PRIMARY_KEY: Final = ("administration_identifiant", "reference")


# --- Rows -----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return round(number, 3) if math.isfinite(number) else None


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _date(value: Any) -> str | None:
    """``YYYY-MM-DD`` from a date or an ISO date-time string (its date part), else None."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def officials_text(decision: Mapping[str, Any]) -> str:
    """« Name (delegation); Name (delegation) » for the elected officials who decided."""
    out = []
    officials = decision.get("officials")
    for official in officials if isinstance(officials, list) else []:
        official = _mapping(official)
        name, delegation = _text(official.get("name")), _text(official.get("delegation_label"))
        if name:
            out.append(f"{name} ({delegation})" if delegation else name)
    return "; ".join(out)


def row(content: Mapping[str, Any], url: str) -> dict[str, Any]:
    """The open-data row of one published notice (its frozen public ``content``), with the
    address ``url`` of the notice. Keys in :data:`FIELD_NAMES` order."""
    organisation = _mapping(content.get("organisation"))
    footprint = _mapping(content.get("footprint"))
    decision = _mapping(content.get("decision"))
    founds = content.get("founds_individual_decisions")
    values: dict[str, Any] = {
        "nom": _text(content.get("title")),
        "description": _text(content.get("summary")),
        "finalite": _text(content.get("purpose")),
        "donnees": _text(content.get("data")),
        "administration": _text(organisation.get("name")),
        "administration_identifiant": _text(organisation.get("slug")),
        "service_responsable": _text(content.get("responsible_service")),
        "base_legale": _text(content.get("legal_basis")),
        "decisions_individuelles": founds is True,
        "regles_algorithme": _text(content.get("algorithm_rules")),
        "contact": _text(content.get("contact")),
        "recours": _text(content.get("contest")),
        "date_publication": _date(content.get("published_at")),
        "url_notice": url,
        "reference": _text(content.get("reference")),
        "version": _integer(content.get("version")),
        "annee": _integer(content.get("year")),
        "etat": _text(content.get("state")),
        "etat_libelle": _text(content.get("state_label")),
        "niveau_juridique": _text(content.get("legal_level")),
        "niveau_juridique_libelle": _text(content.get("legal_level_label")),
        "empreinte_kg_co2e_an": _number(footprint.get("kg_co2e_per_year")),
        "empreinte_kwh_an": _number(footprint.get("kwh_per_year")),
        "empreinte_eau_l_an": _number(footprint.get("water_l_per_year")),
        "empreinte_resume": _text(footprint.get("summary")),
        "decision": _text(decision.get("outcome")),
        "decision_libelle": _text(decision.get("outcome_label")),
        "decision_date": _date(decision.get("date")),
        "decision_reference": _text(decision.get("reference")),
        "decision_elus": officials_text(decision),
        "decision_conditions": _text(decision.get("conditions")),
    }
    return {name: values[name] for name in FIELD_NAMES}


# --- Descriptors ----------------------------------------------------------------------------


def table_schema() -> dict[str, Any]:
    """The Table Schema of the register (frictionless ``tabular-data-resource`` schema)."""
    return {
        "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
        "name": "boussole-registre",
        "title": "Registre public des algorithmes (Boussole)",
        "description": ("Une ligne par notice publiée : les champs de l'inventaire des "
                        "principaux traitements algorithmiques (article L312-1-3 du code des "
                        "relations entre le public et l'administration), puis ceux de "
                        "Boussole (niveau juridique, empreinte environnementale, décision)."),
        "version": SCHEMA_VERSION,
        "fields": [f.descriptor() for f in FIELDS],
        "primaryKey": list(PRIMARY_KEY),
        "missingValues": [""],
    }


def datapackage(*, name: str, title: str, created: str, formats: Sequence[str] = FORMATS,
                homepage: str = "") -> dict[str, Any]:
    """The ``datapackage.json`` describing the data files of ``formats`` (each with the Table
    Schema file), for a register called ``name`` (a slug) and ``title``, made at ``created``
    (ISO date-time)."""
    resources: list[dict[str, Any]] = []
    for fmt in formats:
        if fmt == "csv":
            resources.append({
                "name": "registre", "path": CSV_NAME, "profile": "tabular-data-resource",
                "title": "Registre (CSV)", "format": "csv", "mediatype": "text/csv",
                "encoding": "utf-8", "schema": SCHEMA_NAME,
                "dialect": {"delimiter": ",", "quoteChar": "\"", "header": True}})
        elif fmt == "json":
            # Described as a plain data resource: reading JSON as a table needs optional
            # parsers in most tools; its objects have the fields of the Table Schema.
            resources.append({
                "name": "registre-json", "path": JSON_NAME, "profile": "data-resource",
                "title": "Registre (JSON)", "format": "json", "mediatype": "application/json",
                "encoding": "utf-8",
                "description": ("Les mêmes lignes que registre.csv : un tableau d'objets dont "
                                f"les clés et les types sont ceux de {SCHEMA_NAME}.")})
        else:
            raise ValueError(f"format inconnu : {fmt}")
    package: dict[str, Any] = {
        "profile": "data-package",
        "name": name,
        "title": title,
        "description": ("Les notices publiques des algorithmes et systèmes d'intelligence "
                        "artificielle, en données ouvertes."),
        "version": SCHEMA_VERSION,
        "created": created,
        "licenses": [dict(LICENCE)],
        "resources": resources,
    }
    if homepage:
        package["homepage"] = homepage
    return package


# --- Writers --------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def to_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """The rows as CSV text (header of field names, comma, CRLF, UTF-8 when encoded)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=",", quotechar="\"", quoting=csv.QUOTE_MINIMAL,
                        lineterminator="\r\n")
    writer.writerow(FIELD_NAMES)
    for item in rows:
        writer.writerow([_cell(item.get(name)) for name in FIELD_NAMES])
    return buffer.getvalue()


def to_json(rows: Iterable[Mapping[str, Any]]) -> str:
    """The rows as a JSON array of objects (keys in field order; ``null`` for empty values
    that are not text)."""
    data = [{name: item.get(name) for name in FIELD_NAMES} for item in rows]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def dumps(document: Mapping[str, Any]) -> str:
    """A descriptor (schema, data package) as readable JSON text."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def files(rows: Sequence[Mapping[str, Any]], *, name: str, title: str, created: str,
          formats: Sequence[str] = FORMATS, homepage: str = "") -> dict[str, str]:
    """Every file of the open data, by file name: the data file of each format, the Table
    Schema and the ``datapackage.json``."""
    out: dict[str, str] = {}
    for fmt in formats:
        if fmt == "csv":
            out[CSV_NAME] = to_csv(rows)
        elif fmt == "json":
            out[JSON_NAME] = to_json(rows)
        else:
            raise ValueError(f"format inconnu : {fmt}")
    out[SCHEMA_NAME] = dumps(table_schema())
    out[DATAPACKAGE_NAME] = dumps(datapackage(name=name, title=title, created=created,
                                              formats=formats, homepage=homepage))
    return out
