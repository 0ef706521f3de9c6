"""The facts catalogue (identification profile, legal-rules §7) and input validation.

The catalogue is *data*: it is read from the ``profile:`` list of the grid file, never
hard-coded here. Facts are normalised to a compact internal form that the compiled rules
read directly:

* ``yes_no`` and ``single_choice`` → the option identifier (``"oui"``, ``"aide"``…);
* ``multiple_choice`` → a ``frozenset`` of option identifiers, which contains ``"nsp"`` when
  the answer is partial (some options ticked, plus « je ne sais pas »);
* ``scale`` → an ``int``; ``date`` → a :class:`datetime.date`;
* unknown (absent, ``null``, ``"nsp"``, ``["nsp"]``, empty list) → the fact is left out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

from boussole.core.documents import SafeLoader, read_text
from boussole.core.documents import load_yaml as _load_yaml
from boussole.core.errors import InvalidDocument, Problem

NSP: Final = "nsp"

YES_NO: Final = "yes_no"
SINGLE: Final = "single_choice"
MULTIPLE: Final = "multiple_choice"
SCALE: Final = "scale"
DATE: Final = "date"
FACT_TYPES: Final = (YES_NO, SINGLE, MULTIPLE, SCALE, DATE)
CHOICE_TYPES: Final = (YES_NO, SINGLE, MULTIPLE)

YES_NO_OPTIONS: Final = ("oui", "non")

#: The grid whose ``profile:`` key defines the default catalogue (relative to the package).
DEFAULT_GRID: Final = ("data", "grids", "boussole-nantes-v1.yaml")

Path_ = tuple[str | int, ...]
FactValue = str | int | frozenset[str] | dt.date
Facts = dict[str, FactValue]


class _Loader(SafeLoader):
    """A safe YAML loader for fact sheets and rule bases (hardened: see ``core.documents``).

    * Dates stay text, so that they are validated (and any error reported) with the name of
      their field rather than failing inside the YAML parser.
    * Only plain decimal numbers are integers: YAML 1.1 would read the option ``1000_10000``
      (Q11) as the number 100010000, and ``0755`` or ``1:30`` as numbers too.
    """


_INT = "tag:yaml.org,2002:int"
_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers
          if tag not in ("tag:yaml.org,2002:timestamp", _INT)]
    for key, resolvers in SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))


def load_yaml(text: str, *, source: str | None = None) -> Any:
    """Parse YAML safely (no Python objects; dates stay strings) under the document limits.

    Raises :class:`InvalidDocument` (French, with the line) on bad syntax, anchors and aliases,
    duplicate keys, or a document too big or too deeply nested.
    """
    return _load_yaml(text, source=source, loader=_Loader, syntax="YAML invalide")


@dataclass(frozen=True, slots=True)
class FactDef:
    """One fact of the identification profile, as the rules engine needs it."""

    id: str
    type: str
    options: tuple[str, ...] = ()
    min: int | None = None
    max: int | None = None
    exclusive: frozenset[str] = frozenset()
    text: str = ""
    number: str = ""
    priority: bool = False
    option_set: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "option_set", frozenset(self.options))

    def has_option(self, option: str) -> bool:
        return option in self.options


FactCatalogue = Mapping[str, FactDef]


def fact_catalogue_from_profile(
    profile: Sequence[Mapping[str, Any]], *, source: str | None = None
) -> dict[str, FactDef]:
    """Build the catalogue from the ``profile:`` list of a grid file.

    Raises :class:`InvalidDocument` (French messages) on a malformed entry.
    """
    problems: list[Problem] = []
    catalogue: dict[str, FactDef] = {}
    if not isinstance(profile, Sequence) or isinstance(profile, str | bytes):
        raise InvalidDocument(
            [Problem(("profile",), "une liste de faits est attendue")], source=source
        )
    for index, entry in enumerate(profile):
        path: Path_ = ("profile", index)
        if not isinstance(entry, Mapping):
            problems.append(Problem(path, "un objet décrivant un fait est attendu"))
            continue
        fact_id = entry.get("id")
        if not isinstance(fact_id, str) or not fact_id:
            problems.append(Problem((*path, "id"), "identifiant de fait manquant"))
            continue
        fact_type = entry.get("type")
        if fact_type not in FACT_TYPES:
            problems.append(
                Problem((*path, "type"), f"type de fait inconnu « {fact_type} » pour {fact_id}")
            )
            continue
        options: tuple[str, ...] = ()
        if fact_type == YES_NO:
            options = YES_NO_OPTIONS
        elif fact_type in (SINGLE, MULTIPLE):
            raw_options = entry.get("options") or []
            ids: list[str] = []
            for oi, option in enumerate(raw_options):
                option_id = option.get("id") if isinstance(option, Mapping) else option
                if not isinstance(option_id, str) or not option_id or option_id == NSP:
                    problems.append(
                        Problem((*path, "options", oi), f"option invalide pour le fait {fact_id}")
                    )
                    continue
                ids.append(option_id)
            if not ids:
                problems.append(Problem((*path, "options"), f"le fait {fact_id} n'a aucune option"))
            options = tuple(ids)
        exclusive = frozenset(entry.get("exclusive") or ())
        for option in exclusive - set(options):
            problems.append(
                Problem((*path, "exclusive"), f"option exclusive inconnue « {option} »")
            )
        minimum = entry.get("min")
        maximum = entry.get("max")
        if fact_type == SCALE and not (
            isinstance(minimum, int) and isinstance(maximum, int) and minimum <= maximum
        ):
            problems.append(
                Problem(path, f"l'échelle {fact_id} doit avoir des bornes min et max entières")
            )
            continue
        if fact_id in catalogue:
            problems.append(Problem((*path, "id"), f"fait « {fact_id} » défini deux fois"))
            continue
        catalogue[fact_id] = FactDef(
            id=fact_id,
            type=fact_type,
            options=options,
            min=minimum if fact_type == SCALE else None,
            max=maximum if fact_type == SCALE else None,
            exclusive=exclusive,
            text=str(entry.get("text") or ""),
            number=str(entry.get("number") or ""),
            priority=bool(entry.get("priority")),
        )
    if problems:
        raise InvalidDocument(problems, source=source)
    return catalogue


def default_grid_path() -> Path:
    """Path of the bundled grid file that holds the default ``profile:``."""
    return Path(str(resources.files("boussole").joinpath(*DEFAULT_GRID)))


def load_catalogue(path: str | Path) -> dict[str, FactDef]:
    """Read the ``profile:`` list of a grid file (YAML) and build the catalogue."""
    source = str(path)
    data = load_yaml(read_text(path), source=source)
    if not isinstance(data, Mapping) or "profile" not in data:
        raise InvalidDocument([Problem(("profile",), "clé « profile » manquante")], source=source)
    return fact_catalogue_from_profile(data["profile"], source=source)


@lru_cache(maxsize=1)
def load_default_catalogue() -> dict[str, FactDef]:
    """The catalogue of the bundled grid (cached)."""
    return load_catalogue(default_grid_path())


# ---------------------------------------------------------------------------------------------
# Input validation and normalisation


def normalize_facts(
    raw: Any, catalogue: FactCatalogue, *, source: str | None = None, root: Path_ = ("faits",)
) -> Facts:
    """Validate a ``faits`` mapping and return the normalised facts.

    Raises :class:`InvalidDocument` naming every faulty field (e.g. ``faits.biometrie[1]``).
    """
    problems: list[Problem] = []
    facts = collect_facts(raw, catalogue, problems, root)
    if problems:
        raise InvalidDocument(problems, source=source)
    return facts


def collect_facts(
    raw: Any, catalogue: FactCatalogue, problems: list[Problem], root: Path_ = ("faits",)
) -> Facts:
    """Like :func:`normalize_facts`, appending problems instead of raising."""
    facts: Facts = {}
    if raw is None:
        return facts
    if not isinstance(raw, Mapping):
        problems.append(Problem(root, "un objet « identifiant du fait : réponse » est attendu"))
        return facts
    seen: set[str] = set()
    _walk(raw, "", root, catalogue, _prefixes(catalogue), facts, seen, problems)
    return facts


_PREFIX_CACHE: dict[int, tuple[FactCatalogue, frozenset[str]]] = {}


def _prefixes(catalogue: FactCatalogue) -> frozenset[str]:
    """Group prefixes of dotted fact ids (``securite``, ``securite.dict``), cached."""
    cached = _PREFIX_CACHE.get(id(catalogue))
    if cached is not None and cached[0] is catalogue:
        return cached[1]
    out: set[str] = set()
    for fact_id in catalogue:
        parts = fact_id.split(".")
        for i in range(1, len(parts)):
            out.add(".".join(parts[:i]))
    if len(_PREFIX_CACHE) > 16:
        _PREFIX_CACHE.clear()
    _PREFIX_CACHE[id(catalogue)] = (catalogue, frozenset(out))
    return frozenset(out)


def _walk(
    raw: Mapping[Any, Any],
    prefix: str,
    path: Path_,
    catalogue: FactCatalogue,
    prefixes: frozenset[str],
    facts: Facts,
    seen: set[str],
    problems: list[Problem],
) -> None:
    for key, value in raw.items():
        if key.__class__ is not str and not isinstance(key, str):
            problems.append(Problem((*path, str(key)), "identifiant de fait invalide"))
            continue
        full = prefix + key if prefix else key
        fact = catalogue.get(full)
        if fact is not None:
            if "." in full:
                # The same fact may be given nested and dotted (securite.dict.C).
                if full in seen:
                    problems.append(
                        Problem((*path, key), f"le fait « {full} » est renseigné deux fois")
                    )
                    continue
                seen.add(full)
            # Fast paths for the common, valid answers.
            kind = fact.type
            cls = value.__class__
            if cls is str:
                if kind != MULTIPLE and value in fact.option_set:
                    facts[full] = value
                    continue
            elif cls is list and kind == MULTIPLE:
                try:
                    chosen = frozenset(value)
                except TypeError:
                    chosen = frozenset((NSP, ""))  # not hashable: take the slow path
                if chosen and chosen <= fact.option_set and (
                    len(chosen) == 1 or chosen.isdisjoint(fact.exclusive)
                ):
                    facts[full] = chosen
                    continue
            elif (
                cls is int and kind == SCALE and fact.min is not None and fact.max is not None
                and fact.min <= value <= fact.max
            ):
                facts[full] = value
                continue
            here = (*path, key)
            normalised = _normalise_value(fact, value, here, problems)
            if normalised is not None:
                facts[full] = normalised
        elif full in prefixes:
            here = (*path, key)
            if value is None or value == NSP:
                continue
            if not isinstance(value, Mapping):
                problems.append(Problem(here, "un objet regroupant des faits est attendu"))
                continue
            _walk(value, full + ".", here, catalogue, prefixes, facts, seen, problems)
        else:
            problems.append(Problem((*path, key), f"fait inconnu « {full} »"))


def _yes_no_from_bool(fact: FactDef, value: bool) -> str | None:
    option = "oui" if value else "non"
    return option if option in fact.options else None


def _normalise_value(
    fact: FactDef, value: Any, path: Path_, problems: list[Problem]
) -> FactValue | None:
    """The normalised value, or ``None`` when unknown or invalid (then a problem is added)."""
    if value is None or (isinstance(value, str) and value == NSP):
        return None
    kind = fact.type
    if kind in (YES_NO, SINGLE):
        if isinstance(value, bool):
            option = _yes_no_from_bool(fact, value)
            if option is None:
                problems.append(Problem(path, _expected_choice(fact)))
            return option
        if not isinstance(value, str):
            problems.append(Problem(path, _expected_choice(fact)))
            return None
        if value not in fact.options:
            problems.append(Problem(path, _unknown_option(fact, value)))
            return None
        return value
    if kind == MULTIPLE:
        return _normalise_multiple(fact, value, path, problems)
    if kind == SCALE:
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(
                Problem(path, f"un entier de {fact.min} à {fact.max} est attendu pour {fact.id}")
            )
            return None
        low = fact.min if fact.min is not None else value
        high = fact.max if fact.max is not None else value
        if not low <= value <= high:
            problems.append(
                Problem(
                    path,
                    f"valeur {value} hors de l'échelle {fact.min} à {fact.max} pour {fact.id}",
                )
            )
            return None
        return value
    # DATE
    parsed = parse_date(value)
    if parsed is None:
        problems.append(Problem(path, f"une date au format AAAA-MM-JJ est attendue pour {fact.id}"))
    return parsed


def _normalise_multiple(
    fact: FactDef, value: Any, path: Path_, problems: list[Problem]
) -> frozenset[str] | None:
    items: Iterable[Any]
    if isinstance(value, str):
        items = (value,)
    elif isinstance(value, list | tuple):
        items = value
    else:
        problems.append(
            Problem(path, f"une liste d'options est attendue pour {fact.id} ({_options(fact)})")
        )
        return None
    selected: set[str] = set()
    ok = True
    for index, item in enumerate(items):
        here = (*path, index) if not isinstance(value, str) else path
        if not isinstance(item, str):
            problems.append(Problem(here, f"option invalide pour {fact.id} ({_options(fact)})"))
            ok = False
        elif item != NSP and item not in fact.options:
            problems.append(Problem(here, _unknown_option(fact, item)))
            ok = False
        else:
            selected.add(item)
    if not ok:
        return None
    exclusive = selected & fact.exclusive
    if exclusive and len(selected) > 1:
        name = sorted(exclusive)[0]
        problems.append(
            Problem(path, f"l'option « {name} » ne peut pas être combinée avec d'autres réponses")
        )
        return None
    if not selected or selected == {NSP}:
        return None
    return frozenset(selected)


def parse_date(value: Any) -> dt.date | None:
    """An ISO date (``AAAA-MM-JJ``) from a string or a YAML date; ``None`` if invalid."""
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _options(fact: FactDef) -> str:
    return ", ".join(fact.options)


def _expected_choice(fact: FactDef) -> str:
    return f"une réponse parmi {_options(fact)} ou nsp est attendue pour {fact.id}"


def _unknown_option(fact: FactDef, value: str) -> str:
    return f"option inconnue « {value} » pour {fact.id} (attendu : {_options(fact)} ou nsp)"


def display_value(fact: FactDef | None, value: FactValue | None) -> Any:
    """A fact value as shown in JSON output (``"nsp"`` when unknown)."""
    if value is None:
        return NSP
    if isinstance(value, frozenset):
        order = fact.options if fact is not None else ()
        listed = [option for option in order if option in value]
        listed.extend(sorted(v for v in value if v not in order and v != NSP))
        if NSP in value:
            listed.append(NSP)
        return listed
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
