"""Compare two JSON Schemas (OpenAPI 3.x) and classify each difference for the side that uses them.

A difference breaks a client or not depending on which way the data flows: a removed enum value
breaks a caller who sends it (request) but not one who reads it (response); a field that became
nullable breaks a reader but not a sender. Each rule below therefore has one verdict per
direction, after oasdiff's checks (ids in brackets), and a schema used both ways takes the worse:

- `type-changed`: type, format, item type or `$ref` target [request-property-type-changed,
  response-property-type-changed]: breaking both ways.
- `became-nullable` [response-property-became-nullable]: breaking in responses only.
- `became-not-nullable` [request-property-became-not-nullable]: breaking in requests only.
- `enum-value-removed` [request-property-enum-value-removed]: breaking in requests only.
- `enum-value-added` [response-property-enum-value-added]: compatible both ways (*).
- `property-added-required` [new-required-request-property]: breaking in requests only.
- `property-added-optional` [new-optional-request-property, response-optional-property-added]:
  compatible.
- `property-removed` [request-property-removed, response-property-removed]: breaking both ways.
- `property-became-required` [request-property-became-required]: breaking in requests only.
- `property-became-optional` [response-property-became-optional]: breaking in responses only.

(*) oasdiff warns on a new response enum value; here it is compatible on the premise that the
client's enums are forward-compatible (accept values they do not know).
A removed property is breaking both ways for a Python caller (oasdiff only warns on the
request side): the model loses the attribute or the constructor argument. As in oasdiff, a
`readOnly` property only counts in responses and a `writeOnly` one only in requests.

Only inline schemas are walked; a `$ref` on both sides to the same component stops the walk,
because components are compared once each (`scripts/update/spec_diff.py`), not once per use.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from scripts.core.openapi_document import is_null_schema, is_nullable, ref_name
from scripts.update.changes import Change

REQUEST = "request"
RESPONSE = "response"

# rule -> (breaking in a request, breaking in a response)
RULES: dict[str, tuple[bool, bool]] = {
    "type-changed": (True, True),
    "became-nullable": (False, True),
    "became-not-nullable": (True, False),
    "enum-value-removed": (True, False),
    "enum-value-added": (False, False),
    "property-added-required": (True, False),
    "property-added-optional": (False, False),
    "property-removed": (True, True),
    "property-became-required": (True, False),
    "property-became-optional": (False, True),
}


@dataclass(frozen=True)
class Site:
    """Where the compared schema sits: the change's `where`, the pointer so far, the rule prefix."""

    where: str
    pointer: str
    prefix: str
    directions: frozenset[str]

    def below(self, step: str) -> "Site":
        return replace(self, pointer=f"{self.pointer}.{step}" if self.pointer else step)

    def change(self, rule: str, detail: str) -> Change:
        in_request, in_response = RULES[rule]
        breaking = (REQUEST in self.directions and in_request) or (
            RESPONSE in self.directions and in_response
        )
        return Change(self.where, self.pointer, f"{self.prefix}-{rule}", detail, breaking)


def shape(schema: Any) -> str:
    """The type of `schema` as one string, ignoring nullability, enum values and properties."""
    if not isinstance(schema, dict):
        return "any"
    if isinstance(schema.get("$ref"), str):
        return ref_name(schema["$ref"])
    for key in ("anyOf", "oneOf"):
        alternatives = [alt for alt in schema.get(key) or [] if not is_null_schema(alt)]
        if len(alternatives) == 1:
            return shape(alternatives[0])
        if alternatives:
            return f"{key}[{', '.join(sorted(shape(alt) for alt in alternatives))}]"
    members = schema.get("allOf") or []
    if len(members) == 1:
        return shape(members[0])
    if members:
        return f"allOf[{', '.join(sorted(shape(member) for member in members))}]"
    kind = schema.get("type")
    kinds = sorted(k for k in ([kind] if isinstance(kind, str) else kind or []) if k != "null")
    if not kinds:
        if "properties" in schema or "additionalProperties" in schema:
            return "object"
        return "enum" if schema.get("enum") else "any"
    parts = []
    for k in kinds:
        if k == "array":
            parts.append(f"array[{shape(schema.get('items'))}]")
        elif isinstance(schema.get("format"), str):
            parts.append(f"{k}({schema['format']})")
        else:
            parts.append(k)
    return " | ".join(parts)


