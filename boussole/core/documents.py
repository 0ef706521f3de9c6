"""Reading YAML or JSON documents from files or text, with French errors (never a traceback).

Every document a user supplies (grid file, rule base, fact sheet, footprint input, case
import) is read here, under limits that keep a hostile file from exhausting memory or time:

* a size limit in bytes, a limit on the number of nodes (values, keys, lists and objects)
  and on nesting depth, checked *before* the document is built;
* YAML anchors and aliases are refused (an 80 KB "billion laughs" file would otherwise
  expand into hundreds of megabytes), and so are duplicate keys (YAML and JSON), which
  would otherwise silently keep the last value;
* a lone UTF-16 surrogate (JSON ``"\\ud800"``) is refused: it is not text and cannot be
  stored or printed;
* numbers written with an exponent and no dot (``1e3``, ``1e308``) are numbers, as in
  YAML 1.2 and JSON — PyYAML's YAML 1.1 resolver would read them as text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any, Final

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from boussole.core.errors import InvalidDocument, Problem

Path_ = tuple[str | int, ...]

_MIB: Final = 1024 * 1024

#: Largest grid file, rule file, fact sheet or footprint input accepted, in bytes. The bundled
#: grid is 72 KB and the biggest rule file 63 KB: the limit leaves a margin of about 70.
MAX_DOCUMENT_BYTES: Final = 5 * _MIB
#: Most nodes (each scalar, key, list and object counts one) in such a document. The bundled
#: grid has about 4,200 nodes. 100,000 nodes of YAML take a few seconds to read.
MAX_DOCUMENT_NODES: Final = 100_000
#: Deepest nesting of lists and objects. The bundled grid and rules nest 11 levels at most.
MAX_DOCUMENT_DEPTH: Final = 64

#: Limits for a case exported by ``boussole case export``: it embeds its evidence files in
#: base64 (each up to 20 MB by default) and its whole audit trail. A demonstration case in
#: service is 120 KB and 3,500 nodes.
MAX_CASE_BYTES: Final = 256 * _MIB
MAX_CASE_NODES: Final = 1_000_000
MAX_CASE_DEPTH: Final = 64


@dataclass(frozen=True, slots=True)
class Limits:
    """How big a document may be: bytes, nodes and nesting depth."""

    max_bytes: int
    max_nodes: int
    max_depth: int


DOCUMENT_LIMITS: Final = Limits(MAX_DOCUMENT_BYTES, MAX_DOCUMENT_NODES, MAX_DOCUMENT_DEPTH)
CASE_LIMITS: Final = Limits(MAX_CASE_BYTES, MAX_CASE_NODES, MAX_CASE_DEPTH)


def _number(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _size(value: int) -> str:
    if value >= _MIB and value % _MIB == 0:
        return f"{value // _MIB} Mo"
    return f"{_number(value)} octets"


def _too_big(limits: Limits) -> str:
    return f"document trop volumineux : il dépasse la limite de {_size(limits.max_bytes)}"


def _too_many(limits: Limits) -> str:
    return (f"document trop grand : il dépasse la limite de {_number(limits.max_nodes)} "
            "éléments (valeurs, clés, listes et objets)")


def _too_deep(limits: Limits) -> str:
    return (f"imbrication trop profonde : plus de {limits.max_depth} niveaux de listes ou "
            "d'objets imbriqués")


# --- YAML ------------------------------------------------------------------------------------

class Refused(yaml.MarkedYAMLError):
    """A YAML document refused by :class:`SafeLoader` (French ``problem``, with its place)."""


def _where(mark: Any) -> str:
    return f"ligne {mark.line + 1}, colonne {mark.column + 1}" if mark is not None else ""


#: The YAML 1.2 core-schema float forms that need an exponent or a dot (``1e3``, ``1e308``,
#: ``2.5E3``, ``.5``); plain integers keep their own resolver.
_FLOAT_12 = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*|[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+"
                       r"|\.[0-9]+[eE][-+]?[0-9]+)$")
_MERGE_TAG: Final = "tag:yaml.org,2002:merge"


class SafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader, hardened for documents supplied by users.

    Refuses anchors and aliases, duplicate keys, too many nodes and too deep nesting while
    composing (before anything is built), and reads ``1e308`` as a number (YAML 1.2).
    Use it through :func:`load_yaml`, which sets :attr:`limits`.
    """

    limits: Limits = DOCUMENT_LIMITS
    _nodes: int = 0
    _depth: int = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise Refused(problem=f"ancre ou alias YAML ({_where(event.start_mark)}) : les "
                                  "ancres « &nom » et les alias « *nom » ne sont pas acceptés, "
                                  "écrivez chaque valeur en entier",
                          problem_mark=event.start_mark)
        self._nodes += 1
        if self._nodes > self.limits.max_nodes:
            raise Refused(problem=_too_many(self.limits) + f" ({_where(event.start_mark)})",
                          problem_mark=event.start_mark)
        self._depth += 1
        try:
            if self._depth > self.limits.max_depth:
                raise Refused(problem=_too_deep(self.limits) + f" ({_where(event.start_mark)})",
                              problem_mark=event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, MappingNode):
            seen: dict[Any, Any] = {}
            for key_node, _value in node.value:
                if not isinstance(key_node, ScalarNode) or key_node.tag == _MERGE_TAG:
                    continue
                key = self.construct_object(key_node)
                try:
                    first = seen.setdefault(key, key_node.start_mark)
                except TypeError:  # unhashable: PyYAML reports it
                    continue
                if first is not key_node.start_mark:
                    raise Refused(problem=f"clé « {key} » en double "
                                          f"({_where(key_node.start_mark)} ; déjà présente "
                                          f"{_where(first)}) : une clé ne peut figurer qu'une "
                                          "fois dans un même objet",
                                  problem_mark=key_node.start_mark)
        return super().construct_mapping(node, deep=deep)


SafeLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT_12, list("-+0123456789."))


class DataLoader(SafeLoader):
    """The hardened loader for rule bases and fact sheets, with plain scalars kept as written.

    * Dates stay text, so that they are validated (and any error reported) with the name of
      their field rather than failing inside the YAML parser.
    * Only plain decimal numbers are integers: YAML 1.1 would read the option ``1000_10000``
      (Q11) as the number 100010000, and ``0755`` or ``1:30`` as numbers too.
    """


_INT: Final = "tag:yaml.org,2002:int"
DataLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers
          if tag not in ("tag:yaml.org,2002:timestamp", _INT)]
    for key, resolvers in SafeLoader.yaml_implicit_resolvers.items()
}
DataLoader.add_implicit_resolver(_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"),
                                 list("-+0123456789"))


def load_yaml(text: str, *, source: str | None = None, limits: Limits = DOCUMENT_LIMITS,
              loader: type[SafeLoader] = SafeLoader,
              syntax: str = "syntaxe YAML/JSON invalide") -> Any:
    """Parse YAML (a superset of JSON) text under ``limits``.

    Raises :class:`InvalidDocument` (French, with the line and column) on a syntax error
    (``syntax`` names it) and on anything the hardened loader refuses.
    """
    _check_length(text, source=source, limits=limits)
    reader = loader(text)
    reader.limits = limits
    try:
        data = reader.get_single_data()
    except Refused as exc:
        raise InvalidDocument([Problem((), f"{exc.problem}.")],
                              source=source) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"({_where(mark)})" if mark else "(position inconnue)"
        problem = exc.problem or "erreur de syntaxe"
        raise InvalidDocument([Problem((), f"{syntax} {where} : {problem}.")],
                              source=source) from None
    except yaml.YAMLError as exc:
        raise InvalidDocument([Problem((), f"{syntax} : {exc}.")], source=source) from None
    except RecursionError:  # not expected under the depth limit; never a traceback
        raise InvalidDocument([Problem((), _too_deep(limits) + ".")], source=source) from None
    finally:
        reader.dispose()
    _check_tree(data, source=source)
    return data


def load_data_yaml(text: str, *, source: str | None = None) -> Any:
    """Parse a rule file or a fact sheet with :class:`DataLoader` (dates and option ids such as
    ``1000_10000`` stay text) under the document limits."""
    return load_yaml(text, source=source, loader=DataLoader, syntax="YAML invalide")


# --- JSON ------------------------------------------------------------------------------------

class _Duplicates(dict[str, Any]):
    """An object read from JSON that repeated some of its keys (reported by its path)."""

    repeated: tuple[str, ...] = ()


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    flagged = _Duplicates(result)
    seen: set[str] = set()
    repeated: list[str] = []
    for key, _value in pairs:
        if key in seen and key not in repeated:
            repeated.append(key)
        seen.add(key)
    flagged.repeated = tuple(repeated)
    return flagged


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_EMPTY = re.compile(r"\[\s*\]|\{\s*\}")
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP: Final = {"[": 1, "{": 1, "]": -1, "}": -1}


