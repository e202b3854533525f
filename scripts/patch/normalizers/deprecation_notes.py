"""Open the description of every deprecated operation with `Deprecated: <what to use instead>.`

Upstream defect: 23 operations are `deprecated: true` without a word in their text, and none names
its successor; openapi-python-client ignores the flag, so neither docstrings nor code said so.
Evidence: the mirror of 2026-08-18 (`../shared/cekura-spec/openapi.json`): `GET
/test_framework/v1/runs/` (`runs_list`) is deprecated, `GET /test_framework/v2/runs/` is not.
Delete when: upstream describes its deprecations (the warning in the code then needs another source).

The successor comes from `scripts/patch/deprecations.py` (the `_v2` rule). The endpoint template also reads
this opening (`Deprecated:`) to make the operation's functions warn, so the two cannot disagree.
Runs after `operation_names` and `resource_tags`, whose names the notice uses.
"""

from typing import Any

from scripts.patch.deprecations import notices
from scripts.patch.normalizers.operation_names import document_operations

PREFIX = "Deprecated:"


def normalize(document: dict[str, Any]) -> list[str]:
    """Prefix the description of each deprecated operation with its notice."""
    found = notices(document)
    for _, _, operation in document_operations(document):
        name = operation.get("operationId")
        if name not in found:
            continue
        text = str(operation.get("description") or "")
        if not text.startswith(PREFIX):
            operation["description"] = f"{PREFIX} {found[name]}.\n\n{text}".rstrip()
    with_successor = sum(1 for notice in found.values() if notice.startswith("use "))
    return [f"{len(found)} deprecated operations noted, {with_successor} with a successor"]
