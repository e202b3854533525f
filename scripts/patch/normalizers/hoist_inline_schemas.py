"""Hoist repeated inline enums and objects into shared `components.schemas` entries.

Upstream defect: the document repeats structurally identical inline schemas instead of
referencing one component, so openapi-python-client makes one model per copy. Evidence
(2026-08-18 document, api_key operations): the run-status enum `[pending, running, completed,
failed]` is inlined 78 times and became 78 Python enums; 686 of the 724 inline enums and
objects share one of 76 shapes, and the client had 1235 model modules (563 after this fix).
Delete when: this normalizer reports nothing hoisted upstream.

Candidates are the inline schemas the generator turns into a class: enums (not boolean) and
objects with properties, anywhere below a component or an operation; `$ref`s and top-level
component values are not. Two candidates are the same when their canonical forms match:
annotations (`description`, `title`, `example(s)`, `deprecated`, `$comment`) are ignored at
every depth, and so is the order of `enum`, `type` and `required` entries; `default`,
`readOnly` and `writeOnly` count below the candidate's root (they change generated code or
validation) but at its root they stay on the referencing site. A structure found at least
twice becomes a component; a candidate equal to an existing component becomes a `$ref` to it.
Sites are rewritten bottom-up, so the hoisted body of an outer schema refers to hoisted inner
ones. Each site becomes `{"$ref": ...}` plus its own root annotations as siblings (the
generator ignores them); a site with a `default` becomes `{"allOf": [{"$ref": ...}],
"default": ...}`, the form from which the generator keeps it. A hoisted body is the first
occurrence's in document order, keeping `description` only if all occurrences agree.

Naming rule. Each site has a slot name: the property or parameter name in PascalCase, with
`Item` appended for array items and `Value` for additional properties; `RequestBody` for a
request body; the status phrase plus `Response` for a response (`NotFoundResponse`). A
group's base name is its most common slot name, plus `Enum` for an enum. When several groups
want the same base, or the base is taken by an existing component or by a name the generator
derives from an operationId (`<Op>Body`, `<Op>Response404`, ...), the group is named
`<Qualifier><Base>`, the qualifier being the most common name of the enclosing model (an
inline model's slot name, a component name or the operationId); if that is taken too, by a
group earlier in document order, the next most common qualifier, and at last a number.
"Most common" breaks ties by the shortest, then alphabetical order, not by position. So a
name changes only when its own occurrences change or when another group starts or stops
wanting the same name. Names the generator derives for schemas left inline are not checked;
a clash there would show up as a generator warning.
"""

import itertools
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from scripts.core.errors import PatchError
from scripts.core.openapi_document import HTTP_METHODS, iter_operations, iter_path_items

SCHEMA_PREFIX = "#/components/schemas/"

ANNOTATION_KEYS = frozenset({"description", "title", "example", "examples", "deprecated", "$comment"})
SITE_KEYS = ANNOTATION_KEYS | {"default", "readOnly", "writeOnly"}
SET_KEYWORDS = frozenset({"enum", "type", "required"})  # lists whose order means nothing

# Where subschemas sit, and what their slot name is: the map key (None) or parent slot + suffix.
SCHEMA_MAPS = {
    "properties": None,
    "dependentSchemas": None,
    "$defs": None,
    "patternProperties": "Value",
}
SCHEMA_LISTS = {"allOf": "", "anyOf": "", "oneOf": "", "prefixItems": "Item", "items": "Item"}
SCHEMA_VALUES = {
    "items": "Item", "contains": "Item", "unevaluatedItems": "Item",
    "additionalProperties": "Value", "unevaluatedProperties": "Value",
    "not": "", "if": "", "then": "", "else": "", "propertyNames": "", "contentSchema": "",
}  # fmt: skip


