"""Loading, checking ("lint") and compiling the rule base.

The rule base is a directory of YAML data the legal team can read and amend:

* ``regles.yaml`` — header (``version``, ``veille_juridique``, ``avertissement``) and ``regles``;
* ``derives.yaml`` — the derived predicates of §6.1 (``derives``);
* ``parametres.yaml`` — configuration values with their source (``parametres``).

Every fact, option, parameter, derived predicate and rule named in an expression is checked
against the facts catalogue and the base itself; duplicate identifiers and reference cycles
are rejected. All problems are reported at once, in French, by :class:`InvalidDocument`.
The expressions are then compiled once into closures (see :mod:`.expr`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

from boussole.core.documents import load_data_yaml
from boussole.core.errors import InvalidDocument, Problem
from boussole.core.grid.model import Grid
from boussole.core.grid.registry import DEFAULT_GRID_ID, GridRegistry

from .expr import (
    LEVEL_SLOTS,
    Counter,
    DatePassed,
    Fn,
    Node,
    ParseContext,
    Ref,
    parse,
    uses_level,
)
from .facts import FactCatalogue, FactDef, fact_catalogue, parse_date
from .logic import LEVEL_NAMES, Level

RULES_FILE: Final = "regles.yaml"
DERIVED_FILE: Final = "derives.yaml"
PARAMS_FILE: Final = "parametres.yaml"

FAMILIES: Final = (
    "critere1", "art5", "decision", "haut_risque", "transparence", "rgpd", "video", "cyber",
    "general",
)
SOURCES: Final = ("loi", "doctrine", "bonne_pratique")
PARAM_TYPES: Final = ("entier", "booleen", "date", "texte")

_RULE_ID = re.compile(r"^[A-Z][A-Z0-9]*-[0-9]{2}[a-z]?$")
_DERIVED_ID = re.compile(r"^[A-Z][A-Za-z0-9_]*$")
_PARAM_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_QUESTION = re.compile(r"^Q[0-9]+$")
_URL = re.compile(r"^https?://\S+$")

_RULE_KEYS: Final = frozenset({
    "id", "famille", "source", "niveau", "niveau_si", "declencheur", "satisfait_si",
    "explication_fr", "references", "applicable_depuis", "a_confirmer_par", "boussole",
    "a_verifier", "echeances", "notes", "fin_base_legale", "precisions",
})
_REQUIRED_RULE_KEYS: Final = ("id", "famille", "source", "niveau", "declencheur",
                              "explication_fr", "references", "applicable_depuis", "boussole")

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Reference:
    texte: str
    url: str


@dataclass(frozen=True)
class Escalation:
    """``niveau_si`` entry: when ``condition`` holds, the rule takes ``niveau``."""

    condition: Node
    niveau: Level


@dataclass(frozen=True)
class Deadline:
    """``echeances`` entry: a dated annotation (a literal date or a date parameter)."""

    date: dt.date | None
    param: str | None
    avant: str | None
    apres: str | None


@dataclass(frozen=True)
class Precision:
    """``precisions`` entry: an annotation shown when ``condition`` holds (which case of the
    rule applies)."""

    condition: Node
    texte: str


@dataclass(frozen=True)
class ParamNote:
    """``notes`` entry: an annotation that shows the value of a parameter."""

    param: str
    si_renseigne: str
    sinon: str


@dataclass(eq=False)
class Rule:
    id: str
    famille: str
    source: str
    niveau: Level
    declencheur: Node
    explication: str
    references: tuple[Reference, ...]
    applicable_depuis: dt.date | None
    boussole: tuple[str, ...]
    niveau_si: tuple[Escalation, ...] = ()
    satisfait_si: Node | None = None
    a_confirmer_par: tuple[str, ...] = ()
    a_verifier: str | None = None
    echeances: tuple[Deadline, ...] = ()
    notes: tuple[ParamNote, ...] = ()
    #: Date parameter ending the temporary legal basis the rule's lawfulness depends on: once
    #: the evaluation date is past it, the rule is BLOQUANT_LOI (first escalation).
    fin_base_legale: str | None = None
    precisions: tuple[Precision, ...] = ()
    order: int = 0
    index: int = -1  # position in RuleBase.rules
    second_pass: bool = False
    slot: int = -1
    # Compiled forms, set by RuleBase.compile().
    trigger_fn: Fn | None = field(default=None, repr=False)
    satisfied_fn: Fn | None = field(default=None, repr=False)
    escalation_fns: tuple[tuple[Fn, Level], ...] = field(default=(), repr=False)


@dataclass(eq=False)
class Derived:
    id: str
    libelle: str
    body: Node  # a Counter for counting predicates
    slot: int = -1


@dataclass(frozen=True)
class Parameter:
    id: str
    libelle: str
    type: str
    valeur: Any
    source: str
    verifie_le: dt.date | None
    a_verifier: bool
    note: str | None = None


@dataclass(eq=False)
class RuleBase:
    """A checked and compiled rule base."""

    version: str
    veille_juridique: str
    avertissement: str
    rules: tuple[Rule, ...]
    derived: tuple[Derived, ...]
    parameters: Mapping[str, Parameter]
    catalogue: FactCatalogue
    digest: str
    source: str
    # Evaluation program: closures in dependency order (derived, then rules); the result of
    # the i-th closure goes to slot i.
    program: tuple[Fn, ...] = ()
    # (rule index, simple, level) for first-pass rules, in slot order: the trigger of the
    # i-th entry is in slot rule_slot_start + i. "Simple" rules have neither escalation nor
    # satisfaction condition.
    rule_table: tuple[tuple[int, bool, int], ...] = ()
    rule_slot_start: int = 0
    first_pass: tuple[Rule, ...] = ()
    second_pass: tuple[Rule, ...] = ()
    n_slots: int = 0
    level_slot: int = 0
    defaults: Mapping[str, Any] = field(default_factory=dict)

    @property
    def version_label(self) -> str:
        """The version shown with every result: rule-base version + content digest."""
        return f"{self.version}+{self.digest}"

    @cached_property
    def derived_bodies(self) -> dict[str, Node]:
        return {d.id: d.body for d in self.derived}

    @cached_property
    def rule_triggers(self) -> dict[str, Node]:
        return {rule.id: rule.declencheur for rule in self.rules}

    def summary_fr(self) -> str:
        return (f"{len(self.rules)} règles, {len(self.derived)} prédicats dérivés, "
                f"{len(self.parameters)} paramètres")


# ---------------------------------------------------------------------------------------------
# Loading


def default_rules_dir() -> Path:
    return Path(str(resources.files("boussole").joinpath("data", "rules")))


def load_rule_base(
    path: str | Path | None = None, *, catalogue: FactCatalogue | None = None,
    grid: Grid | None = None,
) -> RuleBase:
    """Load, check and compile the rule base in directory ``path`` (default: bundled) against
    ``catalogue``, or else the facts of ``grid``, or else those of the current bundled grid.

    Without ``path`` nor ``catalogue`` the compiled base is shared (see :func:`rule_base_for`).
    Raises :class:`InvalidDocument` listing every problem, in French.
    """
    if path is None and catalogue is None:
        return rule_base_for(grid) if grid is not None else default_rule_base()
    if catalogue is None:
        catalogue = fact_catalogue(grid if grid is not None else default_grid())
    return _load(Path(path) if path is not None else default_rules_dir(), catalogue,
                 other_versions_options(catalogue))


@lru_cache(maxsize=1)
def _bundled_grids() -> GridRegistry:
    return GridRegistry()


def default_grid() -> Grid:
    """The current (latest) version of the bundled default grid."""
    return _bundled_grids().get(DEFAULT_GRID_ID)


def default_rule_base() -> RuleBase:
    """The bundled rule base compiled against the current bundled grid (loaded once)."""
    return rule_base_for(default_grid())


@lru_cache(maxsize=1)
def _bundled_options() -> dict[str, frozenset[str]]:
    options: dict[str, set[str]] = {}
    for grid in _bundled_grids().all():
        for fact in fact_catalogue(grid).values():
            options.setdefault(fact.id, set()).update(fact.options)
    return {name: frozenset(values) for name, values in options.items()}


def other_versions_options(catalogue: FactCatalogue) -> dict[str, frozenset[str]]:
    """Options that other bundled grid versions offer for the facts of ``catalogue``.

    The rules may name them (``moissonnage_visages`` of ``biometrie``, added by version 2)
    and still compile against an older version: an answer given under that version never
    contains them. An option unknown to every version stays an error.
    """
    out: dict[str, frozenset[str]] = {}
    for name, options in _bundled_options().items():
        fact = catalogue.get(name)
        if fact is not None and options - set(fact.options):
            out[name] = options - set(fact.options)
    return out


@lru_cache(maxsize=16)
def _compiled(directory: str, catalogue: tuple[FactDef, ...]) -> RuleBase:
    """The rule base of ``directory`` compiled against ``catalogue``: one per distinct catalogue
    (grid versions with the same facts share it)."""
    facts = {fact.id: fact for fact in catalogue}
    return _load(Path(directory), facts, other_versions_options(facts))


_BY_GRID: dict[int, tuple[Grid, RuleBase]] = {}


def rule_base_for(grid: Grid) -> RuleBase:
    """The bundled rule base, checked and compiled against the facts of ``grid`` (cached).

    Raises :class:`InvalidDocument` when the rules name a fact or an option that this grid
    version lacks (``boussole rules lint`` reports it for every known grid).
    """
    cached = _BY_GRID.get(id(grid))
    if cached is not None and cached[0] is grid:
        return cached[1]
    base = _compiled(str(default_rules_dir()), tuple(fact_catalogue(grid).values()))
    if len(_BY_GRID) > 16:
        _BY_GRID.clear()
    _BY_GRID[id(grid)] = (grid, base)
    return base


def _read(directory: Path, name: str, problems: list[Problem], key: str) -> tuple[Any, bytes]:
    file = directory / name
    try:
        raw = file.read_bytes()
    except OSError as exc:
        problems.append(Problem((key,), f"lecture impossible de {file} ({exc.strerror or exc})"))
        return None, b""
    try:
        return load_data_yaml(raw.decode("utf-8")), raw
    except UnicodeDecodeError:
        problems.append(Problem((key,), f"{file} n'est pas encodé en UTF-8"))
    except InvalidDocument as exc:
        problems.extend(Problem((key, *p.path), f"{file} : {p.message}") for p in exc.problems)
    return None, raw


def _load(directory: Path, catalogue: FactCatalogue,
          other_options: Mapping[str, frozenset[str]] | None = None) -> RuleBase:
    problems: list[Problem] = []
    params_doc, params_raw = _read(directory, PARAMS_FILE, problems, "parametres")
    derived_doc, derived_raw = _read(directory, DERIVED_FILE, problems, "derives")
    rules_doc, rules_raw = _read(directory, RULES_FILE, problems, "regles")
    if problems:
        raise InvalidDocument(problems, source=str(directory))
    digest = hashlib.sha256(params_raw + b"\0" + derived_raw + b"\0" + rules_raw).hexdigest()[:12]

    parameters = _parse_parameters(params_doc, problems)
    derived_entries = _entries(derived_doc, "derives", problems)
    rule_entries = _entries(rules_doc, "regles", problems)

    derived_kinds = _derived_kinds(derived_entries, catalogue, problems)
    rule_ids = _rule_ids(rule_entries, problems)
    ctx = ParseContext(
        catalogue=catalogue,
        derived=derived_kinds,
        rules=frozenset(rule_ids),
        params={p.id: p.type for p in parameters.values()},
        other_options=other_options or {},
    )
    derived = _parse_derived(derived_entries, ctx, problems)
    rules = _parse_rules(rule_entries, ctx, parameters, problems)
    header = rules_doc if isinstance(rules_doc, Mapping) else {}
    version = header.get("version")
    if not isinstance(version, str) or not version:
        problems.append(Problem(("version",), "version de la base de règles manquante"))
    watch = header.get("veille_juridique")
    watch_date = parse_date(watch)
    if watch_date is None:
        problems.append(
            Problem(("veille_juridique",), "date de veille juridique manquante (AAAA-MM-JJ)")
        )
    warning = header.get("avertissement")
    if not isinstance(warning, str) or not warning.strip():
        problems.append(Problem(("avertissement",), "avertissement manquant"))
    if not problems:
        _check_cycles(derived, rules, problems)
        _check_second_pass(rules, problems)
    if problems:
        raise InvalidDocument(problems, source=str(directory))
    base = RuleBase(
        version=str(version),
        veille_juridique=watch_date.isoformat() if watch_date else "",
        avertissement=str(warning).strip(),
        rules=tuple(rules),
        derived=tuple(derived),
        parameters=parameters,
        catalogue=catalogue,
        digest=digest,
        source=str(directory),
    )
    _compile(base)
    return base


def _entries(doc: Any, key: str, problems: list[Problem]) -> list[Any]:
    if not isinstance(doc, Mapping) or not isinstance(doc.get(key), list):
        problems.append(Problem((key,), f"une liste « {key} » est attendue"))
        return []
    entries: list[Any] = doc[key]
    return entries


def _entry_path(key: str, index: int, entry: Any) -> Path_:
    ident = entry.get("id") if isinstance(entry, Mapping) else None
    return (key, ident) if isinstance(ident, str) and ident else (key, index)


# ---------------------------------------------------------------------------------------------
# Parameters


def _parse_parameters(doc: Any, problems: list[Problem]) -> dict[str, Parameter]:
    out: dict[str, Parameter] = {}
    for index, entry in enumerate(_entries(doc, "parametres", problems)):
        path = _entry_path("parametres", index, entry)
        if not isinstance(entry, Mapping):
            problems.append(Problem(path, "un objet décrivant un paramètre est attendu"))
            continue
        ident = entry.get("id")
        if not isinstance(ident, str) or not _PARAM_ID.match(ident):
            problems.append(
                Problem((*path, "id"), f"identifiant de paramètre invalide « {ident} »")
            )
            continue
        if ident in out:
            problems.append(Problem((*path, "id"), f"paramètre « {ident} » défini deux fois"))
            continue
        kind = entry.get("type")
        if kind not in PARAM_TYPES:
            problems.append(
                Problem((*path, "type"), f"type inconnu « {kind} » (attendu : "
                        f"{', '.join(PARAM_TYPES)})")
            )
            continue
        value, error = check_param_value(str(kind), entry.get("valeur"))
        if error:
            problems.append(Problem((*path, "valeur"), error))
        for text_key in ("libelle", "source"):
            if not isinstance(entry.get(text_key), str) or not entry[text_key].strip():
                problems.append(Problem((*path, text_key), f"champ « {text_key} » manquant"))
        verified = entry.get("verifie_le")
        verified_date = parse_date(verified) if verified is not None else None
        if verified is not None and verified_date is None:
            problems.append(Problem((*path, "verifie_le"), "date au format AAAA-MM-JJ attendue"))
        if not isinstance(entry.get("a_verifier"), bool):
            problems.append(Problem((*path, "a_verifier"), "true ou false attendu"))
        out[ident] = Parameter(
            id=ident,
            libelle=str(entry.get("libelle") or ""),
            type=str(kind),
            valeur=value,
            source=str(entry.get("source") or ""),
            verifie_le=verified_date,
            a_verifier=bool(entry.get("a_verifier")),
            note=entry.get("note") if isinstance(entry.get("note"), str) else None,
        )
    return out


def check_param_value(kind: str, value: Any) -> tuple[Any, str | None]:
    """Validate a parameter value of type ``kind``; returns ``(value, French error or None)``."""
    if kind == "entier":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return None, "un entier positif est attendu"
        return value, None
    if kind == "booleen":
        if isinstance(value, bool):
            return value, None
        if value in ("oui", "non"):
            return value == "oui", None
        return None, "true ou false (oui ou non) est attendu"
    if kind == "date":
        if value is None:
            return None, None
        parsed = parse_date(value)
        if parsed is None:
            return None, "une date au format AAAA-MM-JJ est attendue"
        return parsed, None
    if value is None or isinstance(value, str):
        return value, None
    return None, "un texte est attendu"


# ---------------------------------------------------------------------------------------------
# Derived predicates


def _derived_kinds(
    entries: Sequence[Any], catalogue: FactCatalogue, problems: list[Problem]
) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for index, entry in enumerate(entries):
        path = _entry_path("derives", index, entry)
        if not isinstance(entry, Mapping):
            problems.append(Problem(path, "un objet décrivant un prédicat dérivé est attendu"))
            continue
        ident = entry.get("id")
        if not isinstance(ident, str) or not _DERIVED_ID.match(ident):
            problems.append(
                Problem((*path, "id"), f"identifiant de prédicat invalide « {ident} » (majuscule "
                        "initiale attendue)")
            )
            continue
        if ident in kinds:
            problems.append(Problem((*path, "id"), f"prédicat « {ident} » défini deux fois"))
            continue
        if ident in catalogue:
            problems.append(Problem((*path, "id"), f"« {ident} » est déjà un identifiant de fait"))
            continue
        has_definition = "definition" in entry
        has_count = "compte" in entry
        if has_definition == has_count:
            problems.append(
                Problem(path, "un prédicat a soit une « definition », soit un « compte »")
            )
            continue
        kinds[ident] = "compte" if has_count else "predicat"
    return kinds


def _parse_derived(
    entries: Sequence[Any], ctx: ParseContext, problems: list[Problem]
) -> list[Derived]:
    out: list[Derived] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            continue
        ident = entry.get("id")
        if not isinstance(ident, str) or ident not in ctx.derived or ident in seen:
            continue
        seen.add(ident)
        path = _entry_path("derives", index, entry)
        unknown = set(entry) - {"id", "libelle", "definition", "compte"}
        for key in sorted(map(str, unknown)):
            problems.append(Problem((*path, key), f"clé inconnue « {key} »"))
        libelle = entry.get("libelle")
        if not isinstance(libelle, str) or not libelle.strip():
            problems.append(Problem((*path, "libelle"), "libellé manquant"))
        body: Node | None
        if ctx.derived[ident] == "compte":
            criteria = entry.get("compte")
            if not isinstance(criteria, list) or not criteria:
                problems.append(
                    Problem((*path, "compte"), "liste de prédicats dérivés à compter attendue")
                )
                continue
            items: list[Node] = []
            for i, name in enumerate(criteria):
                if not isinstance(name, str) or ctx.derived.get(name) != "predicat":
                    problems.append(
                        Problem((*path, "compte", i), f"prédicat dérivé inconnu « {name} »")
                    )
                else:
                    items.append(Ref("derived", name))
            if len(criteria) > 255:
                problems.append(Problem((*path, "compte"), "au plus 255 critères par compteur"))
            body = Counter(tuple(items)) if len(items) == len(criteria) <= 255 else None
        else:
            body = parse(entry["definition"], (*path, "definition"), ctx, problems)
            if body is not None and any(kind == "rule" for kind, _ in body.references()):
                problems.append(
                    Problem((*path, "definition"), "un prédicat dérivé ne peut pas dépendre "
                            "d'une règle")
                )
                body = None
        if body is not None:
            out.append(Derived(id=ident, libelle=str(libelle or ""), body=body))
    return out


# ---------------------------------------------------------------------------------------------
# Rules


def _rule_ids(entries: Sequence[Any], problems: list[Problem]) -> list[str]:
    ids: list[str] = []
    for index, entry in enumerate(entries):
        path = _entry_path("regles", index, entry)
        if not isinstance(entry, Mapping):
            problems.append(Problem(path, "un objet décrivant une règle est attendu"))
            continue
        ident = entry.get("id")
        if not isinstance(ident, str) or not _RULE_ID.match(ident):
            problems.append(
                Problem((*path, "id"), f"identifiant de règle invalide « {ident} » (ex. DEC-02)")
            )
            continue
        if ident in ids:
            problems.append(
                Problem(("regles", index, "id"), f"règle « {ident} » définie deux fois")
            )
            continue
        ids.append(ident)
    return ids


def _text(entry: Mapping[str, Any], key: str, path: Path_, problems: list[Problem]) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem((*path, key), f"texte « {key} » manquant"))
        return ""
    return " ".join(value.split())


def _str_list(
    entry: Mapping[str, Any], key: str, path: Path_, problems: list[Problem],
    pattern: re.Pattern[str] | None = None,
) -> tuple[str, ...]:
    value = entry.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problems.append(Problem((*path, key), "une liste de textes est attendue"))
        return ()
    if pattern is not None:
        for i, item in enumerate(value):
            if not pattern.match(item):
                problems.append(Problem((*path, key, i), f"valeur invalide « {item} »"))
    return tuple(value)


def _parse_rules(
    entries: Sequence[Any],
    ctx: ParseContext,
    parameters: Mapping[str, Parameter],
    problems: list[Problem],
) -> list[Rule]:
    out: list[Rule] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            continue
        ident = entry.get("id")
        if not isinstance(ident, str) or ident not in ctx.rules or ident in seen:
            continue
        seen.add(ident)
        path = _entry_path("regles", index, entry)
        before = len(problems)
        for key in sorted(map(str, set(entry) - _RULE_KEYS)):
            problems.append(Problem((*path, key), f"clé inconnue « {key} »"))
        for key in _REQUIRED_RULE_KEYS:
            if key not in entry:
                problems.append(Problem((*path, key), f"champ obligatoire « {key} » manquant"))
        famille = entry.get("famille")
        if famille not in FAMILIES:
            problems.append(
                Problem((*path, "famille"), f"famille inconnue « {famille} » (attendu : "
                        f"{', '.join(FAMILIES)})")
            )
        source = entry.get("source")
        if source not in SOURCES:
            problems.append(
                Problem((*path, "source"), f"source inconnue « {source} » (attendu : "
                        f"{', '.join(SOURCES)})")
            )
        niveau = _level(entry.get("niveau"), (*path, "niveau"), problems)
        explication = _text(entry, "explication_fr", path, problems)
        if explication and not explication.endswith("."):
            problems.append(
                Problem((*path, "explication_fr"), "l'explication doit se terminer par un point")
            )
        references = _references(entry.get("references"), (*path, "references"), problems)
        applicable = entry.get("applicable_depuis")
        applicable_date = parse_date(applicable) if applicable is not None else None
        if applicable is not None and applicable_date is None:
            problems.append(
                Problem((*path, "applicable_depuis"), "date au format AAAA-MM-JJ ou null attendue")
            )
        boussole = _str_list(entry, "boussole", path, problems, _QUESTION)
        confirm = _str_list(entry, "a_confirmer_par", path, problems)
        a_verifier = entry.get("a_verifier")
        if a_verifier is not None and (not isinstance(a_verifier, str) or not a_verifier.strip()):
            problems.append(Problem((*path, "a_verifier"), "un texte est attendu"))
            a_verifier = None
        trigger_ctx = ctx
        trigger_raw = entry.get("declencheur")
        if _mentions_level(trigger_raw):
            trigger_ctx = ParseContext(ctx.catalogue, ctx.derived, ctx.rules, ctx.params, True,
                                       ctx.other_options)
        trigger = (parse(trigger_raw, (*path, "declencheur"), trigger_ctx, problems)
                   if "declencheur" in entry else None)
        satisfied = None
        if entry.get("satisfait_si") is not None:
            satisfied = parse(entry["satisfait_si"], (*path, "satisfait_si"), ctx, problems)
        escalations = _escalations(entry.get("niveau_si"), (*path, "niveau_si"), ctx, problems)
        deadlines = _deadlines(entry.get("echeances"), (*path, "echeances"), parameters, problems)
        notes = _notes(entry.get("notes"), (*path, "notes"), parameters, problems)
        precisions = _precisions(entry.get("precisions"), (*path, "precisions"), ctx, problems)
        expiry = None
        if entry.get("fin_base_legale") is not None:
            expiry = _date_param(entry["fin_base_legale"], (*path, "fin_base_legale"),
                                 parameters, problems, "date")
            if expiry is not None and niveau == Level.BLOQUANT_LOI:
                problems.append(Problem((*path, "fin_base_legale"), "une règle déjà "
                                        "BLOQUANT_LOI n'a pas de base légale à voir expirer"))
        if len(problems) > before or trigger is None or niveau is None:
            continue
        if expiry is not None:
            # An expired legal basis is no basis: first escalation, so that it wins.
            escalations = (Escalation(DatePassed(expiry), Level.BLOQUANT_LOI), *escalations)
        out.append(Rule(
            id=ident,
            famille=str(famille),
            source=str(source),
            niveau=niveau,
            declencheur=trigger,
            explication=explication,
            references=references,
            applicable_depuis=applicable_date,
            boussole=boussole,
            niveau_si=escalations,
            satisfait_si=satisfied,
            a_confirmer_par=confirm,
            a_verifier=" ".join(a_verifier.split()) if isinstance(a_verifier, str) else None,
            echeances=deadlines,
            notes=notes,
            fin_base_legale=expiry,
            precisions=precisions,
            order=index,
            second_pass=uses_level(trigger),
        ))
    return out


def _mentions_level(raw: Any) -> bool:
    if isinstance(raw, Mapping):
        return any(k == "niveau_ge" or _mentions_level(v) for k, v in raw.items())
    if isinstance(raw, list):
        return any(_mentions_level(v) for v in raw)
    return False


def _level(raw: Any, path: Path_, problems: list[Problem]) -> Level | None:
    if not isinstance(raw, str) or raw not in LEVEL_NAMES:
        problems.append(
            Problem(path, f"niveau inconnu « {raw} » (attendu : "
                    f"{', '.join(level.name for level in reversed(Level))})")
        )
        return None
    return Level[raw]


def _references(raw: Any, path: Path_, problems: list[Problem]) -> tuple[Reference, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(path, "au moins une référence {texte, url} est attendue"))
        return ()
    out: list[Reference] = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping) or set(item) - {"texte", "url"}:
            problems.append(Problem((*path, i), "référence {texte, url} attendue"))
            continue
        texte, url = item.get("texte"), item.get("url")
        if not isinstance(texte, str) or not texte.strip():
            problems.append(Problem((*path, i, "texte"), "texte de la référence manquant"))
            continue
        if not isinstance(url, str) or not _URL.match(url):
            problems.append(Problem((*path, i, "url"), "adresse http(s) de la référence attendue"))
            continue
        out.append(Reference(texte=" ".join(texte.split()), url=url))
    return tuple(out)


def _escalations(
    raw: Any, path: Path_, ctx: ParseContext, problems: list[Problem]
) -> tuple[Escalation, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(Problem(path, "une liste {si, niveau} est attendue"))
        return ()
    out: list[Escalation] = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping) or set(item) != {"si", "niveau"}:
            problems.append(Problem((*path, i), "entrée {si: expression, niveau: NIVEAU} attendue"))
            continue
        condition = parse(item["si"], (*path, i, "si"), ctx, problems)
        level = _level(item["niveau"], (*path, i, "niveau"), problems)
        if condition is not None and level is not None:
            out.append(Escalation(condition, level))
    return tuple(out)


def _precisions(
    raw: Any, path: Path_, ctx: ParseContext, problems: list[Problem]
) -> tuple[Precision, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(Problem(path, "une liste {si, texte} est attendue"))
        return ()
    out: list[Precision] = []
    for i, item in enumerate(raw):
        if (not isinstance(item, Mapping) or set(item) != {"si", "texte"}
                or not isinstance(item["texte"], str) or not item["texte"].strip()):
            problems.append(Problem((*path, i), "entrée {si: expression, texte} attendue"))
            continue
        condition = parse(item["si"], (*path, i, "si"), ctx, problems)
        if condition is not None:
            out.append(Precision(condition, " ".join(item["texte"].split())))
    return tuple(out)


def _date_param(
    name: Any, path: Path_, parameters: Mapping[str, Parameter], problems: list[Problem],
    kind: str | None,
) -> str | None:
    parameter = parameters.get(name) if isinstance(name, str) else None
    if parameter is None:
        problems.append(Problem(path, f"paramètre inconnu « {name} »"))
        return None
    if kind is not None and parameter.type != kind:
        problems.append(Problem(path, f"le paramètre « {name} » n'est pas de type {kind}"))
        return None
    return str(name)


def _deadlines(
    raw: Any, path: Path_, parameters: Mapping[str, Parameter], problems: list[Problem]
) -> tuple[Deadline, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(Problem(path, "une liste d'échéances est attendue"))
        return ()
    out: list[Deadline] = []
    for i, item in enumerate(raw):
        here = (*path, i)
        if not isinstance(item, Mapping) or set(item) - {"date", "param", "avant", "apres"}:
            problems.append(Problem(here, "échéance {date ou param, avant, apres} attendue"))
            continue
        if ("date" in item) == ("param" in item):
            problems.append(Problem(here, "indiquer soit « date », soit « param »"))
            continue
        when = None
        param = None
        if "date" in item:
            when = parse_date(item["date"])
            if when is None:
                problems.append(Problem((*here, "date"), "date au format AAAA-MM-JJ attendue"))
                continue
        else:
            param = _date_param(item["param"], (*here, "param"), parameters, problems, "date")
            if param is None:
                continue
        texts = [item.get("avant"), item.get("apres")]
        if all(t is None for t in texts) or any(
            t is not None and (not isinstance(t, str) or not t.strip()) for t in texts
        ):
            problems.append(Problem(here, "texte « avant » et/ou « apres » attendu"))
            continue
        out.append(Deadline(when, param, item.get("avant"), item.get("apres")))
    return tuple(out)


def _notes(
    raw: Any, path: Path_, parameters: Mapping[str, Parameter], problems: list[Problem]
) -> tuple[ParamNote, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(Problem(path, "une liste de notes est attendue"))
        return ()
    out: list[ParamNote] = []
    for i, item in enumerate(raw):
        here = (*path, i)
        if not isinstance(item, Mapping) or set(item) != {"param", "si_renseigne", "sinon"} or not (
            isinstance(item["si_renseigne"], str) and isinstance(item["sinon"], str)
        ):
            problems.append(Problem(here, "note {param, si_renseigne, sinon} attendue"))
            continue
        param = _date_param(item["param"], (*here, "param"), parameters, problems, None)
        if param is not None:
            out.append(ParamNote(param, item["si_renseigne"], item["sinon"]))
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# Cross checks


def _check_cycles(
    derived: Sequence[Derived], rules: Sequence[Rule], problems: list[Problem]
) -> None:
    graph: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for d in derived:
        graph[("derived", d.id)] = [
            ref for ref in d.body.references() if ref[0] in ("derived", "rule")
        ]
    for rule in rules:
        graph[("rule", rule.id)] = [
            ref for ref in rule.declencheur.references() if ref[0] == "rule"
        ]
    for cycle in _find_cycles(graph):
        names = " → ".join(name for _, name in cycle)
        kind, first = cycle[0]
        key = "regles" if kind == "rule" else "derives"
        problems.append(Problem((key, first), f"cycle de références : {names}"))


def _find_cycles(
    graph: Mapping[tuple[str, str], Iterable[tuple[str, str]]],
) -> list[list[tuple[str, str]]]:
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(graph, white)
    cycles: list[list[tuple[str, str]]] = []

    def visit(node: tuple[str, str], stack: list[tuple[str, str]]) -> None:
        colour[node] = grey
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in colour:
                continue
            if colour[nxt] == grey:
                cycles.append([*stack[stack.index(nxt):], nxt])
            elif colour[nxt] == white:
                visit(nxt, stack)
        stack.pop()
        colour[node] = black

    for node in graph:
        if colour[node] == white:
            visit(node, [])
    return cycles


def _check_second_pass(rules: Sequence[Rule], problems: list[Problem]) -> None:
    second = {rule.id for rule in rules if rule.second_pass}
    for rule in rules:
        if rule.second_pass and (rule.niveau != Level.INFO or rule.niveau_si):
            problems.append(
                Problem(("regles", rule.id, "niveau"), "une règle évaluée après l'agrégation "
                        "(niveau_ge) doit être de niveau INFO")
            )
        for kind, target in rule.declencheur.references():
            if kind == "rule" and target in second:
                problems.append(
                    Problem(("regles", rule.id, "declencheur"), f"la règle « {target} » est "
                            "évaluée après l'agrégation et ne peut pas être référencée")
                )


# ---------------------------------------------------------------------------------------------
# Compilation


def _topological(
    items: Sequence[Any], key: Callable[[Any], tuple[str, str]],
    deps: Callable[[Any], Iterable[tuple[str, str]]],
) -> list[Any]:
    by_key = {key(item): item for item in items}
    done: set[tuple[str, str]] = set()
    order: list[Any] = []

    def visit(k: tuple[str, str]) -> None:
        if k in done:
            return
        done.add(k)
        for dep in deps(by_key[k]):
            if dep in by_key:
                visit(dep)
        order.append(by_key[k])

    for item in items:
        visit(key(item))
    return order


def _compile(base: RuleBase) -> None:
    slots: dict[tuple[str, str], int] = {}
    derived_order = _topological(
        base.derived, lambda d: ("derived", d.id), lambda d: d.body.references()
    )
    for d in derived_order:
        d.slot = slots[("derived", d.id)] = len(slots)
    first = [rule for rule in base.rules if not rule.second_pass]
    second = [rule for rule in base.rules if rule.second_pass]
    rule_order = _topological(
        first, lambda r: ("rule", r.id), lambda r: r.declencheur.references()
    )
    for rule in [*rule_order, *second]:
        rule.slot = slots[("rule", rule.id)] = len(slots)
    level_slot = len(slots)
    slots[("level", "indicatif")] = level_slot
    slots[("level", "potentiel")] = level_slot + 1

    program: list[Fn] = []
    for d in derived_order:
        program.append(d.body.compile(slots))
    for rule in [*rule_order, *second]:
        rule.trigger_fn = rule.declencheur.compile(slots)
        if rule.satisfait_si is not None:
            rule.satisfied_fn = rule.satisfait_si.compile(slots)
        rule.escalation_fns = tuple(
            (esc.condition.compile(slots), esc.niveau) for esc in rule.niveau_si
        )
        for precision in rule.precisions:
            precision.condition.compile(slots)
    program.extend(rule.trigger_fn for rule in rule_order if rule.trigger_fn is not None)
    if len(program) != len(derived_order) + len(rule_order):  # pragma: no cover
        raise RuntimeError("compilation incomplète de la base de règles")
    base.program = tuple(program)
    base.first_pass = tuple(sorted(rule_order, key=lambda r: r.order))
    for index, rule in enumerate(base.rules):
        rule.index = index
    base.rule_slot_start = len(derived_order)
    base.rule_table = tuple(
        (rule.index, not rule.niveau_si and rule.satisfait_si is None, int(rule.niveau))
        for rule in rule_order
    )
    if [rule.slot for rule in rule_order] != list(  # pragma: no cover
        range(base.rule_slot_start, base.rule_slot_start + len(rule_order))
    ):
        raise RuntimeError("compilation incohérente de la base de règles")
    base.second_pass = tuple(second)
    base.level_slot = level_slot
    base.n_slots = level_slot + LEVEL_SLOTS
    base.defaults = {p.id: p.valeur for p in base.parameters.values()}
