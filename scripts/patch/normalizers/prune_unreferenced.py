"""Drop what no remaining operation uses: empty path items, components, security schemes.

Why: once the internal operations are removed (the scope, `api_key_scope`), the schemas and
security schemes only they used would still be generated as models and auth options the client
cannot use.
Delete when: never; this keeps the client's surface equal to what its operations reach.
"""

from typing import Any

from scripts.core.openapi_document import (
    HTTP_METHODS,
    iter_operations,
    iter_path_items,
    referenced_components,
)


def normalize(document: dict[str, Any]) -> list[str]:
    report = []
    empty = [path for path, item in iter_path_items(document) if not any(m in item for m in HTTP_METHODS)]
    for path in empty:
        del document["paths"][path]
    if empty:
        report.append(f"removed {len(empty)} path item(s) left without operations")

    components = document.get("components", {})
    used_schemes = {
        name
        for requirements in _security_requirements(document)
        for requirement in requirements
        for name in requirement
    }
    schemes = components.get("securitySchemes", {})
    unused_schemes = sorted(name for name in schemes if name not in used_schemes)
    for name in unused_schemes:
        del schemes[name]
    if unused_schemes:
        report.append(f"removed unused security schemes: {', '.join(unused_schemes)}")

    reachable = set(referenced_components(document, document.get("paths", {})))
    for section in ("schemas", "parameters", "responses", "requestBodies", "headers", "examples"):
        entries = components.get(section, {})
        unused = [name for name in entries if (section, name) not in reachable]
        for name in unused:
            del entries[name]
        if unused:
            report.append(f"removed {len(unused)} unreferenced components.{section}")
    return report


def _security_requirements(document: dict[str, Any]) -> list[list[dict[str, Any]]]:
    found = [document.get("security") or []]
    found += [operation.get("security") or [] for _, _, operation in iter_operations(document)]
    return found
