"""The closed expression language of the rule base (legal-rules §9.2).

Expressions are YAML data, never Python: a parser checks them against the facts catalogue,
the derived predicates, the rules and the parameters, then compiles them once into plain
closures ``fn(facts, slots, params) -> truth`` (three-valued, see :mod:`.logic`).

Forms (each a mapping with a single key, except the two shorthands):

``true`` / ``false``
    constant.
``NOM`` (a bare string)
    a derived predicate (``IA``, ``ART9``…), or a yes/no fact that must be ``oui``
    (``profilage``, ``securite.actions_auto``…).
``{all: [e…]}``, ``{any: [e…]}``, ``{not: e}``
    Kleene connectives.
``{eq: [fait, option]}``, ``{ne: [fait, option]}``
    the answer is (is not) this option; for a multiple-choice fact, the set is exactly
    ``{option}`` (``{ne: [donnees_sensibles, aucune]}``).
``{in: [option, fait]}``
    the option is among the answers (``option ∈ fait``).
``{inter: [fait, [options…]]}``
    at least one of the options is among the answers (``fait ∩ options ≠ ∅``); for a
    single-choice fact, the answer is one of them.
``{ge: [x, n]}``, ``{le: [x, n]}``
    ``x`` ≥ (≤) ``n``, where ``x`` is a scale fact (``securite.dict.C``) or ``{param: id}``.
``{count_ge: [COMPTEUR, k]}``, ``{count_eq: [COMPTEUR, k]}``
    at least (exactly) ``k`` criteria of a counting derived predicate (``WP248_n``) hold.
``{rule: ID}``
    the trigger of another rule holds.
``{derived: ID}``
    explicit form of a derived predicate reference.
``{param: id}``
    a yes/no configuration parameter is true.
``{unanswered: fait}``
    INCONNU when the fact is not answered (absent or « nsp »), FAUX otherwise: the rule is then
    reported « à compléter ».
``{niveau_ge: NIVEAU}``
    the aggregated level reaches ``NIVEAU`` (second pass only: GEN-04).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from boussole.core.errors import Problem

from .facts import CHOICE_TYPES, MULTIPLE, NSP, SCALE, YES_NO, FactCatalogue, Facts
from .logic import FALSE, LEVEL_NAMES, TRUE, UNKNOWN, Level, Truth, count_eq, count_ge

Slots = list[Any]
Params = Mapping[str, Any]
Fn = Callable[[Facts, Slots, Params], Truth]
Path_ = tuple[str | int, ...]

OPERATORS: Final = (
    "all", "any", "not", "eq", "ne", "in", "inter", "ge", "le", "count_ge", "count_eq",
    "rule", "derived", "param", "unanswered", "niveau_ge",
)

#: Slots reserved after the derived predicates and rules for the aggregated levels.
LEVEL_SLOTS: Final = 2


# ---------------------------------------------------------------------------------------------
# AST


class Node:
    """A parsed expression; :meth:`compile` sets :attr:`fn`."""

    __slots__ = ("fn",)

    fn: Fn

    def children(self) -> tuple[Node, ...]:
        return ()

    def references(self) -> Iterator[tuple[str, str]]:
        """Every ``(kind, id)`` read (``fact``, ``derived``, ``rule``, ``param``, ``level``)."""
        for child in self.children():
            yield from child.references()

    def compile(self, slots: Mapping[tuple[str, str], int]) -> Fn:
        for child in self.children():
            child.compile(slots)
        self.fn = self._build(slots)
        return self.fn

    def _build(self, slots: Mapping[tuple[str, str], int]) -> Fn:  # pragma: no cover
        raise NotImplementedError


class Const(Node):
    __slots__ = ("value",)

    def __init__(self, value: bool) -> None:
        self.value = value

    def _build(self, slots: Mapping[tuple[str, str], int]) -> Fn:
        result = TRUE if self.value else FALSE

        def fn(f: Facts, v: Slots, p: Params) -> Truth:
            return result

        return fn


class All(Node):
    __slots__ = ("items",)

    def __init__(self, items: tuple[Node, ...]) -> None:
        self.items = items

    def children(self) -> tuple[Node, ...]:
        return self.items

    def _build(self, slots: Mapping[tuple[str, str], int]) -> Fn:
        refs, negs, eqs, sets, fns = _split(self.items, slots)
        if not (negs or eqs or sets or fns):

            def refs_only(f: Facts, v: Slots, p: Params) -> Truth:
                result = TRUE
                for s in refs:
                    x = v[s]
                    if x == FALSE:
                        return FALSE
                    if x < result:
                        result = x
                return result

            return refs_only

        def fn(f: Facts, v: Slots, p: Params) -> Truth:
            result = TRUE
            if sets:
                for key, options in sets:
                    y = f.get(key)
                    if y is None:
                        result = UNKNOWN
                    elif options.isdisjoint(y):  # type: ignore[arg-type]
                        if NSP not in y:  # type: ignore[operator]
                            return FALSE
                        result = UNKNOWN
            if refs:
                for s in refs:
                    x = v[s]
                    if x == FALSE:
                        return FALSE
                    if x < result:
                        result = x
            if negs:
                for s in negs:
                    x = v[s]
                    if x == TRUE:
                        return FALSE
                    if x == UNKNOWN:
                        result = UNKNOWN
            if eqs:
                for key, option in eqs:
                    y = f.get(key)
                    if y is None:
                        result = UNKNOWN
                    elif y != option:
                        return FALSE
            if fns:
                for g in fns:
                    x = g(f, v, p)
                    if x == FALSE:
                        return FALSE
                    if x < result:
                        result = x
            return result

        return fn


class AnyOf(Node):
    __slots__ = ("items",)

    def __init__(self, items: tuple[Node, ...]) -> None:
        self.items = items

    def children(self) -> tuple[Node, ...]:
        return self.items

    def _build(self, slots: Mapping[tuple[str, str], int]) -> Fn:
        refs, negs, eqs, sets, fns = _split(self.items, slots)
        if not (negs or eqs or sets or fns):

            def refs_only(f: Facts, v: Slots, p: Params) -> Truth:
                result = FALSE
                for s in refs:
                    x = v[s]
                    if x == TRUE:
                        return TRUE
                    if x > result:
                        result = x
                return result

            return refs_only

        def fn(f: Facts, v: Slots, p: Params) -> Truth:
            result = FALSE
            if sets:
                for key, options in sets:
                    y = f.get(key)
                    if y is None:
                        result = UNKNOWN
                    elif not options.isdisjoint(y):  # type: ignore[arg-type]
                        return TRUE
                    elif NSP in y:  # type: ignore[operator]
                        result = UNKNOWN
            if refs:
                for s in refs:
                    x = v[s]
                    if x == TRUE:
                        return TRUE
                    if x > result:
                        result = x
            if negs:
                for s in negs:
                    x = v[s]
                    if x == FALSE:
                        return TRUE
                    if x == UNKNOWN:
                        result = UNKNOWN
            if eqs:
                for key, option in eqs:
                    y = f.get(key)
                    if y is None:
                        result = UNKNOWN
                    elif y == option:
                        return TRUE
            if fns:
                for g in fns:
                    x = g(f, v, p)
                    if x == TRUE:
                        return TRUE
                    if x > result:
                        result = x
            return result

        return fn


_Split = tuple[
    tuple[int, ...], tuple[int, ...], tuple[tuple[str, str], ...],
    tuple[tuple[str, frozenset[str]], ...], tuple[Fn, ...],
]


def _split(items: tuple[Node, ...], slots: Mapping[tuple[str, str], int]) -> _Split:
    """Sort the children of a connective for a fast evaluation (the result of a Kleene
    connective does not depend on the order of its children): references to derived
    predicates or rules are read from their slot, negated references likewise, equality tests
    on single-valued facts and ``inter`` tests on multiple-choice facts are inlined, anything
    else is called."""
    refs: list[int] = []
    negs: list[int] = []
    eqs: list[tuple[str, str]] = []
    sets: list[tuple[str, frozenset[str]]] = []
    fns: list[Fn] = []
    for item in items:
        if isinstance(item, Ref):
            refs.append(slots[(item.kind, item.target)])
        elif isinstance(item, Not) and isinstance(item.item, Ref):
            negs.append(slots[(item.item.kind, item.item.target)])
        elif isinstance(item, FactTest) and item.op == "eq" and item.fact_type != MULTIPLE:
            eqs.append((item.fact, item.operand))
        elif isinstance(item, FactTest) and item.op == "inter" and item.fact_type == MULTIPLE:
            sets.append((item.fact, item.operand))
        else:
            fns.append(item.fn)
    return tuple(refs), tuple(negs), tuple(eqs), tuple(sets), tuple(fns)


class Not(Node):
    __slots__ = ("item",)

    def __init__(self, item: Node) -> None:
        self.item = item

    def children(self) -> tuple[Node, ...]:
        return (self.item,)

    def _build(self, slots: Mapping[tuple[str, str], int]) -> Fn:
        g = self.item.fn

        def fn(f: Facts, v: Slots, p: Params) -> Truth:
            return TRUE - g(f, v, p)

        return fn


class FactTest(Node):
    """An atomic test on one fact: ``eq``, ``ne`` (single-valued facts), ``inter``, ``ge``,
    ``le`` or ``unanswered``."""

    __slots__ = ("fact", "fact_type", "op", "operand")

    def __init__(self, fact: str, fact_type: str, op: str, operand: Any) -> None:
        self.fact = fact
        self.fact_type = fact_type
        self.op = op
        self.operand = operand

    def references(self) -> Iterator[tuple[str, str]]:
        yield ("fact", self.fact)

    def _build(self, slots: Mapping[tuple[str, str], int]) -> Fn:
        key = self.fact
        op = self.op
        multiple = self.fact_type == MULTIPLE
        if op == "unanswered":

            def unanswered(f: Facts, v: Slots, p: Params) -> Truth:
                x = f.get(key)
                if x is None:
                    return UNKNOWN
                return UNKNOWN if isinstance(x, frozenset) and NSP in x else FALSE

            return unanswered
        if op == "eq":
            option: str = self.operand
            if multiple:
                single = frozenset((option,))

                def eq_set(f: Facts, v: Slots, p: Params) -> Truth:
                    s = f.get(key)
                    if s is None:
                        return UNKNOWN
                    if s == single:
                        return TRUE
                    if isinstance(s, frozenset) and NSP in s:
                        # Partial answer: still possible only if nothing else is ticked.
                        return UNKNOWN if s <= {NSP, option} else FALSE
                    return FALSE

                return eq_set

            def eq(f: Facts, v: Slots, p: Params) -> Truth:
                x = f.get(key)
                if x is None:
                    return UNKNOWN
                return TRUE if x == option else FALSE

            return eq
        if op == "ne":  # single-valued facts only (see the parser)
            other: str = self.operand

            def ne(f: Facts, v: Slots, p: Params) -> Truth:
                x = f.get(key)
                if x is None:
                    return UNKNOWN
                return FALSE if x == other else TRUE

            return ne
        if op == "inter":
            options: frozenset[str] = self.operand
            if multiple:

                def inter_set(f: Facts, v: Slots, p: Params) -> Truth:
                    s = f.get(key)
                    if s is None:
                        return UNKNOWN
                    if not options.isdisjoint(s):  # type: ignore[arg-type]
                        return TRUE
                    return UNKNOWN if NSP in s else FALSE  # type: ignore[operator]

                return inter_set

            def inter(f: Facts, v: Slots, p: Params) -> Truth:
                x = f.get(key)
                if x is None:
                    return UNKNOWN
                return TRUE if x in options else FALSE

            return inter
        bound: int = self.operand
        if op == "ge":

            def ge(f: Facts, v: Slots, p: Params) -> Truth:
                x = f.get(key)
                if x is None:
                    return UNKNOWN
                return TRUE if x >= bound else FALSE  # type: ignore[operator]

            return ge

        def le(f: Facts, v: Slots, p: Params) -> Truth:
            x = f.get(key)
            if x is None:
                return UNKNOWN
            return TRUE if x <= bound else FALSE  # type: ignore[operator]

        return le


class ParamTest(Node):
    """A test on a configuration parameter: ``bool``, ``ge`` or ``le``."""

    __slots__ = ("op", "operand", "param")

    def __init__(self, param: str, op: str, operand: int | None = None) -> None:
        self.param = param
        self.op = op
        self.operand = operand

    def references(self) -> Iterator[tuple[str, str]]:
        yield ("param", self.param)

    def _build(self, slots: Mapping[tuple[str, str], int]) -> Fn:
        key = self.param
        if self.op == "bool":

            def truthy(f: Facts, v: Slots, p: Params) -> Truth:
                x = p.get(key)
                if x is None:
                    return UNKNOWN
                return TRUE if x else FALSE

            return truthy
        bound = self.operand if self.operand is not None else 0
        ge = self.op == "ge"

        def compare(f: Facts, v: Slots, p: Params) -> Truth:
            x = p.get(key)
            if x is None:
                return UNKNOWN
            return TRUE if (x >= bound if ge else x <= bound) else FALSE

        return compare


class DatePassed(Node):
    """TRUE when the evaluation date (parameter ``date_evaluation``, today when unset) is after
    the date held by parameter ``param``; FALSE otherwise, and when that date is not set.

    Not written in expressions: a rule's ``fin_base_legale`` becomes an escalation to
    BLOQUANT_LOI on this test (an expired temporary legal basis is no basis).
    """

    __slots__ = ("param",)

    def __init__(self, param: str) -> None:
        self.param = param

    def references(self) -> Iterator[tuple[str, str]]:
        yield ("param", self.param)

    def _build(self, slots: Mapping[tuple[str, str], int]) -> Fn:
        key = self.param

        def passed(f: Facts, v: Slots, p: Params) -> Truth:
            end = p.get(key)
            if not isinstance(end, dt.date):
                return FALSE
            return TRUE if evaluation_date(p) > end else FALSE

        return passed


def evaluation_date(params: Params) -> dt.date:
    """The date an evaluation is made at: parameter ``date_evaluation``, else today."""
    value = params.get("date_evaluation")
    return value if isinstance(value, dt.date) else dt.date.today()


class Ref(Node):
    """A reference to a derived predicate (``kind="derived"``) or a rule's trigger."""

    __slots__ = ("kind", "target")

    def __init__(self, kind: str, target: str) -> None:
        self.kind = kind
        self.target = target

    def references(self) -> Iterator[tuple[str, str]]:
        yield (self.kind, self.target)

    def _build(self, slots: Mapping[tuple[str, str], int]) -> Fn:
        slot = slots[(self.kind, self.target)]

        def fn(f: Facts, v: Slots, p: Params) -> Truth:
            result: Truth = v[slot]
            return result

        return fn