@dataclass(frozen=True)
class Names:
    """What a position suggests as names: its own, its enclosing model's, and its properties'."""

    slot: str
    qualifier: str
    context: str

    def child(self, key: str, suffix: str | None) -> "Names":
        """A map entry is named by its key (qualified by this model); others extend this slot."""
        if suffix is None:
            slot = pascal_case(key)
            return Names(slot, self.context, slot)
        return Names(self.slot + suffix, self.qualifier, self.slot + suffix)


@dataclass(frozen=True)
class Occurrence:
    container: dict[str, Any] | list[Any]
    key: str | int
    node: dict[str, Any]
    names: Names
    shape: int
    order: int


@dataclass(frozen=True)
class Group:
    """The occurrences of one shape, in document order."""

    occurrences: tuple[Occurrence, ...]

    @property
    def is_enum(self) -> bool:
        return "enum" in self.occurrences[0].node

    @property
    def base_name(self) -> str:
        base = ranked(occ.names.slot for occ in self.occurrences)[0]
        return base + "Enum" if self.is_enum and not base.endswith("Enum") else base

    def qualified_names(self) -> Iterator[str]:
        """`<Qualifier><Base>` for each qualifier, most common first, then numbered."""
        qualifiers = ranked(occ.names.qualifier for occ in self.occurrences)
        yield from (qualifier + self.base_name for qualifier in qualifiers)
        fallback = qualifiers[0] + self.base_name
        fallback = fallback if fallback[:1].isalpha() else "Schema" + fallback
        yield from (f"{fallback}{n}" for n in itertools.count(2))


class Indexer:
    """Gives every schema a canonical shape id, bottom-up, and records the inline candidates.

    Shapes are interned tuples whose subschemas are ids, so each node is hashed once.
    """

    def __init__(self) -> None:
        self.shapes: dict[tuple[Any, ...], int] = {}
        self.occurrences: list[Occurrence] = []  # children before parents
        self.components: dict[int, str] = {}  # root shape -> first component with it
        self._order = itertools.count()

    def component(self, name: str, node: Any) -> None:
        names = Names(name, name, name)
        shapes = self.shapes_of(node, names)
        if shapes is not None and isinstance(node, dict) and is_candidate(node):
            self.components.setdefault(shapes[1], name)

    def inline(self, container: dict[str, Any] | list[Any], key: str | int, names: Names) -> int:
        """Index the schema at `container[key]`; return its shape as its parent sees it."""
        node = container[key]  # type: ignore[index]
        shapes = self.shapes_of(node, names)
        if shapes is None:
            return self.intern(("literal", freeze(node)))
        shape, root_shape, order = shapes
        if is_candidate(node):
            self.occurrences.append(Occurrence(container, key, node, names, root_shape, order))
        return shape

    def shapes_of(self, node: Any, names: Names) -> tuple[int, int, int] | None:
        """(shape, shape without site keys, pre-order position), or None for a non-object."""
        if not isinstance(node, dict):
            return None
        order = next(self._order)
        items = sorted((key, self.keyword(node, key, names)) for key in node if key not in ANNOTATION_KEYS)
        root_items = [item for item in items if item[0] not in SITE_KEYS]
        root_shape = self.intern(("schema", *root_items))
        shape = root_shape if len(root_items) == len(items) else self.intern(("schema", *items))
        return shape, root_shape, order

    def keyword(self, node: dict[str, Any], key: str, names: Names) -> Any:
        """One keyword's canonical value: shape ids for subschemas, JSON text for the rest."""
        value = node[key]
        if key in SCHEMA_MAPS and isinstance(value, dict):
            suffix = SCHEMA_MAPS[key]
            entries = [(name, self.inline(value, name, names.child(name, suffix))) for name in value]
            return tuple(sorted(entries))
        if key in SCHEMA_LISTS and isinstance(value, list):
            suffix = SCHEMA_LISTS[key]
            return tuple(self.inline(value, index, names.child("", suffix)) for index in range(len(value)))
        if key in SCHEMA_VALUES:
            return self.inline(node, key, names.child("", SCHEMA_VALUES[key]))
        if key in SET_KEYWORDS and isinstance(value, list):
            return freeze(sorted(map(freeze, value)))
        return freeze(value)

    def intern(self, key: tuple[Any, ...]) -> int:
        return self.shapes.setdefault(key, len(self.shapes))


