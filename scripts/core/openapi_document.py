"""What the toolchain needs to know about the shape of an OpenAPI document, in one place."""

from collections.abc import Iterator
from typing import Any

from scripts.core.errors import ToolchainError
from scripts.core.spec_walk import iter_spec_objects

# The fixed fields of a Path Item Object that hold an Operation Object (OpenAPI 3.1).
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_COMPONENT_REF_PREFIX = "#/components/"


def iter_operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield every `(path, method, operation)` of `document["paths"]`, in document order.

    Anything that is not an object where one is expected (`paths`, a path item, an operation)
    is skipped, so callers that must reject such a document check it themselves.
    """
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        for method, operation in item.items():
            if method in HTTP_METHODS and isinstance(operation, dict):
                yield path, method, operation


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
        stack.append(_refs_in(_component(document, key, ref)))
    return list(found)


def _refs_in(node: Any) -> Iterator[str]:
    """Yield the `$ref` values of the spec objects in `node`, in document order."""
    for obj in iter_spec_objects(node):
        ref = obj.get("$ref")
        if isinstance(ref, str):
            yield ref


def _component_key(ref: str) -> tuple[str, str]:
    parts = ref.removeprefix(_COMPONENT_REF_PREFIX).split("/")
    if not ref.startswith(_COMPONENT_REF_PREFIX) or len(parts) != 2:
        raise ToolchainError(f"reference {ref!r} is not a local #/components/<section>/<name>")
    section, name = (part.replace("~1", "/").replace("~0", "~") for part in parts)
    return section, name


def _component(document: dict[str, Any], key: tuple[str, str], ref: str) -> Any:
    section, name = key
    entries = document.get("components", {}).get(section, {})
    if not isinstance(entries, dict) or name not in entries:
        raise ToolchainError(f"reference {ref!r} points at nothing")
    return entries[name]