class CountTest(Node):
    """``count_ge`` / ``count_eq`` on a counting derived predicate (its slot holds a pair)."""

    __slots__ = ("counter", "k", "op")

    def __init__(self, counter: str, op: str, k: int) -> None:
        self.counter = counter
        self.op = op
        self.k = k

    def references(self) -> Iterator[tuple[str, str]]:
        yield ("derived", self.counter)

    def _build(self, slots: Mapping[tuple[str, str], int]) -> Fn:
        slot = slots[("derived", self.counter)]
        k = self.k
        test = count_ge if self.op == "count_ge" else count_eq

        def fn(f: Facts, v: Slots, p: Params) -> Truth:
            packed: int = v[slot]
            return test(packed >> 8, packed & 255, k)

        return fn


class Counter(Node):
    """The body of a counting derived predicate: evaluates to ``n_true << 8 | n_unknown``
    (an int rather than a pair, to keep retained results cheap for the garbage collector)."""

    __slots__ = ("items",)

    def __init__(self, items: tuple[Node, ...]) -> None:
        self.items = items

    def children(self) -> tuple[Node, ...]:
        return self.items

    def _build(self, slots: Mapping[tuple[str, str], int]) -> Fn:
        if all(isinstance(item, Ref) for item in self.items):
            refs = tuple(slots[(item.kind, item.target)] for item in self.items
                         if isinstance(item, Ref))

            def count_refs(f: Facts, v: Slots, p: Params) -> Truth:
                n_true = n_unknown = 0
                for s in refs:
                    x = v[s]
                    if x == TRUE:
                        n_true += 1
                    elif x == UNKNOWN:
                        n_unknown += 1
                return (n_true << 8) | n_unknown

            return count_refs
        fns = tuple(item.fn for item in self.items)

        def fn(f: Facts, v: Slots, p: Params) -> Truth:
            n_true = n_unknown = 0
            for g in fns:
                x = g(f, v, p)
                if x == TRUE:
                    n_true += 1
                elif x == UNKNOWN:
                    n_unknown += 1
            return (n_true << 8) | n_unknown

        return fn