def normalize(document: dict[str, Any]) -> list[str]:
    schemas = schema_components(document)
    indexer = Indexer()
    for section in document:  # document order decides which occurrence is first
        if section == "paths":
            for container, key, names in operation_schemas(document):
                indexer.inline(container, key, names)
        elif section == "components":
            for name, node in schemas.items():
                indexer.component(name, node)

    groups = group_occurrences(indexer.occurrences)
    targets = {shape: name for shape, name in indexer.components.items() if shape in groups}
    to_hoist = [
        group for shape, group in groups.items() if shape not in targets and len(group.occurrences) > 1
    ]
    new_names = assign_names(to_hoist, reserved_names(document, schemas))
    targets.update(new_names)

    bodies = rewrite_sites(indexer.occurrences, groups, targets, set(new_names.values()))
    for name in sorted(bodies):
        schemas[name] = bodies[name]
    return report(groups, targets, new_names)


def schema_components(document: dict[str, Any]) -> dict[str, Any]:
    components = document.setdefault("components", {})
    if not isinstance(components, dict) or not isinstance(components.setdefault("schemas", {}), dict):
        raise PatchError("hoist_inline_schemas: `components.schemas` is not an object")
    schemas: dict[str, Any] = components["schemas"]
    return schemas


def operation_schemas(document: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str, Names]]:
    """Every schema at the root of a parameter, request body or response, in document order."""
    for path, item in iter_path_items(document):
        path_names = pascal_case(path)
        yield from parameter_schemas(item.get("parameters"), path_names)
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            owner = pascal_case(str(operation.get("operationId") or f"{method} {path}"))
            yield from parameter_schemas(operation.get("parameters"), owner)
            body = operation.get("requestBody")
            if isinstance(body, dict):
                yield from media_schemas(body, Names("RequestBody", owner, owner))
            for status, response in (operation.get("responses") or {}).items():
                if isinstance(response, dict):
                    yield from media_schemas(response, Names(response_slot(status), owner, owner))


def parameter_schemas(parameters: Any, owner: str) -> Iterator[tuple[dict[str, Any], str, Names]]:
    for parameter in parameters if isinstance(parameters, list) else []:
        if isinstance(parameter, dict) and "$ref" not in parameter:
            names = Names(pascal_case(str(parameter.get("name", ""))), owner, owner)
            if "schema" in parameter:
                yield parameter, "schema", names
            yield from media_schemas(parameter, names)


def media_schemas(holder: dict[str, Any], names: Names) -> Iterator[tuple[dict[str, Any], str, Names]]:
    content = holder.get("content")
    for media in content.values() if isinstance(content, dict) else []:
        if isinstance(media, dict) and "schema" in media:
            yield media, "schema", names


def group_occurrences(occurrences: list[Occurrence]) -> dict[int, Group]:
    by_shape: dict[int, list[Occurrence]] = {}
    for occurrence in occurrences:
        by_shape.setdefault(occurrence.shape, []).append(occurrence)
    return {
        shape: Group(tuple(sorted(found, key=lambda occ: occ.order))) for shape, found in by_shape.items()
    }


def reserved_names(document: dict[str, Any], schemas: dict[str, Any]) -> set[str]:
    """Name keys already used by components or derived by the generator from operationIds."""
    reserved = {name_key(name) for name in schemas}
    for _, _, operation in iter_operations(document):
        if operation.get("operationId"):
            owner = name_key(str(operation["operationId"]))
            reserved.update(owner + kind + "body" for kind in ("", "json", "data", "files"))
            reserved.update(
                owner + "response" + name_key(str(status)) for status in operation.get("responses") or {}
            )
    return reserved


