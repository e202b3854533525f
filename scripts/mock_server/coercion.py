"""Turn text (a query or path parameter, a form field) into the JSON value it stands for under a schema.

DRF's fields do the same when they read text: `IntegerField` reads "3" as 3, `BooleanField` reads
"true" as true. A value that the schema's types cannot read stays text, so validation reports it.
"""

import json
import math
import re
from collections.abc import Mapping
from typing import Any

from .openapi_index import OpenApiIndex


def coerce(index: OpenApiIndex, schema: Mapping[str, Any], text: str) -> Any:
    """The JSON value a text (a parameter or form field) stands for under `schema`; else the text."""
    types = json_types(index, schema)
    if "integer" in types and re.fullmatch(r"[+-]?\d+(\.0*)?", text.strip()):
        return int(text.strip().split(".")[0])  # DRF's IntegerField also reads "3.0" as 3
    if "number" in types:
        try:
            number = float(text)
        except ValueError:
            pass
        else:
            if math.isfinite(number):
                return int(number) if re.fullmatch(r"[+-]?\d+", text) else number
    if "boolean" in types and text.lower() in {"true", "false"}:
        return text.lower() == "true"
    if "null" in types and text in {"", "null"} and "string" not in types:
        return None
    if types & {"object", "array"} or not types:
        try:
            parsed = json.loads(text)
        except ValueError:
            return text
        return parsed if not types or (isinstance(parsed, dict) and "object" in types) else text
    return text


def json_types(index: OpenApiIndex, schema: Mapping[str, Any]) -> set[str]:
    """The JSON types `schema` allows, looking through `$ref`, `allOf`, `anyOf` and `oneOf`."""
    schema = index.resolve(schema)
    declared = schema.get("type")
    found = {declared} if isinstance(declared, str) else set(declared or ())
    for keyword in ("allOf", "anyOf", "oneOf"):
        for branch in schema.get(keyword, ()):
            found |= json_types(index, branch)
    if not found and "enum" in schema:
        found = {_json_type(v) for v in schema["enum"]}
    if not found and ("properties" in schema or "additionalProperties" in schema):
        found = {"object"}
    return found


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "string"
