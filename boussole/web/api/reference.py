"""The API's reference pages, read from its OpenAPI schema: the operations grouped by tag
and the data models, as plain values for server-rendered templates (no script, no viewer to
download: the schema itself stays at ``/api/v1/openapi.json`` for tools)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from boussole.web.api.main import api

METHODS = ("get", "post", "put", "patch", "delete")
REF_PREFIX = "#/components/schemas/"


@dataclass(frozen=True)
class Type:
    """A schema's type in words, with the data model it names (to link to), if any."""

    text: str
    model: str = ""


@dataclass
class Parameter:
    name: str
    where: str
    required: bool
    type: Type
    description: str


@dataclass
class Response:
    status: str
    description: str
    type: Type | None


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    anchor: str
    parameters: list[Parameter] = field(default_factory=list)
    body: Type | None = None
    responses: list[Response] = field(default_factory=list)


@dataclass
class Property:
    name: str
    type: Type
    required: bool
    description: str


@dataclass
class Model:
    name: str
    description: str
    properties: list[Property]
    type: Type | None  # a model that is not an object (an enumeration, a list...)


def type_of(schema: dict[str, Any]) -> Type:
    """A JSON Schema in a few French words: « entier », « liste de Answer », « texte ou
    null », « un de : FAIBLE, MODERE »."""
    if not isinstance(schema, dict):
        return Type("valeur")
    ref = schema.get("$ref", "")
    if ref.startswith(REF_PREFIX):
        name = ref[len(REF_PREFIX):]
        return Type(name, name)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            parts = [type_of(part) for part in schema[key]]
            return Type(" ou ".join(p.text for p in parts),
                        next((p.model for p in parts if p.model), ""))
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return type_of(schema["allOf"][0])
    if "enum" in schema:
        return Type("un de : " + ", ".join(str(v) for v in schema["enum"]))
    if "const" in schema:
        return Type(f"« {schema['const']} »")
    kind = schema.get("type")
    if kind == "array":
        inner = type_of(schema.get("items", {}))
        return Type(f"liste de {inner.text}", inner.model)
    words = {"string": "texte", "integer": "entier", "number": "nombre",
             "boolean": "booléen", "object": "objet", "null": "null"}
    text = words.get(str(kind), "valeur")
    form = schema.get("format")
    if form in ("date", "date-time"):
        text = "date" if form == "date" else "date et heure"
    return Type(text)


def _body_type(content: dict[str, Any]) -> Type | None:
    for media in content.values():
        if isinstance(media, dict) and "schema" in media:
            return type_of(media["schema"])
    return None


def operations(schema: dict[str, Any]) -> list[tuple[str, list[Operation]]]:
    """The operations grouped by their first tag, in the schema's order."""
    groups: dict[str, list[Operation]] = {}
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            tag = (operation.get("tags") or ["API"])[0]
            entry = Operation(
                method=method.upper(), path=path, summary=operation.get("summary", ""),
                description=operation.get("description", ""),
                anchor=operation.get("operationId") or f"{method}-{path}")
            for parameter in operation.get("parameters", []):
                entry.parameters.append(Parameter(
                    name=parameter.get("name", ""), where=parameter.get("in", ""),
                    required=bool(parameter.get("required")),
                    type=type_of(parameter.get("schema", {})),
                    description=parameter.get("description")
                    or parameter.get("schema", {}).get("description", "")))
            body = operation.get("requestBody", {}).get("content")
            if body:
                entry.body = _body_type(body)
            for status, answer in operation.get("responses", {}).items():
                entry.responses.append(Response(
                    status=status, description=answer.get("description", ""),
                    type=_body_type(answer.get("content", {}))))
            groups.setdefault(tag, []).append(entry)
    return list(groups.items())


def models(schema: dict[str, Any]) -> list[Model]:
    """The data models (components), in alphabetical order."""
    out = []
    for name, model in sorted(schema.get("components", {}).get("schemas", {}).items()):
        required = set(model.get("required", []))
        properties = [Property(name=key, type=type_of(value), required=key in required,
                               description=value.get("description", "")
                               if isinstance(value, dict) else "")
                      for key, value in model.get("properties", {}).items()]
        out.append(Model(name=name, description=model.get("description", ""),
                         properties=properties,
                         type=None if properties or model.get("type") == "object"
                         else type_of(model)))
    return out


@functools.cache
def reference() -> tuple[list[tuple[str, list[Operation]]], list[Model], str]:
    """The operations, the models and the API's version, read once per process from the
    schema the API serves."""
    schema = api.get_openapi_schema()
    return operations(schema), models(schema), str(schema.get("info", {}).get("version", ""))