def enum_values(schema: Any) -> set[str]:
    """The non-null enum values, as JSON-ish text so that `1` and `"1"` stay apart."""
    if not isinstance(schema, dict):
        return set()
    return {repr(value) for value in schema.get("enum") or [] if value is not None}


def compare_schemas(old: Any, new: Any, site: Site) -> list[Change]:
    """Every classified difference between `old` and `new` at `site`, walking inline schemas."""
    old_shape, new_shape = shape(old), shape(new)
    if old_shape != new_shape:
        return [site.change("type-changed", f"type {old_shape} -> {new_shape}")]
    changes = []
    if is_nullable(old) != is_nullable(new):
        rule = "became-nullable" if is_nullable(new) else "became-not-nullable"
        changes.append(site.change(rule, rule.replace("-", " ")))
    if not (isinstance(old, dict) and isinstance(new, dict)) or "$ref" in old or "$ref" in new:
        return changes
    old_values, new_values = enum_values(old), enum_values(new)
    if old_values or new_values:
        changes += [
            site.change("enum-value-removed", f"enum value {v} removed")
            for v in sorted(old_values - new_values)
        ]
        changes += [
            site.change("enum-value-added", f"enum value {v} added") for v in sorted(new_values - old_values)
        ]
    if "items" in old and "items" in new:
        changes += compare_schemas(old["items"], new["items"], site.below("[]"))
    for key in ("anyOf", "oneOf", "allOf"):
        changes += _compare_alternatives(old.get(key) or [], new.get(key) or [], site)
    changes += _compare_properties(old, new, site)
    return changes


def _compare_alternatives(old: list[Any], new: list[Any], site: Site) -> list[Change]:
    """Walk inline alternatives pairwise; their shapes already match, so pair them in shape order."""
    old_sorted = sorted((alt for alt in old if not is_null_schema(alt)), key=shape)
    new_sorted = sorted((alt for alt in new if not is_null_schema(alt)), key=shape)
    if len(old_sorted) != len(new_sorted):
        return []
    return [
        change
        for a, b in zip(old_sorted, new_sorted, strict=True)
        for change in compare_schemas(a, b, site.below(f"<{shape(a)}>") if len(old_sorted) > 1 else site)
    ]


def _property_site(site: Site, name: str, schemas: Iterable[Any]) -> Site:
    """`readOnly` properties only travel in responses, `writeOnly` ones only in requests."""
    directions = set(site.directions)
    for schema in schemas:
        if isinstance(schema, dict) and schema.get("readOnly") is True:
            directions.discard(REQUEST)
        if isinstance(schema, dict) and schema.get("writeOnly") is True:
            directions.discard(RESPONSE)
    return replace(site.below(name), directions=frozenset(directions))


def _compare_properties(old: dict[str, Any], new: dict[str, Any], site: Site) -> list[Change]:
    old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
    if not isinstance(old_props, dict) or not isinstance(new_props, dict):
        return []
    old_required, new_required = set(old.get("required") or []), set(new.get("required") or [])
    changes = []
    for name in new_props.keys() - old_props.keys():
        at = _property_site(site, name, [new_props[name]])
        required = name in new_required
        rule = "property-added-required" if required else "property-added-optional"
        changes.append(at.change(rule, f"{'required' if required else 'optional'} property added"))
    for name in old_props.keys() - new_props.keys():
        changes.append(
            _property_site(site, name, [old_props[name]]).change("property-removed", "property removed")
        )
    for name in old_props.keys() & new_props.keys():
        at = _property_site(site, name, [old_props[name], new_props[name]])
        if (name in old_required) != (name in new_required):
            rule = "property-became-required" if name in new_required else "property-became-optional"
            changes.append(at.change(rule, rule.removeprefix("property-").replace("-", " ")))
        changes += compare_schemas(old_props[name], new_props[name], at)
    return changes
