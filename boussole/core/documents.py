"""Reading YAML or JSON documents from files or text, with French errors (never a traceback)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from boussole.core.errors import InvalidDocument, Problem


def parse_text(text: str, *, source: str) -> Any:
    """Parse YAML (a superset of JSON) text; raise :class:`InvalidDocument` on a syntax error."""
    if not text.strip():
        raise InvalidDocument([Problem((), "le document est vide.")], source=source)
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else "position inconnue"
        problem = exc.problem or "erreur de syntaxe"
        raise InvalidDocument(
            [Problem((), f"syntaxe YAML/JSON invalide ({where}) : {problem}.")], source=source
        ) from None
    except yaml.YAMLError as exc:
        raise InvalidDocument(
            [Problem((), f"syntaxe YAML/JSON invalide : {exc}.")], source=source
        ) from None


def read_document(path: str | Path) -> Any:
    """Read and parse a YAML or JSON file; every failure becomes :class:`InvalidDocument`."""
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise InvalidDocument([Problem((), "fichier introuvable.")], source=source) from None
    except IsADirectoryError:
        raise InvalidDocument(
            [Problem((), "c'est un dossier, pas un fichier.")], source=source
        ) from None
    except OSError as exc:
        raise InvalidDocument(
            [Problem((), f"lecture impossible ({exc.strerror}).")], source=source
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidDocument(
            [Problem((), f"le fichier n'est pas encodé en UTF-8 (octet {exc.start}).")],
            source=source,
        ) from None
    if Path(path).suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidDocument(
                [Problem((), f"JSON invalide (ligne {exc.lineno}, colonne {exc.colno}) : "
                             f"{exc.msg}.")],
                source=source,
            ) from None
    return parse_text(text, source=source)


_TYPE_NAMES = {
    "object": "un objet (clé : valeur)",
    "array": "une liste",
    "string": "un texte",
    "integer": "un nombre entier",
    "number": "un nombre",
    "boolean": "un booléen (true ou false)",
    "null": "une valeur vide (null)",
}


def describe_type(value: Any) -> str:
    if value is None:
        return "une valeur vide"
    if isinstance(value, bool):
        return "un booléen"
    if isinstance(value, int):
        return "un nombre entier"
    if isinstance(value, float):
        return "un nombre décimal"
    if isinstance(value, str):
        return "un texte"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        return "un objet"
    return type(value).__name__


def expected_type(names: str | list[str]) -> str:
    if isinstance(names, str):
        names = [names]
    return " ou ".join(_TYPE_NAMES.get(name, name) for name in names)
