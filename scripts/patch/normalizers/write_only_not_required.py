"""Drop `writeOnly` properties from `required` in the schemas that responses use.

Why: in OpenAPI, `required` binds a `writeOnly` property only in requests, so a server never
sends it. openapi-python-client ignores `writeOnly` and makes every required property a
required constructor argument of the model, so the model cannot parse a correct response: on
the 2026-08-18 document `TestSetDetail.voice_recording` (four create-from-... operations) and
`KnowledgeBaseFile.file`. A normalizer because the rule is general and the sites move between
versions. The price is that such a field is optional when the model is built for a request; the
server still checks it. Delete when: the generator models `writeOnly` (separate read and write
models).
"""

from typing import Any

from scripts.core.openapi_document import iter_operations, referenced_components
from scripts.core.spec_walk import iter_spec_objects


def normalize(document: dict[str, Any]) -> list[str]:
    changed = []
    for schema_name, schema in _response_schemas(document):
        required = schema.get("required")
        properties = schema.get("properties")
        if not isinstance(required, list) or not isinstance(properties, dict):
            continue
        write_only = [
            n for n in required if isinstance(properties.get(n), dict) and properties[n].get("writeOnly")
        ]
        if write_only:
            schema["required"] = [n for n in required if n not in write_only]
            if not schema["required"]:
                del schema["required"]
            changed += [f"{schema_name}.{name}" for name in write_only]
    if not changed:
        return []
    return [f"made {len(changed)} writeOnly propert(ies) optional in response schemas: {', '.join(changed)}"]


def _response_schemas(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every schema object a response reaches, inline or through `$ref`, with a name for the report."""
    responses = [operation.get("responses", {}) for _, _, operation in iter_operations(document)]
    found: dict[int, tuple[str, dict[str, Any]]] = {}
    for obj in iter_spec_objects(responses):
        found.setdefault(id(obj), ("(inline)", obj))
    schemas = document.get("components", {}).get("schemas", {})
    for section, name in referenced_components(document, responses):
        if section == "schemas":
            for obj in iter_spec_objects(schemas[name]):
                found[id(obj)] = (name, obj)
    return list(found.values())
