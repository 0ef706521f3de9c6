"""The facts catalogue (identification profile, legal-rules §7) and input validation.

The catalogue is *data*: it is the ``profile:`` of a validated grid (:class:`Grid`, from the
:class:`~boussole.core.grid.GridRegistry`), never hard-coded or read from a file here, so that a
case is evaluated against the facts of its own grid version. Facts are normalised to a compact
internal form that the compiled rules read directly:

* ``yes_no`` and ``single_choice`` → the option identifier (``"oui"``, ``"aide"``…);
* ``multiple_choice`` → a ``frozenset`` of option identifiers, which contains ``"nsp"`` when
  the answer is partial (some options ticked, plus « je ne sais pas »);
* ``scale`` → an ``int``; ``date`` → a :class:`datetime.date`;
* unknown (absent, ``null``, ``"nsp"``, ``["nsp"]``, empty list) → the fact is left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from boussole.core.errors import InvalidDocument, Problem
from boussole.core.grid.model import Grid

NSP: Final = "nsp"

YES_NO: Final = "yes_no"
SINGLE: Final = "single_choice"
MULTIPLE: Final = "multiple_choice"
SCALE: Final = "scale"
DATE: Final = "date"
FACT_TYPES: Final = (YES_NO, SINGLE, MULTIPLE, SCALE, DATE)
CHOICE_TYPES: Final = (YES_NO, SINGLE, MULTIPLE)

Path_ = tuple[str | int, ...]
FactValue = str | int | frozenset[str] | dt.date
Facts = dict[str, FactValue]


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

FactCatalogue = Mapping[str, FactDef]

_CATALOGUES: dict[int, tuple[Grid, dict[str, FactDef]]] = {}


def fact_catalogue(grid: Grid) -> dict[str, FactDef]:
    """The catalogue of a validated grid: one :class:`FactDef` per fact of its profile.

    The grid loader has already checked the profile (types, options, exclusive options, scale
    bounds, unique identifiers), so nothing can fail here. Cached per grid object.
    """
    cached = _CATALOGUES.get(id(grid))
    if cached is not None and cached[0] is grid:
        return cached[1]
    catalogue = {
        fact.id: FactDef(
            id=fact.id,
            type=fact.type,
            options=fact.option_ids,
            min=fact.min if fact.type == SCALE else None,
            max=fact.max if fact.type == SCALE else None,
            exclusive=frozenset(fact.exclusive),
            text=fact.text,
            number=fact.number or "",
            priority=fact.priority,
        )
        for fact in grid.profile
    }
    if len(_CATALOGUES) > 16:
        _CATALOGUES.clear()
    _CATALOGUES[id(grid)] = (grid, catalogue)
    return catalogue


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