class LevelTest(Node):
    """``niveau_ge``: TRUE if the indicative level reaches it, UNKNOWN if only the potential."""

    __slots__ = ("level",)

    def __init__(self, level: Level) -> None:
        self.level = level

    def references(self) -> Iterator[tuple[str, str]]:
        yield ("level", self.level.name)

    def _build(self, slots: Mapping[tuple[str, str], int]) -> Fn:
        slot = slots[("level", "indicatif")]
        level = int(self.level)

        def fn(f: Facts, v: Slots, p: Params) -> Truth:
            if v[slot] >= level:
                return TRUE
            if v[slot + 1] >= level:
                return UNKNOWN
            return FALSE

        return fn


# ---------------------------------------------------------------------------------------------
# Parser


@dataclass(frozen=True)
class ParseContext:
    """What an expression may refer to."""

    catalogue: FactCatalogue
    derived: Mapping[str, str]  # id -> "predicat" | "compte"
    rules: frozenset[str]
    params: Mapping[str, str]  # id -> "entier" | "booleen" | "date" | "texte"
    allow_level: bool = False
    #: Options of a fact that another version of the grid offers (fact id -> options): an
    #: expression may name them when compiled against a version that lacks them (an answer
    #: given under that version can never contain them).
    other_options: Mapping[str, frozenset[str]] = field(default_factory=dict)


