"""Rewrite the OpenAPI 3.0 `nullable` keyword as an OpenAPI 3.1 (JSON Schema) type union.

Upstream defect: the 3.1 document still says `nullable: true` in 52 schemas (the `next` and
`previous` links of the `Paginated*` pages among them). 3.1 dropped the keyword: a JSON Schema
validator ignores it, so `null` fails validation against `type: string`, and tools disagree on
whether null is allowed. A normalizer because the sites move between versions and an overlay would
have to name each one. Delete when: upstream has no `nullable` keyword left.

`type: X` becomes `type: [X, "null"]` (and `null` joins an `enum`); a `$ref` or composition
becomes `anyOf: [<it>, {type: "null"}]`; a schema without a type already allows null and only
loses the keyword. `nullable: false` is dropped.
"""

from typing import Any

from scripts.core.spec_walk import iter_spec_objects

_COMPOSED = ("$ref", "allOf", "anyOf", "oneOf")
_NULL_SCHEMA = {"type": "null"}


def normalize(document: dict[str, Any]) -> list[str]:
    rewritten = 0
    for schema in iter_spec_objects(document):
        if "nullable" not in schema:
            continue
        if schema.pop("nullable") is True:
            _allow_null(schema)
        rewritten += 1
    return [f"rewrote {rewritten} `nullable` keyword(s) as type unions"] if rewritten else []


def _allow_null(schema: dict[str, Any]) -> None:
    kind = schema.get("type")
    if kind is not None:
        kinds = kind if isinstance(kind, list) else [kind]
        schema["type"] = kinds if "null" in kinds else [*kinds, "null"]
        if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
            schema["enum"].append(None)
        return
    composed = {key: schema[key] for key in _COMPOSED if key in schema}
    if not composed:
        return  # no type: null is already allowed
    if list(composed) == ["anyOf"] or list(composed) == ["oneOf"]:
        members = next(iter(composed.values()))
        if _NULL_SCHEMA not in members:
            members.append(dict(_NULL_SCHEMA))
        return
    for key in composed:
        del schema[key]
    schema["anyOf"] = [composed, dict(_NULL_SCHEMA)]
