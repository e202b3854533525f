"""The deprecated operations of a patched document, each with the operation to use instead.

The spec marks 23 operations `deprecated: true` without naming a successor. The naming rule gives
one: the operation of the same name under `/v2/` (`runs_list` -> `runs_list_v2`); an `_external_`
operation is the same view as its plain `v1` one (see `normalizers/operation_names.py`), so
`runs_external_list` also moves to `runs_list_v2`. Without such an operation none is named.
"""

import re
from dataclasses import dataclass
from typing import Any

from scripts.core.openapi_document import iter_operations
from scripts.patch.normalizers.resource_tags import resource_tag

_EXTERNAL = re.compile(r"_external(?=_)")


@dataclass(frozen=True)
class Deprecation:
    operation: str  # the client's operation (module) name
    successor: str | None


def client_name(resource: str, operation: str) -> str:
    """`client.<resource>.<method>` for an operation (module) name."""
    return f"client.{resource}.{operation.removeprefix(resource + '_')}"


def deprecations(document: dict[str, Any]) -> dict[str, Deprecation]:
    """Every deprecated operation by name, with its successor if the rule finds one."""
    names = {str(op["operationId"]) for _, _, op in iter_operations(document)}
    found = {}
    for _, _, operation in iter_operations(document):
        if not operation.get("deprecated"):
            continue
        name = str(operation["operationId"])
        candidates = [f"{name}_v2", f"{_EXTERNAL.sub('', name)}_v2"]
        successor = next((c for c in candidates if c in names and not _is_deprecated(c, document)), None)
        found[name] = Deprecation(name, successor)
    return found


def notice(deprecation: Deprecation, document: dict[str, Any]) -> str:
    """What to do instead, as the warning, the docstring and the reference say it."""
    if deprecation.successor is None:
        return "no successor is documented; check the API changelog before relying on it"
    resource = _resource_of(deprecation.successor, document)
    return f"use `{client_name(resource, deprecation.successor)}` (`api.{resource}.{deprecation.successor}`)"


def _resource_of(name: str, document: dict[str, Any]) -> str:
    return next(resource_tag(p) for p, _, op in iter_operations(document) if op["operationId"] == name)


def _is_deprecated(name: str, document: dict[str, Any]) -> bool:
    return any(op["operationId"] == name and op.get("deprecated") for _, _, op in iter_operations(document))


def notices(document: dict[str, Any]) -> dict[str, str]:
    """Deprecated operation name -> notice, for the generated `deprecated_operations` table."""
    return {name: notice(entry, document) for name, entry in sorted(deprecations(document).items())}