def _json_shape(text: str, limits: Limits) -> str | None:
    """Count the nodes and the nesting depth of JSON text without building it.

    Strings are blanked out first; then every node but the root follows a ``,``, a ``:`` or
    the opening bracket of a non-empty list or object. Returns the problem, if any.
    """
    skeleton = _JSON_STRING.sub("0", text)
    opened = skeleton.count("[") + skeleton.count("{")
    nodes = (1 + skeleton.count(",") + skeleton.count(":") + opened
             - sum(1 for _ in _EMPTY.finditer(skeleton)))
    if nodes > limits.max_nodes:
        return _too_many(limits) + "."
    if opened > limits.max_depth:
        brackets = _NOT_BRACKET.sub("", skeleton)
        depth = max(accumulate(map(_STEP.__getitem__, brackets)), default=0)
        if depth > limits.max_depth:
            return _too_deep(limits) + "."
    return None


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def load_json(text: str, *, source: str | None = None, limits: Limits = DOCUMENT_LIMITS,
              allow_constants: bool = True) -> Any:
    """Parse JSON text under ``limits``; raise :class:`InvalidDocument` (French) on failure.

    ``allow_constants=False`` refuses ``NaN`` and ``Infinity`` (not JSON, but Python reads them).
    """
    _check_length(text, source=source, limits=limits)
    shape = _json_shape(text, limits)
    if shape is not None:
        raise InvalidDocument([Problem((), shape)], source=source)
    try:
        data = json.loads(text, object_pairs_hook=_unique_pairs,
                          parse_constant=None if allow_constants else _reject_constant)
    except json.JSONDecodeError as exc:
        raise InvalidDocument([Problem((), f"JSON invalide (ligne {exc.lineno}, colonne "
                                           f"{exc.colno}) : {exc.msg}.")],
                              source=source) from None
    except ValueError as exc:
        raise InvalidDocument([Problem((), f"JSON invalide : « {exc} » n'est pas un nombre "
                                           "admis.")], source=source) from None
    except RecursionError:  # not expected under the depth limit; never a traceback
        raise InvalidDocument([Problem((), _too_deep(limits) + ".")], source=source) from None
    _check_tree(data, source=source)
    return data


# --- Both ------------------------------------------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")
_MAX_REPORTED: Final = 20


def _check_length(text: str, *, source: str | None, limits: Limits) -> None:
    if len(text) > limits.max_bytes or (
        len(text) * 4 > limits.max_bytes
        and len(text.encode("utf-8", "surrogatepass")) > limits.max_bytes
    ):
        raise InvalidDocument([Problem((), _too_big(limits) + ".")], source=source)


def _surrogate(text: str) -> str | None:
    found = _SURROGATE.search(text)
    if found is None:
        return None
    return (f"caractère invalide U+{ord(found.group()):04X} (demi-codet de substitution "
            "isolé) : ce n'est pas du texte Unicode valide.")


def _walk(data: Any) -> Iterator[tuple[Path_, Any]]:
    stack: list[tuple[Path_, Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        yield path, value
        if isinstance(value, dict):
            stack.extend(((*path, str(key)), item) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*path, index), item) for index, item in reversed(list(enumerate(value))))


def _check_tree(data: Any, *, source: str | None) -> None:
    """Refuse repeated JSON keys and lone surrogates, naming where they are."""
    problems: list[Problem] = []
    for path, value in _walk(data):
        if isinstance(value, _Duplicates):
            problems.extend(
                Problem(path, f"clé « {key} » en double : une clé ne peut figurer qu'une fois "
                              "dans un même objet.") for key in value.repeated)
        if isinstance(value, dict):
            for key in value:
                if isinstance(key, str) and (message := _surrogate(key)) is not None:
                    problems.append(Problem(path, f"clé {message}"))
        elif isinstance(value, str) and (message := _surrogate(value)) is not None:
            problems.append(Problem(path, message))
        if len(problems) >= _MAX_REPORTED:
            break
    if problems:
        raise InvalidDocument(problems, source=source)


# --- Files and text --------------------------------------------------------------------------

def parse_text(text: str, *, source: str, limits: Limits = DOCUMENT_LIMITS) -> Any:
    """Parse YAML (a superset of JSON) text; raise :class:`InvalidDocument` on a syntax error."""
    if not text.strip():
        raise InvalidDocument([Problem((), "le document est vide.")], source=source)
    return load_yaml(text, source=source, limits=limits)


def read_text(path: str | Path, *, limits: Limits = DOCUMENT_LIMITS) -> str:
    """Read a UTF-8 file of at most ``limits.max_bytes``; failures are :class:`InvalidDocument`."""
    source = str(path)
    try:
        with open(path, "rb") as stream:
            raw = stream.read(limits.max_bytes + 1)
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
    if len(raw) > limits.max_bytes:
        raise InvalidDocument([Problem((), _too_big(limits) + ".")], source=source)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidDocument(
            [Problem((), f"le fichier n'est pas encodé en UTF-8 (octet {exc.start}).")],
            source=source,
        ) from None


def read_document(path: str | Path, *, limits: Limits = DOCUMENT_LIMITS) -> Any:
    """Read and parse a YAML or JSON file; every failure becomes :class:`InvalidDocument`."""
    source = str(path)
    text = read_text(path, limits=limits)
    if Path(path).suffix.lower() == ".json":
        return load_json(text, source=source, limits=limits)
    return parse_text(text, source=source, limits=limits)


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