def assign_names(groups: list[Group], reserved: set[str]) -> dict[int, str]:
    """Component name per group shape; see the module docstring for the rule."""
    wanted = Counter(name_key(group.base_name) for group in groups)
    taken = set(reserved)
    names: dict[int, str] = {}
    for group in sorted(groups, key=lambda group: group.occurrences[0].order):
        base = group.base_name
        preferred = [base] if wanted[name_key(base)] == 1 and base[:1].isalpha() else []
        name = next(
            name
            for name in itertools.chain(preferred, group.qualified_names())
            if name[:1].isalpha() and name_key(name) not in taken
        )
        taken.add(name_key(name))
        names[group.occurrences[0].shape] = name
    return names


def rewrite_sites(
    occurrences: list[Occurrence],
    groups: dict[int, Group],
    targets: dict[int, str],
    new_names: set[str],
) -> dict[str, dict[str, Any]]:
    """Replace each site by a reference, children first; return the new components' bodies."""
    bodies: dict[str, dict[str, Any]] = {}
    for occurrence in occurrences:
        name = targets.get(occurrence.shape)
        if name is None:
            continue
        group = groups[occurrence.shape]
        if name in new_names and occurrence is group.occurrences[0]:
            bodies[name] = component_body(group)
        occurrence.container[occurrence.key] = reference(name, occurrence.node)  # type: ignore[index]
    return bodies


def component_body(group: Group) -> dict[str, Any]:
    """The first occurrence without its site keys; `description` kept when all agree."""
    descriptions = {freeze(occ.node.get("description")) for occ in group.occurrences}
    keep = {"description"} if len(descriptions) == 1 else set()
    first = group.occurrences[0].node
    return {key: value for key, value in first.items() if key not in SITE_KEYS or key in keep}


def reference(name: str, node: dict[str, Any]) -> dict[str, Any]:
    ref = {"$ref": SCHEMA_PREFIX + name}
    annotations = {key: value for key, value in node.items() if key in SITE_KEYS}
    if "default" in annotations:
        return {"allOf": [ref], **annotations}
    return {**ref, **annotations}


def report(groups: dict[int, Group], targets: dict[int, str], new: dict[int, str]) -> list[str]:
    hoisted = sorted(new, key=lambda shape: (-len(groups[shape].occurrences), new[shape]))
    existing = [shape for shape in targets if shape not in new]
    lines = []
    if hoisted:
        sites = sum(len(groups[shape].occurrences) for shape in hoisted)
        examples = ", ".join(f"{new[shape]} ({len(groups[shape].occurrences)})" for shape in hoisted[:3])
        lines.append(
            f"hoisted {len(hoisted)} repeated inline schema(s) into new components, replacing "
            f"{sites} inline occurrence(s) by $ref; most repeated: {examples}"
        )
    if existing:
        sites = sum(len(groups[shape].occurrences) for shape in existing)
        lines.append(
            f"replaced {sites} inline schema(s) by $ref to {len(existing)} equal existing "
            f"component(s), e.g. {targets[existing[0]]}"
        )
    return lines


def ranked(values: Iterable[str]) -> list[str]:
    """Distinct values, most frequent first; ties go to the shortest, then alphabetical order."""
    counts = Counter(values)
    return sorted(counts, key=lambda value: (-counts[value], len(value), value))


def is_candidate(node: dict[str, Any]) -> bool:
    """Whether the generator would make a class of this inline schema."""
    if "$ref" in node:
        return False
    if "enum" in node:
        return node.get("type") != "boolean"
    properties = node.get("properties")
    return isinstance(properties, dict) and bool(properties)


def freeze(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def pascal_case(text: str) -> str:
    return "".join(word[0].upper() + word[1:] for word in _WORD.findall(text))


def name_key(name: str) -> str:
    """What two names must not share: the generator would give them one Python class name."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def response_slot(status: str) -> str:
    """`NotFoundResponse` for 404; `DefaultResponse`, `2XXResponse` for the non-numeric ones."""
    try:
        phrase = HTTPStatus(int(status)).phrase.title()
    except ValueError:
        phrase = status
    return pascal_case(phrase) + "Response"
