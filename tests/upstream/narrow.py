"""Narrow a full OpenAPI document to one operation, the way the documentation pages are narrowed.

The docs site publishes one self-contained document per operation. Narrowing the full document
the same way lets tests compare a page with the full document it should have been rendered from.
Rules, derived by comparing `pages/*.md` with `openapi.json` in the spec mirror:

- root: `openapi`, `info` and `servers` are copied; `security` is `[]` (requirements live on the
  operation); everything else (`x-mint`, other paths) is dropped;
- the path item keeps only this operation (plus any path-level fields, e.g. `parameters`);
- the operation's security requirements are narrowed to those `api_key` alone satisfies;
- `x-` vendor extensions are removed everywhere, except where they are names or literal data;
- components keep only what the operation references, transitively, named in order of first
  reference (depth first); `securitySchemes` keeps only the schemes its requirements name.
"""

import copy
from typing import Any

from scripts.core.errors import ToolchainError
from scripts.core.openapi_document import HTTP_METHODS, referenced_components
from scripts.patch.normalizers import strip_vendor_extensions

API_KEY_SCHEME = "api_key"
_ROOT_KEYS = ("openapi", "info", "servers")


def narrow_to_operation(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    """Return a new single-operation document for `method path`; `document` is left unchanged."""
    label = f"{method.upper()} {path}"
    path_item = document.get("paths", {}).get(path)
    if not isinstance(path_item, dict) or not isinstance(path_item.get(method), dict):
        raise ToolchainError(f"cannot narrow to {label}: the document has no such operation")

    operation = copy.deepcopy(path_item[method])
    inherited = "security" not in operation
    requirements = document.get("security") if inherited else operation["security"]
    if requirements:
        kept = [req for req in requirements if set(req) <= {API_KEY_SCHEME}]
        if not kept:
            raise ToolchainError(
                f"cannot narrow to {label}: no security requirement is met by the "
                f"{API_KEY_SCHEME} scheme alone, so a page for it would offer no way to call it"
            )
        operation["security"] = kept

    narrowed_item = {
        key: (operation if key == method else copy.deepcopy(value))
        for key, value in path_item.items()
        if key == method or key not in HTTP_METHODS
    }
    narrowed: dict[str, Any] = {key: copy.deepcopy(document[key]) for key in _ROOT_KEYS if key in document}
    narrowed["security"] = []
    narrowed["paths"] = {path: narrowed_item}
    components = _narrowed_components(document, narrowed_item, operation, label)
    if components:
        narrowed["components"] = components
    strip_vendor_extensions.normalize(narrowed)
    return narrowed


def _narrowed_components(
    document: dict[str, Any], path_item: dict[str, Any], operation: dict[str, Any], label: str
) -> dict[str, Any]:
    """Keep the referenced components and the security schemes the operation's requirements name."""
    try:
        wanted = referenced_components(document, path_item)
    except ToolchainError as exc:
        raise ToolchainError(f"cannot narrow to {label}: {exc}") from exc
    source = document.get("components", {})
    for requirement in operation.get("security") or []:
        for scheme in requirement:
            if scheme not in source.get("securitySchemes", {}):
                raise ToolchainError(f"cannot narrow to {label}: security scheme {scheme!r} is not defined")
            wanted.append(("securitySchemes", scheme))
    wanted = list(dict.fromkeys(wanted))
    # Sections follow the full document's order; names follow the order of first reference.
    components: dict[str, Any] = {}
    for section in source:
        names = [name for sec, name in wanted if sec == section]
        if names:
            components[section] = {name: copy.deepcopy(source[section][name]) for name in names}
    return components
