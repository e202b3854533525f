"""What the toolchain needs to know about the shape of an OpenAPI document, in one place.

JSON pointers (RFC 6901) are spelt and read only here (`escape_token`, `pointer`, `lookup`), and
`$ref`s are followed only here (`resolve`). The one failure behaviour: a reference that is not
local (`#/...`), points at nothing or loops back on itself raises `UnresolvedReference`, a
`ToolchainError` naming the reference. Every document the toolchain reads is expected to hold its
references; a caller that accepts a broken one catches the error where it can say what to do.
"""

from collections.abc import Iterable, Iterator
from typing import Any

from scripts.core.errors import ToolchainError
from scripts.core.spec_walk import iter_spec_objects

# The fixed fields of a Path Item Object that hold an Operation Object (OpenAPI 3.1).
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_COMPONENT_REF_PREFIX = "#/components/"


class UnresolvedReference(ToolchainError):
    """A `$ref` or pointer that names nothing in the document (or is not local, or loops)."""


def escape_token(token: str | int) -> str:
    """One reference token of a JSON pointer: `~` is `~0`, `/` is `~1` (RFC 6901)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def pointer(tokens: Iterable[str | int]) -> str:
    """The JSON pointer of a path of keys and indexes: `("paths", "/a/")` is `/paths/~1a~1`."""
    return "".join("/" + escape_token(token) for token in tokens)


def lookup(document: Any, at: str) -> Any:
    """The node at the JSON pointer `at` (`""` is the document); `UnresolvedReference` if none."""
    if at and not at.startswith("/"):
        raise UnresolvedReference(f"{at!r} is not a JSON pointer (it must start with `/`)")
    node = document
    for raw in at.split("/")[1:]:
        token = unescape_token(raw)
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise UnresolvedReference(f"{at!r} points at nothing in the document")
    return node


def resolve_located(document: Any, node: Any, at: str = "") -> tuple[str, Any]:
    """Follow `node`'s `$ref`s to a node that is not a reference; return its pointer and itself.

    `at` is where `node` itself sits, returned as is when `node` is no reference. Anything but an
    object with a string `$ref` is returned unchanged (None included), so optional fields resolve
    without a check; keywords beside a `$ref` are ignored, as the generator ignores them.
    """
    seen: list[str] = []
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref: str = node["$ref"]
        if ref in seen:
            raise UnresolvedReference(f"reference {ref!r} loops: {' -> '.join([*seen, ref])}")
        seen.append(ref)
        at, node = ref[1:], lookup_reference(document, ref)
    return at, node


def resolve(document: Any, node: Any) -> Any:
    """`node` with its `$ref`s followed (see `resolve_located` for what is left unchanged)."""
    return resolve_located(document, node)[1]


def ref_name(ref: str) -> str:
    """The last token of a reference: the component's name for `#/components/schemas/Name`."""
    return unescape_token(ref.rsplit("/", 1)[-1])


def is_null_schema(schema: Any) -> bool:
    """True for the `{type: null}` alternative of a union (a `description` beside it allowed)."""
    return isinstance(schema, dict) and schema.get("type") == "null" and len(schema) <= 2


def is_nullable(schema: Any) -> bool:
    """True if `null` is valid: `type` lists it, `nullable: true`, a null alternative or enum value."""
    if not isinstance(schema, dict):
        return False
    kind = schema.get("type")
    if schema.get("nullable") is True or kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    if any(is_null_schema(alt) for key in ("anyOf", "oneOf") for alt in schema.get(key) or []):
        return True
    return None in (schema.get("enum") or [])


def iter_path_items(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield every `(path, path item)` of `document["paths"]`, skipping what is not an object."""
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return
    for path, item in paths.items():
        if isinstance(item, dict):
            yield path, item


def iter_operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield every `(path, method, operation)` of `document["paths"]`, in document order.

    Anything that is not an object where one is expected (`paths`, a path item, an operation)
    is skipped, so callers that must reject such a document check it themselves.
    """
    for path, item in iter_path_items(document):
        for method, operation in item.items():
            if method in HTTP_METHODS and isinstance(operation, dict):
                yield path, method, operation


def raw_parameters(document: dict[str, Any], path: str, operation: dict[str, Any]) -> list[Any]:
    """The operation's parameters as written, the path item's first, `$ref`s not followed."""
    item = document["paths"][path]
    return [*(item.get("parameters") or []), *(operation.get("parameters") or [])]


def referenced_components(document: dict[str, Any], node: Any) -> list[tuple[str, str]]:
    """Return `(section, name)` of each component `node` references, transitively, depth first.

    The order is that of first reference, which is the order the pages list their schemas in.
    """
    found: dict[tuple[str, str], None] = {}
    stack: list[Iterator[str]] = [_refs_in(node)]
    while stack:
        ref = next(stack[-1], None)
        if ref is None:
            stack.pop()
            continue
        key = _component_key(ref)
        if key in found:
            continue
        found[key] = None
        stack.append(_refs_in(lookup_reference(document, ref)))
    return list(found)


def lookup_reference(document: Any, ref: str) -> Any:
    """The node one `$ref` names, without following any further reference."""
    if not ref.startswith("#"):
        raise UnresolvedReference(f"reference {ref!r} is not local to the document (`#/...`)")
    try:
        return lookup(document, ref[1:])
    except UnresolvedReference:
        raise UnresolvedReference(f"reference {ref!r} points at nothing") from None


def _refs_in(node: Any) -> Iterator[str]:
    """Yield the `$ref` values of the spec objects in `node`, in document order."""
    for obj in iter_spec_objects(node):
        ref = obj.get("$ref")
        if isinstance(ref, str):
            yield ref


def _component_key(ref: str) -> tuple[str, str]:
    parts = ref.removeprefix(_COMPONENT_REF_PREFIX).split("/")
    if not ref.startswith(_COMPONENT_REF_PREFIX) or len(parts) != 2:
        raise UnresolvedReference(f"reference {ref!r} is not a local #/components/<section>/<name>")
    section, name = (unescape_token(part) for part in parts)
    return section, name
