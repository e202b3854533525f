"""Hooks for `schemathesis run` against the mock, loaded through `SCHEMATHESIS_HOOKS`.

Schemathesis writes form bodies its own way: `null` as the text "null", a list as one value per
item (so a wrong-typed scalar reads back as a one-item list), an object as JSON text. Django REST
framework, and the mock that reads forms by its rules (`scripts/mock_server/drf_form.py`), read
many of those as other values, so the positive and negative checks on a form body would judge
schemathesis's encoding, not the server. Where an operation also takes JSON (450 of the 453 that
take a form on the 2026-08-18 document), the run sends JSON; the three multipart-only operations
(`condition-audio` uploads) keep multipart. The client's form and multipart bodies are checked
against the same reader by `test_request_conformance`.
"""

from typing import Any

import schemathesis

from scripts.core.spec_walk import iter_spec_objects

FORM_MEDIA_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@schemathesis.hook
def before_load_schema(context: Any, raw_schema: dict[str, Any]) -> None:
    for path_item in raw_schema.get("paths", {}).values():
        for operation in path_item.values():
            content = operation.get("requestBody", {}).get("content") if isinstance(operation, dict) else None
            if content and "application/json" in content:
                for media_type in FORM_MEDIA_TYPES:
                    content.pop(media_type, None)
    for schema in iter_spec_objects(raw_schema):
        split_nullable_format(schema)


def split_nullable_format(schema: dict[str, Any]) -> None:
    """`{type: [string, null], format: date-time}` as `anyOf: [{type: string, format: date-time},
    {type: null}]`, which means the same. Schemathesis's coverage phase draws `""` as a valid value of
    the first spelling (the format ignored, schemathesis issue #4592) and reports the 400 a date-time
    field answers to it as a valid request rejected."""
    types = schema.get("type")
    if isinstance(types, list) and len(types) == 2 and "null" in types and "format" in schema:
        if "anyOf" in schema:
            return
        (kind,) = [t for t in types if t != "null"]
        schema["anyOf"] = [{"type": kind, "format": schema.pop("format")}, {"type": "null"}]
        del schema["type"]
