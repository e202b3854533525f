"""Remove repeated entries from schema `type` lists.

Upstream defect: `type: [string, null, null]` appears in four schemas of the 2026-08-18
document; it is the only error openapi-spec-validator reports (JSON Schema requires the
entries to be unique). A normalizer because the sites move between versions and an overlay
would have to name each one. Delete when: the validator reports no non-unique `type` upstream.
"""

from typing import Any

from scripts.core.spec_walk import iter_spec_objects


def normalize(document: dict[str, Any]) -> list[str]:
    fixed = 0
    for obj in iter_spec_objects(document):
        types = obj.get("type")
        if isinstance(types, list) and len(set(map(str, types))) != len(types):
            obj["type"] = list(dict.fromkeys(types))
            fixed += 1
    return [f"removed repeated entries from {fixed} schema type list(s)"] if fixed else []
