"""The smallest valid JSON value of a schema in the patched document, for calling every operation.

Required properties only, the first enum value, the lowest allowed number, lists of one item (an
empty list is what a form cannot say). It covers what the patched document uses; property-based
coverage of all values belongs to the contract tests.
"""

from typing import Any

Schema = dict[str, Any]
_STRINGS = {
    "date-time": "2026-01-01T00:00:00Z",
    "date": "2026-01-01",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "email": "user@example.com",
    "uri": "https://example.com/",
    "binary": b"RIFF",
}


def minimal_value(schema: Schema, components: dict[str, Schema], depth: int = 0) -> Any:
    if depth > 20:
        raise ValueError("schema nests more than 20 levels deep: a required cycle?")
    if "$ref" in schema:
        return minimal_value(components[schema["$ref"].rsplit("/", 1)[-1]], components, depth + 1)
    for keyword in ("allOf", "oneOf", "anyOf"):
        if schema.get(keyword):
            options = [option for option in schema[keyword] if option.get("type") != "null"]
            return minimal_value(options[0] if options else {}, components, depth + 1)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return next((value for value in schema["enum"] if value is not None), None)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        return {
            name: minimal_value(schema["properties"][name], components, depth + 1)
            for name in schema.get("required", ())
            if name in schema.get("properties", {})
        }
    if kind == "array":
        item = minimal_value(schema.get("items", {}), components, depth + 1)
        return [item] * max(1, schema.get("minItems", 1))
    if kind == "string":
        return _STRINGS.get(schema.get("format", ""), "x" * max(1, schema.get("minLength", 1)))
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return float(max(1, schema.get("minimum", 1)))
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return "any"