def parse(raw: Any, path: Path_, ctx: ParseContext, problems: list[Problem]) -> Node | None:
    """Parse and check one expression; append French problems and return ``None`` if invalid."""
    if isinstance(raw, bool):
        return Const(raw)
    if isinstance(raw, str):
        return _bare(raw, path, ctx, problems)
    if not isinstance(raw, Mapping) or len(raw) != 1:
        problems.append(
            Problem(path, "expression invalide : un nom ou un objet à une seule clé est attendu "
                    f"(opérateurs : {', '.join(OPERATORS)})")
        )
        return None
    ((op, arg),) = raw.items()
    here = (*path, str(op))
    parser = _PARSERS.get(str(op))
    if parser is None:
        problems.append(
            Problem(here, f"opérateur inconnu « {op} » (attendu : {', '.join(OPERATORS)})")
        )
        return None
    return parser(arg, here, ctx, problems)


def _bare(name: str, path: Path_, ctx: ParseContext, problems: list[Problem]) -> Node | None:
    kind = ctx.derived.get(name)
    if kind == "predicat":
        return Ref("derived", name)
    if kind == "compte":
        problems.append(
            Problem(path, f"« {name} » est un compteur : utiliser count_ge ou count_eq")
        )
        return None
    fact = ctx.catalogue.get(name)
    if fact is not None:
        if fact.type != YES_NO:
            problems.append(
                Problem(path, f"le fait « {name} » n'est pas de type oui/non : utiliser eq, ne, "
                        "in ou inter")
            )
            return None
        return FactTest(name, YES_NO, "eq", "oui")
    problems.append(
        Problem(path, f"référence inconnue « {name} » (ni prédicat dérivé, ni fait oui/non)")
    )
    return None


