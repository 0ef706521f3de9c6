"""Reading a ``boussole-case/1`` document: the file under the case limits, and a reader of
typed fields that records every problem (with its path, in French) instead of stopping."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

from boussole.core.documents import CASE_LIMITS, describe_type, load_json, read_text
from boussole.core.errors import InvalidDocument, Problem

PathT = tuple[str | int, ...]
Person = tuple[str, str]  # (username, name)

_INT_MAX = 2_147_483_647
_MAX_JSON_DEPTH = 64


def load_document(path: str | Path) -> Any:
    """Read a JSON file under the case limits (size, nodes, depth; no duplicate key, no lone
    surrogate, no NaN); every failure becomes :class:`InvalidDocument` naming the file."""
    source = str(path)
    text = read_text(path, limits=CASE_LIMITS)
    if not text.strip():
        raise InvalidDocument([Problem((), "le document est vide.")], source=source)
    return load_json(text, source=source, limits=CASE_LIMITS, allow_constants=False)


class Reader:
    """Reads typed fields from the document, recording every problem instead of stopping.
    A method returns ``None`` when the field is absent, null (if allowed) or invalid."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: PathT, message: str) -> None:
        problem = Problem(path, message)
        if problem not in self.problems:
            self.problems.append(problem)

    def obj(self, value: Any, path: PathT, keys: dict[str, bool]) -> dict[str, Any] | None:
        """The value as an object with the given keys (``True``: required)."""
        if not isinstance(value, dict):
            self.add(path, f"doit être un objet (clé : valeur), pas {describe_type(value)}.")
            return None
        for key in value:
            if key not in keys:
                self.add((*path, str(key)), f"clé inconnue « {key} » ; clés admises : "
                                            f"{', '.join(keys)}.")
        for key, required in keys.items():
            if required and key not in value:
                self.add(path, f"champ obligatoire manquant : « {key} ».")
        return value

    def array(self, block: dict[str, Any], path: PathT, key: str) -> list[Any]:
        value = block.get(key, [])
        if not isinstance(value, list):
            self.add((*path, key), f"doit être une liste, pas {describe_type(value)}.")
            return []
        return value

    def text(self, block: dict[str, Any], path: PathT, key: str, *, max_length: int | None = None,
             required: bool = False, nullable: bool = False) -> str | None:
        if key not in block:
            return None
        value, here = block[key], (*path, key)
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            self.add(here, f"doit être un texte, pas {describe_type(value)}.")
            return None
        if "\x00" in value:
            self.add(here, "le caractère nul (\\u0000) n'est pas admis.")
            return None
        if required and not value.strip():
            self.add(here, "ne doit pas être vide.")
            return None
        if max_length is not None and len(value) > max_length:
            self.add(here, f"texte trop long : {max_length} caractères au plus "
                           f"({len(value)} reçus).")
            return None
        return value

    def integer(self, block: dict[str, Any], path: PathT, key: str, *, minimum: int = 0,
                maximum: int = _INT_MAX, nullable: bool = False) -> int | None:
        if key not in block:
            return None
        value, here = block[key], (*path, key)
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(here, f"doit être un nombre entier, pas {describe_type(value)}.")
            return None
        if not minimum <= value <= maximum:
            self.add(here, f"doit être un entier de {minimum} à {maximum} (valeur reçue : "
                           f"{value}).")
            return None
        return value

    def moment(self, block: dict[str, Any], path: PathT, key: str, *, nullable: bool = False
               ) -> dt.datetime | None:
        raw = self.text(block, path, key, nullable=nullable)
        if raw is None:
            return None
        here = (*path, key)
        try:
            value = dt.datetime.fromisoformat(raw)
        except ValueError:
            self.add(here, f"« {raw} » n'est pas une date et heure ISO 8601 (exemple : "
                           "2026-03-01T09:30:00+00:00).")
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            self.add(here, f"« {raw} » : le fuseau horaire manque (exemple : "
                           "2026-03-01T09:30:00+00:00).")
            return None
        return value.astimezone(dt.UTC)

    def person(self, block: dict[str, Any], path: PathT, key: str, *, nullable: bool = False
               ) -> Person | None:
        if key not in block:
            return None
        value, here = block[key], (*path, key)
        if value is None and nullable:
            return None
        person = self.obj(value, here, {"username": True, "name": True})
        if person is None:
            return None
        username = self.text(person, here, "username", max_length=150, required=True)
        name = self.text(person, here, "name", max_length=200)
        if username is None or ("name" in person and name is None):
            return None
        return (username, name or username)

    def plain(self, value: Any, path: PathT, depth: int = 0) -> bool:
        """Is ``value`` plain JSON storable by every database (finite numbers, no NUL)?"""
        if depth > _MAX_JSON_DEPTH:
            self.add(path, "structure trop profondément imbriquée.")
            return False
        if value is None or isinstance(value, bool | int):
            return True
        if isinstance(value, float):
            if not math.isfinite(value):
                self.add(path, "nombre non fini (NaN ou infini) non admis.")
                return False
            return True
        if isinstance(value, str):
            if "\x00" in value:
                self.add(path, "le caractère nul (\\u0000) n'est pas admis.")
                return False
            return True
        if isinstance(value, list):
            return all([self.plain(item, (*path, i), depth + 1)
                        for i, item in enumerate(value)])
        if isinstance(value, dict):
            return all([self._key(key, path) and self.plain(item, (*path, key), depth + 1)
                        for key, item in value.items()])
        self.add(path, f"valeur non JSON ({describe_type(value)}).")
        return False

    def _key(self, key: Any, path: PathT) -> bool:
        if not isinstance(key, str) or "\x00" in key:
            self.add(path, f"clé d'objet invalide : {key!r}.")
            return False
        return True
