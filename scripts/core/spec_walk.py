"""Walk the objects of an OpenAPI 3.1 document without mistaking user data for spec structure.

Two kinds of value are not spec objects: maps keyed by user-chosen names (`properties`,
`paths`, `content`, ...), whose keys must not be read as keywords, and literal data
(`example`, `default`, `enum`, ...), which must not be walked at all.
"""

from collections.abc import Iterator
from typing import Any

NAME_MAPS = frozenset(
    {
        "properties", "patternProperties", "$defs", "definitions", "dependentSchemas",
        "paths", "webhooks", "content", "encoding", "headers", "links", "callbacks",
        "schemas", "responses", "parameters", "requestBodies", "securitySchemes",
        "pathItems", "variables", "mapping", "scopes",
    }
)  # fmt: skip
DATA_KEYS = frozenset({"example", "default", "enum", "const", "value"})


def iter_spec_objects(node: Any) -> Iterator[dict[str, Any]]:
    """Yield every spec object (operation, schema, parameter, ...) in `node`, parents first."""
    stack: list[tuple[Any, bool]] = [(node, False)]
    while stack:
        value, is_name_map = stack.pop()
        if isinstance(value, list):
            stack.extend((item, False) for item in reversed(value))
        elif isinstance(value, dict):
            if is_name_map:
                stack.extend((child, False) for child in reversed(list(value.values())))
                continue
            yield value
            children = []
            for key, child in value.items():
                if key in DATA_KEYS or key.startswith("x-"):
                    continue
                if key == "examples":
                    # A list of literal values in a schema; a map of Example objects elsewhere.
                    if isinstance(child, dict):
                        children.append((child, True))
                    continue
                # `parameters` is a list in operations and a name map in components.
                children.append((child, key in NAME_MAPS and isinstance(child, dict)))
            stack.extend(reversed(children))