def _list(arg: Any, path: Path_, problems: list[Problem], op: str) -> list[Any] | None:
    if not isinstance(arg, list) or not arg:
        problems.append(Problem(path, f"« {op} » attend une liste non vide"))
        return None
    return arg


def _parse_all_any(
    arg: Any, path: Path_, ctx: ParseContext, problems: list[Problem], op: str
) -> Node | None:
    items = _list(arg, path, problems, op)
    if items is None:
        return None
    parsed = [parse(item, (*path, i), ctx, problems) for i, item in enumerate(items)]
    if any(node is None for node in parsed):
        return None
    nodes = tuple(node for node in parsed if node is not None)
    if len(nodes) == 1:
        return nodes[0]
    return All(nodes) if op == "all" else AnyOf(nodes)


def _p_all(arg: Any, path: Path_, ctx: ParseContext, problems: list[Problem]) -> Node | None:
    return _parse_all_any(arg, path, ctx, problems, "all")


def _p_any(arg: Any, path: Path_, ctx: ParseContext, problems: list[Problem]) -> Node | None:
    return _parse_all_any(arg, path, ctx, problems, "any")


def _p_not(arg: Any, path: Path_, ctx: ParseContext, problems: list[Problem]) -> Node | None:
    node = parse(arg, path, ctx, problems)
    return Not(node) if node is not None else None


