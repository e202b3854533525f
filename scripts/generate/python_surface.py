"""What a caller of `cekura_client` sees of a document: functions and models, named as generated.

The surface is derived from the document with the generator's own naming rules (the client's
operation names from `operation_names`, modules from `resource_tags`, identifiers and class
names from `openapi_python_client.strings`), so it can be computed for any version, including
ones the current overlays cannot patch. `tests/generate/test_python_surface.py` checks the names against
a generated client. Types are written the way the generated annotations read (`int | None`,
`list[Scenario]`, `datetime.datetime`); an inline object or enum, which the generator turns into
a model named after its place, is `model` or `enum` here. One known gap: where the generator
reuses one class for structurally identical component schemas, the surface still lists each
schema under its own name.

A function is `api.<resource>.<name>`, its parameters are the path, query and header
parameters plus `body`; a model is a component schema, its fields its properties. How a change
to them is classified is in `scripts/update/surface_diff.py`.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openapi_python_client.strings import ClassName, PythonIdentifier

from scripts.core.openapi_document import is_nullable, iter_operations, raw_parameters, ref_name, resolve
from scripts.patch.normalizers.operation_names import assigned_names
from scripts.patch.normalizers.resource_tags import resource_tag

FIELD_PREFIX = "field_"  # openapi-python-client's default `field_prefix`
RESERVED_PARAMETER_NAMES = ("client", "url")  # the generated functions' own arguments
_STRING_FORMATS = {
    "date-time": "datetime.datetime",
    "date": "datetime.date",
    "uuid": "UUID",
    "binary": "File",
}
_SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}


@dataclass(frozen=True)
class Slot:
    """A parameter or a field: its Python type and whether a caller must give it."""

    type: str
    required: bool


Members = dict[str, Slot]


@dataclass(frozen=True)
class Surface:
    functions: dict[str, Members]  # `api.<resource>.<module>` -> parameters
    models: dict[str, Members]  # class name -> fields


def python_type(schema: Any) -> str:
    """The annotation the generator writes for `schema` (see the module docstring for inline models)."""
    if not isinstance(schema, dict):
        return "Any"
    base = _base_type(schema)
    return f"{base} | None" if is_nullable(schema) and base != "None" else base


def _base_type(schema: dict[str, Any]) -> str:
    if isinstance(schema.get("$ref"), str):
        return str(ClassName(ref_name(schema["$ref"]), prefix=""))
    for key in ("anyOf", "oneOf", "allOf"):
        members = [m for m in schema.get(key) or [] if not (isinstance(m, dict) and m.get("type") == "null")]
        if members:
            return " | ".join(sorted({_base_type(m) if isinstance(m, dict) else "Any" for m in members}))
    if schema.get("enum"):
        return "enum"
    kind = schema.get("type")
    kinds = [k for k in ([kind] if isinstance(kind, str) else kind or []) if k != "null"]
    parts = [_kind_type(k, schema) for k in kinds] or ["model" if schema.get("properties") else "Any"]
    return " | ".join(parts)


def _kind_type(kind: str, schema: dict[str, Any]) -> str:
    if kind == "array":
        return f"list[{python_type(schema.get('items'))}]"
    if kind == "object":
        return "model" if schema.get("properties") else "dict[str, Any]"
    if kind == "string":
        return _STRING_FORMATS.get(str(schema.get("format")), "str")
    return _SCALARS.get(kind, "Any")


def identifier(name: str) -> str:
    return str(PythonIdentifier(name, prefix=FIELD_PREFIX))


def parameter_names(parameters: Sequence[tuple[str, str]]) -> list[str]:
    """The generator's Python names for an operation's `(name, location)` parameters, in order.

    The snake_case identifier, except (`Endpoint._check_parameters_for_conflicts`): `client` and `url`
    get `_<location>`; names that snake_case alike within one location keep their spelling
    (`result__id` beside `result_id`); across locations they get `_<location>`.
    """
    bases = [identifier(name) for name, _ in parameters]
    located = list(zip(bases, (location for _, location in parameters), strict=True))
    names = []
    for (name, location), base in zip(parameters, bases, strict=True):
        locations = {other_location for other, other_location in located if other == base}
        if base in RESERVED_PARAMETER_NAMES or len(locations) > 1:
            names.append(f"{base}_{location}")
        elif bases.count(base) > 1:
            names.append(str(PythonIdentifier(name, prefix=FIELD_PREFIX, skip_snake_case=True)))
        else:
            names.append(base)
    return names


def surface_of(document: dict[str, Any]) -> Surface:
    """The functions and models the generator would make from `document`."""
    functions: dict[str, Members] = {}
    names = assigned_names(document)
    for path, method, operation in iter_operations(document):
        module = f"api.{resource_tag(path)}.{names[(path, method)]}"
        functions[module] = _parameters(path, operation, document)
    models: dict[str, Members] = {}
    for name, schema in ((document.get("components") or {}).get("schemas") or {}).items():
        if isinstance(schema, dict):
            # The generator names a model after the schema's `title` when it has one.
            models[str(ClassName(str(schema.get("title") or name), prefix=""))] = _fields(schema)
    return Surface(functions=functions, models=models)


def _parameters(path: str, operation: dict[str, Any], document: dict[str, Any]) -> Members:
    """Parameters by Python name (`parameter_names`), then the body."""
    found = [resolve(document, raw) for raw in raw_parameters(document, path, operation)]
    kept = [p for p in found if isinstance(p, dict) and p.get("in") in ("path", "query", "header")]
    names = parameter_names([(str(p["name"]), str(p["in"])) for p in kept])
    members: Members = {}
    for parameter, name in zip(kept, names, strict=True):
        members[name] = Slot(python_type(parameter.get("schema")), bool(parameter.get("required")))
    body = resolve(document, operation.get("requestBody"))
    if isinstance(body, dict) and body.get("content"):
        content = body["content"]
        media = content.get("application/json") or next(iter(content.values()))
        schema = media.get("schema") if isinstance(media, dict) else None
        members["body"] = Slot(python_type(schema), bool(body.get("required")))
    return members


def _fields(schema: dict[str, Any]) -> Members:
    properties = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    return {identifier(name): Slot(python_type(prop), name in required) for name, prop in properties.items()}
