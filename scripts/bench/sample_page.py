"""A realistic `call-logs` list page, synthesised from the patched document's own schemas.

Built at bench time from `spec/build/openapi.json`, so no spec data is copied into the repository
and the page follows the schema as it changes. Values come from each property's `example` or
`enum` when the document gives one, else from its type and format (strings are short words),
so every field the client parses is present.
"""

import datetime
from typing import Any

from scripts.core.openapi_document import iter_operations, resolve

LIST_OPERATION = "call_logs_list"
ITEMS_PER_ARRAY = 2
BASE_TIME = datetime.datetime(2026, 3, 15, 10, 15, 45, tzinfo=datetime.UTC)


def list_response_schema(document: dict[str, Any], operation_id: str = LIST_OPERATION) -> dict[str, Any]:
    """The JSON schema of `operation_id`'s 200 response."""
    for _, _, operation in iter_operations(document):
        if operation.get("operationId") == operation_id:
            schema: dict[str, Any] = operation["responses"]["200"]["content"]["application/json"]["schema"]
            return schema
    raise LookupError(f"operation {operation_id} is not in the patched document; rerun `nox -s patch`")


def build_page(document: dict[str, Any], items: int, operation_id: str = LIST_OPERATION) -> dict[str, Any]:
    """A DRF page (`count`, `next`, `previous`, `results`) of `items` synthesised results."""
    page_schema = resolve(document, list_response_schema(document, operation_id))
    item_schema = page_schema["properties"]["results"]["items"]
    results = [sample_value(document, item_schema, index) for index in range(items)]
    return {"count": items, "next": None, "previous": None, "results": results}


def sample_value(document: dict[str, Any], schema: dict[str, Any], index: int, name: str = "value") -> Any:
    """A value valid for `schema`, varied by `index` so items are not all identical."""
    schema = resolve(document, schema)
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return schema["enum"][index % len(schema["enum"])]
    for option in schema.get("allOf", []) + schema.get("anyOf", []) + schema.get("oneOf", []):
        if resolve(document, option).get("type") != "null":
            return sample_value(document, option, index, name)
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        properties = schema.get("properties", {})
        return {key: sample_value(document, prop, index, key) for key, prop in properties.items()}
    if kind == "array":
        item_schema = schema.get("items", {})
        return [sample_value(document, item_schema, index + i, name) for i in range(ITEMS_PER_ARRAY)]
    return sample_scalar(kind, schema, index, name)


def sample_scalar(kind: str, schema: dict[str, Any], index: int, name: str) -> Any:
    if kind == "integer":
        return 1000 + index
    if kind == "number":
        return round(0.5 + index / 1000, 3)
    if kind == "boolean":
        return index % 2 == 0
    if kind == "null":
        return None
    moment = BASE_TIME + datetime.timedelta(minutes=index)
    match schema.get("format"):
        case "date-time":
            return moment.isoformat().replace("+00:00", "Z")
        case "date":
            return moment.date().isoformat()
        case "uuid":
            return f"00000000-0000-4000-8000-{index:012d}"
        case "uri":
            return f"https://example.com/{index}"
    return f"{name}-{index}"[: schema.get("maxLength", 100)]