def _choice_fact(
    name: Any, path: Path_, ctx: ParseContext, problems: list[Problem], op: str
) -> str | None:
    if not isinstance(name, str):
        problems.append(Problem(path, f"« {op} » : identifiant de fait attendu"))
        return None
    fact = ctx.catalogue.get(name)
    if fact is None:
        problems.append(Problem(path, f"fait inconnu « {name} »"))
        return None
    if fact.type not in CHOICE_TYPES:
        problems.append(
            Problem(path, f"« {op} » ne s'applique pas au fait « {name} » de type {fact.type}")
        )
        return None
    return name


def _option(
    fact: str, option: Any, path: Path_, ctx: ParseContext, problems: list[Problem]
) -> str | None:
    definition = ctx.catalogue[fact]
    if isinstance(option, bool) and definition.type == YES_NO:
        option = "oui" if option else "non"
    if isinstance(option, str) and option in ctx.other_options.get(fact, ()):
        return option
    if not isinstance(option, str) or option not in definition.options:
        problems.append(
            Problem(path, f"option inconnue « {option} » pour le fait « {fact} » (attendu : "
                    f"{', '.join(definition.options)})")
        )
        return None
    return option


def _pair(arg: Any, path: Path_, problems: list[Problem], op: str, shape: str) -> list[Any] | None:
    if not isinstance(arg, list) or len(arg) != 2:
        problems.append(Problem(path, f"« {op} » attend deux éléments : {shape}"))
        return None
    return arg


def _p_eq_ne(
    arg: Any, path: Path_, ctx: ParseContext, problems: list[Problem], op: str
) -> Node | None:
    pair = _pair(arg, path, problems, op, "[fait, option]")
    if pair is None:
        return None
    fact = _choice_fact(pair[0], (*path, 0), ctx, problems, op)
    if fact is None:
        return None
    option = _option(fact, pair[1], (*path, 1), ctx, problems)
    if option is None:
        return None
    fact_type = ctx.catalogue[fact].type
    if op == "ne" and fact_type != MULTIPLE:
        return FactTest(fact, fact_type, "ne", option)
    node: Node = FactTest(fact, fact_type, "eq", option)
    return node if op == "eq" else Not(node)


def _p_eq(arg: Any, path: Path_, ctx: ParseContext, problems: list[Problem]) -> Node | None:
    return _p_eq_ne(arg, path, ctx, problems, "eq")


def _p_ne(arg: Any, path: Path_, ctx: ParseContext, problems: list[Problem]) -> Node | None:
    return _p_eq_ne(arg, path, ctx, problems, "ne")


def _p_in(arg: Any, path: Path_, ctx: ParseContext, problems: list[Problem]) -> Node | None:
    pair = _pair(arg, path, problems, "in", "[option, fait]")
    if pair is None:
        return None
    fact = _choice_fact(pair[1], (*path, 1), ctx, problems, "in")
    if fact is None:
        return None
    option = _option(fact, pair[0], (*path, 0), ctx, problems)
    if option is None:
        return None
    return FactTest(fact, ctx.catalogue[fact].type, "inter", frozenset((option,)))


