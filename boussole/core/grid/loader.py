"""Load a grid file: parse, validate against the JSON schema, check its consistency, build it.

Every problem is reported in French with the file and the path inside it; the loader never
lets an exception other than :class:`~boussole.core.errors.InvalidDocument` escape.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, cast

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from boussole.core.documents import describe_type, expected_type, parse_text, read_document
from boussole.core.errors import InvalidDocument, Problem, format_path
from boussole.core.grid.model import (
    YES_NO_VALUES,
    Condition,
    Criterion,
    Fact,
    FactType,
    Grid,
    Option,
    Question,
    QuestionType,
    Section,
)
from boussole.core.paths import DATA_DIR

CHOICE_TYPES = ("single_choice", "multiple_choice")


@cache
def grid_schema() -> dict[str, Any]:
    """The JSON schema of grid files (also published as ``data/schemas/grid.schema.json``)."""
    text = (DATA_DIR / "schemas" / "grid.schema.json").read_text("utf-8")
    return cast(dict[str, Any], json.loads(text))


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(grid_schema())


def _french(error: ValidationError) -> str:
    kind = error.validator
    value: Any = error.validator_value
    schema: Any = error.schema
    instance: Any = error.instance
    if kind == "required":
        missing = [name for name in value if isinstance(instance, dict)
                   and name not in instance]
        names = ", ".join(f"« {name} »" for name in missing)
        return f"champ obligatoire manquant : {names}."
    if kind == "additionalProperties":
        extra = sorted(set(instance) - set(schema.get("properties", {})))
        names = ", ".join(f"« {name} »" for name in extra)
        return f"champ inconnu : {names}."
    if kind == "type":
        return (f"type incorrect : {expected_type(value)} attendu, "
                f"{describe_type(error.instance)} trouvé.")
    if kind == "enum":
        allowed = ", ".join(str(v) for v in value)
        return f"valeur « {error.instance} » inconnue ; valeurs possibles : {allowed}."
    if kind == "const":
        return f"valeur « {error.instance} » inattendue ; « {value} » attendu."
    if kind == "minItems":
        return f"la liste doit contenir au moins {value} élément(s)."
    if kind == "minLength":
        return "le texte ne doit pas être vide."
    if kind == "maxLength":
        return f"le texte dépasse {value} caractères."
    if kind == "pattern":
        return (f"format incorrect pour « {error.instance} » : identifiant attendu en minuscules "
                "non accentuées, chiffres et « _ » (motif " + str(value) + ").")
    if kind == "minimum":
        return f"la valeur doit être supérieure ou égale à {value}."
    if kind == "minProperties":
        return "l'objet ne doit pas être vide."
    if kind in ("oneOf", "anyOf"):
        if isinstance(error.instance, dict) and kind == "oneOf":
            return ("condition invalide : attendu {fact: …, in: […]}, {question: …, in: […]}, "
                    "{all: […]} ou {any: […]}.")
        return f"valeur non conforme : {describe_type(error.instance)} inattendu ici."
    return f"valeur non conforme ({kind})."


def _schema_problems(data: Any) -> list[Problem]:
    problems = []
    for error in sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path)):
        problems.append(Problem(tuple(error.absolute_path), _french(error)))
    return problems


def _condition(raw: Mapping[str, Any]) -> Condition:
    if "all" in raw:
        return Condition("all", children=tuple(_condition(c) for c in raw["all"]))
    if "any" in raw:
        return Condition("any", children=tuple(_condition(c) for c in raw["any"]))
    if "fact" in raw:
        return Condition("fact", ref=raw["fact"], values=tuple(raw["in"]))
    return Condition("question", ref=raw["question"], values=tuple(raw["in"]))


def _options(raw: Iterable[Mapping[str, Any]]) -> tuple[Option, ...]:
    return tuple(Option(o["id"], o["label"], o.get("help")) for o in raw)


def _build(data: Mapping[str, Any]) -> Grid:
    criteria = []
    for c in data["criteria"]:
        questions = tuple(
            Question(
                number=q["number"],
                id=q["id"],
                text=q["text"],
                type=cast(QuestionType, q["type"]),
                criterion=c["number"],
                unit=q.get("unit"),
                options=_options(q.get("options") or ()),
                exclusive=tuple(q.get("exclusive") or ()),
                help=q.get("help"),
                referents=tuple(q.get("referents") or c.get("referents") or ()),
                vendor=bool(q.get("vendor", False)),
                computed=bool(q.get("computed", False)),
                section=q.get("section"),
                condition=_condition(q["condition"]) if q.get("condition") else None,
            )
            for q in c["questions"]
        )
        sections = tuple(
            Section(s["id"], s["title"], s.get("intro"), s.get("parent"))
            for s in c.get("sections") or ()
        )
        criteria.append(Criterion(
            number=c["number"], id=c["id"], title=c["title"],
            commitments=tuple(c["commitments"]), questions=questions,
            referents=tuple(c.get("referents") or ()), sections=sections,
        ))
    profile = tuple(
        Fact(
            id=f["id"], text=f["text"], type=cast(FactType, f["type"]),
            number=f.get("number"), group=f.get("group"), options=_options(f.get("options") or ()),
            help=f.get("help"), boussole=tuple(f.get("boussole") or ()),
            priority=bool(f.get("priority", False)), exclusive=tuple(f.get("exclusive") or ()),
            min=f.get("min"), max=f.get("max"),
            condition=_condition(f["condition"]) if f.get("condition") else None,
        )
        for f in data["profile"]
    )
    derived = data.get("derived_from")
    return Grid(
        id=data["id"], version=data["version"], title=data["title"],
        criteria=tuple(criteria), profile=profile, publisher=data.get("publisher"),
        published=data.get("published"), source=data.get("source"),
        licence_note=data.get("licence_note"),
        derived_from=(derived["id"], derived["version"]) if derived else None,
        replaced_ids=dict((derived or {}).get("replaced_ids") or {}),
    )


def _check_options(path: tuple[str | int, ...], item: Mapping[str, Any],
                   choice_types: tuple[str, ...]) -> list[Problem]:
    problems = []
    options = item.get("options") or []
    ids = [o["id"] for o in options]
    if item["type"] in choice_types:
        if len(options) < 2:
            problems.append(Problem((*path, "options"),
                                    "un choix doit proposer au moins deux options."))
    elif options:
        problems.append(Problem((*path, "options"),
                                f"le type « {item['type']} » n'admet pas d'options."))
    for index, option_id in enumerate(ids):
        if option_id in ids[:index]:
            problems.append(Problem((*path, "options", index, "id"),
                                    f"option « {option_id} » en double."))
        if option_id == "nsp":
            problems.append(Problem((*path, "options", index, "id"),
                                    "« nsp » (je ne sais pas) est implicite : ne pas le lister."))
    for index, option_id in enumerate(item.get("exclusive") or []):
        if option_id not in ids:
            problems.append(Problem((*path, "exclusive", index),
                                    f"option exclusive « {option_id} » absente des options."))
    if item.get("exclusive") and item["type"] != "multiple_choice":
        problems.append(Problem((*path, "exclusive"),
                                "seul un choix multiple peut avoir des options exclusives."))
    return problems


def _semantic_problems(data: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, tuple[str | int, ...]] = {}

    def claim(identifier: str, path: tuple[str | int, ...]) -> None:
        if identifier in seen:
            problems.append(Problem(path, f"identifiant « {identifier} » en double "
                                          f"(déjà utilisé en {_render(seen[identifier])})."))
        else:
            seen[identifier] = path

    numbers: dict[int, tuple[str | int, ...]] = {}
    criterion_numbers: set[int] = set()
    choice_values: dict[str, tuple[str, ...]] = {}
    for ci, c in enumerate(data["criteria"]):
        cpath: tuple[str | int, ...] = ("criteria", ci)
        if c["number"] in criterion_numbers:
            problems.append(Problem((*cpath, "number"), f"critère n° {c['number']} en double."))
        criterion_numbers.add(c["number"])
        claim(c["id"], (*cpath, "id"))
        section_ids = [s["id"] for s in c.get("sections") or []]
        for si, s in enumerate(c.get("sections") or []):
            claim(s["id"], (*cpath, "sections", si, "id"))
            parent = s.get("parent")
            if parent is not None and parent not in section_ids[:si]:
                problems.append(Problem((*cpath, "sections", si, "parent"),
                                        f"section parente « {parent} » inconnue (elle doit être "
                                        "déclarée avant, dans le même critère)."))
        for qi, q in enumerate(c["questions"]):
            qpath: tuple[str | int, ...] = (*cpath, "questions", qi)
            claim(q["id"], (*qpath, "id"))
            if q["number"] in numbers:
                problems.append(Problem((*qpath, "number"),
                                        f"question n° {q['number']} en double."))
            numbers[q["number"]] = qpath
            if q.get("section") is not None and q["section"] not in section_ids:
                problems.append(Problem((*qpath, "section"),
                                        f"section « {q['section']} » inconnue dans ce critère."))
            if q.get("unit") and q["type"] != "number":
                problems.append(Problem((*qpath, "unit"),
                                        "seule une question de type « number » a une unité."))
            problems.extend(_check_options(qpath, q, CHOICE_TYPES))
            choice_values[q["id"]] = (
                YES_NO_VALUES if q["type"] == "yes_no"
                else tuple(o["id"] for o in q.get("options") or [])
            )
    expected = list(range(1, len(numbers) + 1))
    if sorted(numbers) != expected:
        problems.append(Problem(("criteria",), "les questions doivent être numérotées de 1 à "
                                               f"{len(numbers)} sans trou."))
    elif list(numbers) != expected:
        problems.append(Problem(("criteria",), "les questions doivent apparaître dans l'ordre "
                                               "de leur numéro."))
    fact_values: dict[str, tuple[str, ...]] = {}
    for fi, f in enumerate(data["profile"]):
        fpath: tuple[str | int, ...] = ("profile", fi)
        claim(f["id"], (*fpath, "id"))
        problems.extend(_check_options(fpath, f, CHOICE_TYPES))
        if f["type"] == "scale":
            low, high = f.get("min"), f.get("max")
            if low is None or high is None or low >= high:
                problems.append(Problem(fpath, "une échelle exige « min » < « max »."))
        elif "min" in f or "max" in f:
            problems.append(Problem(fpath, "seule une échelle (« scale ») a « min » et « max »."))
        fact_values[f["id"]] = (
            YES_NO_VALUES if f["type"] == "yes_no" else tuple(o["id"] for o in f.get("options")
                                                              or [])
        )
    for ci, c in enumerate(data["criteria"]):
        for qi, q in enumerate(c["questions"]):
            if q.get("condition"):
                problems.extend(_check_condition(q["condition"],
                                                 ("criteria", ci, "questions", qi, "condition"),
                                                 fact_values, choice_values, q["id"]))
    for fi, f in enumerate(data["profile"]):
        if f.get("condition"):
            problems.extend(_check_condition(f["condition"], ("profile", fi, "condition"),
                                             fact_values, choice_values, f["id"]))
    derived = data.get("derived_from") or {}
    for old, new in (derived.get("replaced_ids") or {}).items():
        if new not in seen:
            problems.append(Problem(("derived_from", "replaced_ids", old),
                                    f"« {new} » n'existe pas dans cette grille."))
    return problems


def _check_condition(raw: Mapping[str, Any], path: tuple[str | int, ...],
                     facts: Mapping[str, tuple[str, ...]], questions: Mapping[str, tuple[str, ...]],
                     owner: str) -> list[Problem]:
    problems: list[Problem] = []
    for key in ("all", "any"):
        if key in raw:
            for index, child in enumerate(raw[key]):
                problems.extend(_check_condition(child, (*path, key, index), facts, questions,
                                                 owner))
            return problems
    kind = "fact" if "fact" in raw else "question"
    ref = raw[kind]
    table = facts if kind == "fact" else questions
    label = "fait du profil" if kind == "fact" else "question"
    if ref == owner:
        problems.append(Problem((*path, kind), "une condition ne peut pas porter sur elle-même."))
    elif ref not in table:
        problems.append(Problem((*path, kind), f"{label} « {ref} » inconnu(e)."))
    elif not table[ref]:
        problems.append(Problem((*path, kind), f"{label} « {ref} » n'a pas de valeurs à choisir."))
    else:
        for index, value in enumerate(raw["in"]):
            if value not in table[ref]:
                problems.append(Problem((*path, "in", index),
                                        f"valeur « {value} » inconnue pour « {ref} » ; valeurs "
                                        f"possibles : {', '.join(table[ref])}."))
    return problems


def _render(path: tuple[str | int, ...]) -> str:
    return format_path(path)


def grid_from_data(data: Any, *, source: str = "grille") -> Grid:
    """Validate already-parsed data and build the :class:`Grid`."""
    problems = _schema_problems(data)
    if problems:
        raise InvalidDocument(problems, source=source)
    problems = _semantic_problems(data)
    if problems:
        raise InvalidDocument(problems, source=source)
    return _build(data)


def load_grid(path: str | Path) -> Grid:
    """Read, validate and build a grid file (YAML or JSON)."""
    return grid_from_data(read_document(path), source=str(path))


def load_grid_text(text: str, *, source: str = "grille") -> Grid:
    return grid_from_data(parse_text(text, source=source), source=source)


def bundled_grid_dir() -> Path:
    return DATA_DIR / "grids"
