"""What the toolchain needs to know about the shape of an OpenAPI document, in one place."""

from collections.abc import Iterator
from typing import Any

# The fixed fields of a Path Item Object that hold an Operation Object (OpenAPI 3.1).
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


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