def _p_inter(arg: Any, path: Path_, ctx: ParseContext, problems: list[Problem]) -> Node | None:
    pair = _pair(arg, path, problems, "inter", "[fait, [options…]]")
    if pair is None:
        return None
    fact = _choice_fact(pair[0], (*path, 0), ctx, problems, "inter")
    if fact is None:
        return None
    raw_options = _list(pair[1], (*path, 1), problems, "inter")
    if raw_options is None:
        return None
    options = [_option(fact, o, (*path, 1, i), ctx, problems) for i, o in enumerate(raw_options)]
    if any(o is None for o in options):
        return None
    return FactTest(
        fact, ctx.catalogue[fact].type, "inter", frozenset(o for o in options if o is not None)
    )


def _p_compare(
    arg: Any, path: Path_, ctx: ParseContext, problems: list[Problem], op: str
) -> Node | None:
    pair = _pair(arg, path, problems, op, "[fait ou {param: …}, nombre]")
    if pair is None:
        return None
    subject, bound = pair
    if isinstance(bound, bool) or not isinstance(bound, int):
        problems.append(Problem((*path, 1), f"« {op} » attend un nombre entier"))
        return None
    if isinstance(subject, Mapping) and set(subject) == {"param"}:
        name = subject["param"]
        kind = ctx.params.get(name) if isinstance(name, str) else None
        if kind is None:
            problems.append(Problem((*path, 0, "param"), f"paramètre inconnu « {name} »"))
            return None
        if kind != "entier":
            problems.append(
                Problem((*path, 0, "param"), f"le paramètre « {name} » n'est pas un nombre")
            )
            return None
        return ParamTest(name, op, bound)
    if not isinstance(subject, str):
        problems.append(Problem((*path, 0), f"« {op} » : fait ou {{param: …}} attendu"))
        return None
    fact = ctx.catalogue.get(subject)
    if fact is None:
        problems.append(Problem((*path, 0), f"fait inconnu « {subject} »"))
        return None
    if fact.type != SCALE:
        problems.append(
            Problem((*path, 0), f"« {op} » ne s'applique qu'aux échelles, pas à « {subject} »")
        )
        return None
    return FactTest(subject, SCALE, op, bound)


def _p_ge(arg: Any, path: Path_, ctx: ParseContext, problems: list[Problem]) -> Node | None:
    return _p_compare(arg, path, ctx, problems, "ge")


def _p_le(arg: Any, path: Path_, ctx: ParseContext, problems: list[Problem]) -> Node | None:
    return _p_compare(arg, path, ctx, problems, "le")


def _p_count(
    arg: Any, path: Path_, ctx: ParseContext, problems: list[Problem], op: str
) -> Node | None:
    pair = _pair(arg, path, problems, op, "[COMPTEUR, k]")
    if pair is None:
        return None
    counter, k = pair
    if not isinstance(counter, str) or ctx.derived.get(counter) != "compte":
        problems.append(Problem((*path, 0), f"compteur inconnu « {counter} »"))
        return None
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        problems.append(Problem((*path, 1), f"« {op} » attend un entier positif"))
        return None
    return CountTest(counter, op, k)


def _p_count_ge(arg: Any, path: Path_, ctx: ParseContext, problems: list[Problem]) -> Node | None:
    return _p_count(arg, path, ctx, problems, "count_ge")


def _p_count_eq(arg: Any, path: Path_, ctx: ParseContext, problems: list[Problem]) -> Node | None:
    return _p_count(arg, path, ctx, problems, "count_eq")


def _p_rule(arg: Any, path: Path_, ctx: ParseContext, problems: list[Problem]) -> Node | None:
    if not isinstance(arg, str) or arg not in ctx.rules:
        problems.append(Problem(path, f"règle inconnue « {arg} »"))
        return None
    return Ref("rule", arg)


def _p_derived(arg: Any, path: Path_, ctx: ParseContext, problems: list[Problem]) -> Node | None:
    if not isinstance(arg, str) or ctx.derived.get(arg) != "predicat":
        problems.append(Problem(path, f"prédicat dérivé inconnu « {arg} »"))
        return None
    return Ref("derived", arg)


def _p_param(arg: Any, path: Path_, ctx: ParseContext, problems: list[Problem]) -> Node | None:
    kind = ctx.params.get(arg) if isinstance(arg, str) else None
    if kind is None:
        problems.append(Problem(path, f"paramètre inconnu « {arg} »"))
        return None
    if kind != "booleen":
        problems.append(
            Problem(path, f"le paramètre « {arg} » n'est pas oui/non : utiliser ge ou le")
        )
        return None
    return ParamTest(arg, "bool")


