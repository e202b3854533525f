"""Which request body properties forbid a blank string: the table behind the form encoders' refusal.

drf-spectacular publishes a `CharField` that does not allow blank strings as `minLength: 1`. DRF
refuses `""` for it from JSON ("This field may not be blank."), but from a form (a `QueryDict`, or
the dicts `parse_html_dict`/`parse_html_list` make of nested keys) `Field.get_value` reads an empty
value as null when the field is nullable and as absent when it is optional, so the value the JSON
body would refuse is silently dropped. `form_encoding` refuses `""` for the schema paths listed here.

Only object properties are listed: a string item of a list (`ListField(child=CharField())`) or a
value of a free-form object (`DictField`) is validated as it is, so `""` there is refused from a
form as from JSON. A union of several types is read as JSON text (`json_fields`), where `""` is
not blank.

The table is keyed by the body model's class name, read from each endpoint module's
`_BODY_FORMATS` (one `body_formats(Model, media types...)` call per body model), so the endpoint
template needs no change. Paths are relative to the model (a list body's `[].` is added by
`request_body`), in `form_encoding`'s syntax: `name`, `voice.name`, `steps[].text`. A model already on
the path is not entered again (as for `json_fields`): a blank string deeper in a recursive model is
sent.
"""

import ast
from pathlib import Path
from typing import Any

from scripts.core.errors import ToolchainError
from scripts.core.openapi_document import iter_operations, ref_name, resolve

FORM_MEDIA_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
BODY_FORMATS = "_BODY_FORMATS"  # the endpoint module's table of body models and media types
Schema = dict[str, Any]


def non_blank_paths(schema: Any, document: Any, path: str = "", seen: tuple[str, ...] = ()) -> set[str]:
    """The paths below `schema` of the object properties whose schema forbids a blank string."""
    if not isinstance(schema, dict):
        return set()
    if "$ref" in schema:
        name = ref_name(schema["$ref"])
        if name in seen:  # a model already on the path: its properties are listed there
            return set()
        return non_blank_paths(resolve(document, schema), document, path, (*seen, name))
    inner = _single_type(schema)
    if inner is None:
        return set()  # a union of several types: a JSON-valued field, where "" is not blank
    if inner is not schema:
        return non_blank_paths(inner, document, path, seen)
    found: set[str] = set()
    for option in schema.get("allOf", ()):
        found |= non_blank_paths(option, document, path, seen)
    for name, value in (schema.get("properties") or {}).items():
        child = f"{path}.{name}" if path else str(name)
        if _forbids_blank(value, document):
            found.add(child)
        found |= non_blank_paths(value, document, child, seen)
    if "items" in schema:
        found |= non_blank_paths(schema["items"], document, f"{path}[]", seen)
    return found


def _single_type(schema: Schema) -> Schema | None:
    """`schema` itself, its one non-null alternative (`anyOf`/`oneOf`), or None for a union."""
    kinds = schema.get("type")
    if isinstance(kinds, list) and len([kind for kind in kinds if kind != "null"]) > 1:
        return None
    for keyword in ("anyOf", "oneOf"):
        options = [option for option in schema.get(keyword) or () if option.get("type") != "null"]
        if len(options) > 1:
            return None
        if options:
            return {**{k: v for k, v in schema.items() if k != keyword}, **options[0]}
    return schema


def _forbids_blank(schema: Any, document: Any) -> bool:
    """Whether a string property's schema (a reference, or nullable, included) has `minLength` >= 1."""
    resolved = resolve(document, schema)
    if not isinstance(resolved, dict):
        return False
    inner = _single_type(resolved)
    if inner is not None and inner is not resolved:
        return _forbids_blank(inner, document)
    minimum = (inner or {}).get("minLength", 0)
    return isinstance(minimum, int) and minimum >= 1


def body_models(source: str) -> list[tuple[str, tuple[str, ...], bool]]:
    """(model class, media types, many) of each `body_formats(...)` call in an endpoint module's
    `_BODY_FORMATS`; empty for a module without a body."""
    if BODY_FORMATS not in source:
        return []
    found = []
    for node in ast.parse(source).body:
        if not (
            isinstance(node, ast.Assign) and any(getattr(t, "id", "") == BODY_FORMATS for t in node.targets)
        ):
            continue
        for call in ast.walk(node.value):
            if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "body_formats":
                model, *media_types = call.args
                many = any(
                    k.arg == "many" and getattr(k.value, "value", False) is True for k in call.keywords
                )
                found.append((ast.unparse(model), tuple(str(ast.literal_eval(m)) for m in media_types), many))
    return found


def non_blank_table(package: Path, document: Schema) -> dict[str, frozenset[str]]:
    """Body model class name -> the paths of its properties that forbid a blank string, for every
    model an endpoint of `package` sends as a form or multipart body (models without any left out)."""
    operations = {str(operation["operationId"]): operation for _, _, operation in iter_operations(document)}
    by_model: dict[str, tuple[frozenset[str], str]] = {}
    for module in sorted((package / "api").glob("*/*.py")):
        for model, media_types, many in body_models(module.read_text(encoding="utf-8")):
            for media_type in FORM_MEDIA_TYPES.intersection(media_types):
                where = f"{module.stem} {media_type}"
                body = resolve(document, operations[module.stem]["requestBody"])
                schema = resolve(document, body["content"][media_type]["schema"])
                paths = frozenset(non_blank_paths(schema.get("items") if many else schema, document))
                earlier = by_model.setdefault(model, (paths, where))
                if earlier[0] != paths:
                    raise ToolchainError(
                        f"non_blank_fields: {model} forbids blank strings at {sorted(paths)} for {where}, "
                        f"at {sorted(earlier[0])} for {earlier[1]}"
                    )
    return {model: paths for model, (paths, _) in sorted(by_model.items()) if paths}


def render(table: dict[str, frozenset[str]]) -> str:
    """The text of the generated `non_blank_fields.py`."""
    entries = "".join(f"    {model!r}: frozenset({sorted(paths)!r}),\n" for model, paths in table.items())
    return (
        '"""The form and multipart body models\' properties whose schema forbids a blank string\n'
        "(`minLength` >= 1), by model class; read from the spec by `scripts/generate/non_blank_fields.py`.\n"
        '`form_encoding` refuses `""` there: DRF reads it from a form as absent or null, not as blank."""\n\n'
        f"NON_BLANK_FIELDS: dict[str, frozenset[str]] = {{\n{entries}}}\n"
    )
