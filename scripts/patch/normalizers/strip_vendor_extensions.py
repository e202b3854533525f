"""Remove the `x-` vendor extensions the client does not use.

Upstream defect: the document carries extensions for its documentation and AI-tool pipelines
(`x-mint`, `x-mcp-expose`, `x-mcp-destructive`, `x-docs-exclude`, `x-spec-enum-id`). They mean
nothing to the client, make hoisted schemas differ where the API has one concept, and change
often, which would show up as churn in every update. Overlays cannot select keys by pattern.
Delete when: never; the client's input is the part of the document it uses.
"""

from collections import Counter
from typing import Any

from scripts.core.spec_walk import iter_spec_objects


def normalize(document: dict[str, Any]) -> list[str]:
    removed: Counter[str] = Counter()
    for obj in iter_spec_objects(document):
        for key in [key for key in obj if key.startswith("x-")]:
            del obj[key]
            removed[key] += 1
    if not removed:
        return []
    summary = ", ".join(f"{key} ({count})" for key, count in sorted(removed.items()))
    return [f"removed vendor extensions: {summary}"]