def _p_unanswered(
    arg: Any, path: Path_, ctx: ParseContext, problems: list[Problem]
) -> Node | None:
    if not isinstance(arg, str) or arg not in ctx.catalogue:
        problems.append(Problem(path, f"fait inconnu « {arg} »"))
        return None
    return FactTest(arg, ctx.catalogue[arg].type, "unanswered", None)


def _p_level(arg: Any, path: Path_, ctx: ParseContext, problems: list[Problem]) -> Node | None:
    if not ctx.allow_level:
        problems.append(
            Problem(path, "« niveau_ge » n'est permis que dans le déclencheur d'une règle INFO "
                    "évaluée après l'agrégation")
        )
        return None
    if not isinstance(arg, str) or arg not in LEVEL_NAMES:
        problems.append(Problem(path, f"niveau inconnu « {arg} »"))
        return None
    return LevelTest(Level[arg])


_Parser = Callable[[Any, Path_, ParseContext, list[Problem]], Node | None]

_PARSERS: Final[dict[str, _Parser]] = {
    "all": _p_all,
    "any": _p_any,
    "not": _p_not,
    "eq": _p_eq,
    "ne": _p_ne,
    "in": _p_in,
    "inter": _p_inter,
    "ge": _p_ge,
    "le": _p_le,
    "count_ge": _p_count_ge,
    "count_eq": _p_count_eq,
    "rule": _p_rule,
    "derived": _p_derived,
    "param": _p_param,
    "unanswered": _p_unanswered,
    "niveau_ge": _p_level,
}


def uses_level(node: Node) -> bool:
    return any(kind == "level" for kind, _ in node.references())


# ---------------------------------------------------------------------------------------------
# Explanations ("pourquoi")


class Explainer:
    """Finds the facts that make an expression take a given truth value (§9.3 trace).

    ``all`` true → all children; ``any`` true → the first true child; false is the dual;
    unknown → the children that are true or unknown (for ``all``), unknown (for ``any``).
    """

    def __init__(
        self,
        facts: Facts,
        slots: Slots,
        params: Params,
        derived: Mapping[str, Node],
        rules: Mapping[str, Node],
    ) -> None:
        self.facts = facts
        self.slots = slots
        self.params = params
        self.derived = derived
        self.rules = rules

    def facts_for(self, node: Node, target: Truth) -> list[str]:
        out: list[str] = []
        self._collect(node, target, out)
        seen: set[str] = set()
        unique = []
        for fact in out:
            if fact not in seen:
                seen.add(fact)
                unique.append(fact)
        return unique

    def _value(self, node: Node) -> Truth:
        return node.fn(self.facts, self.slots, self.params)

    def _collect(self, node: Node, target: Truth, out: list[str]) -> None:
        if isinstance(node, FactTest):
            out.append(node.fact)
        elif isinstance(node, Not):
            self._collect(node.item, TRUE - target, out)
        elif isinstance(node, All | AnyOf):
            self._collect_connective(node, target, out)
        elif isinstance(node, Ref):
            body = (self.derived if node.kind == "derived" else self.rules).get(node.target)
            if body is not None:
                self._collect(body, target, out)
        elif isinstance(node, CountTest):
            body = self.derived.get(node.counter)
            if isinstance(body, Counter):
                for item in body.items:
                    value = self._value(item)
                    if value == target or (target == UNKNOWN and value == TRUE):
                        self._collect(item, value, out)

    def _collect_connective(self, node: All | AnyOf, target: Truth, out: list[str]) -> None:
        conjunction = isinstance(node, All)
        # For "all" true / "any" false: every child carries the value.
        every = TRUE if conjunction else FALSE
        if target == every:
            for item in node.items:
                self._collect(item, target, out)
            return
        if target != UNKNOWN:
            # "all" false / "any" true: the first child with that value suffices.
            for item in node.items:
                if self._value(item) == target:
                    self._collect(item, target, out)
                    return
            return
        for item in node.items:
            value = self._value(item)
            if value == UNKNOWN or (conjunction and value == TRUE):
                self._collect(item, value, out)
