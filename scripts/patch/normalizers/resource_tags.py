"""Tag every operation with exactly one tag: the resource its path names.

Upstream defect: tags are inconsistent. Scenario operations are tagged `Evaluators` or
`test_framework`, 510 operations (475 of the `api_key` ones) sit under the catch-all
`test_framework`, and one path can carry two tags (`GET /schedules/v1/cron-jobs/` is `schedules`,
its POST `Schedules`). The generator makes the first tag the client's module (`api/<tag>/`), so
one resource would be split across modules and most functions would land in `api/test_framework/`.
Evidence: the mirror of 2026-08-18 (`../shared/cekura-spec/openapi.json`): 16 distinct tag lists
on the 817 `api_key` operations; `GET /test_framework/v1/metrics/` is `test_framework`, its POST
`Metrics`; `POST /test_framework/v1/scenarios-external/adv_update/` is `Evaluators`.
Delete when: upstream tags every operation with one tag per resource.

The rule: split the path as `operation_names.split_path` does (app prefix, an optional `api`
segment and the version segment dropped); the tag is the first remaining literal segment, with a
`-external` suffix removed (so `scenarios` and `scenarios-external` share `scenarios`) and `-`
turned into `_` (`call-logs` -> `call_logs`), which is also the module name the generator makes.
A path with no literal segment left is tagged with its app prefix. The top-level `tags` list,
if any, becomes the sorted set of tags in use.
"""

from collections import Counter
from typing import Any

from scripts.patch.normalizers.operation_names import document_operations, identifier_word, split_path

_EXTERNAL_SUFFIX = "-external"
_EXAMPLES = 3


def resource_tag(path: str) -> str:
    """The one tag for the operations under `path` (see the module docstring)."""
    parts = split_path(path)
    segment = parts.literals[0] if parts.literals else parts.app
    segment = segment.removesuffix(_EXTERNAL_SUFFIX)
    return identifier_word(segment)


def normalize(document: dict[str, Any]) -> list[str]:
    """Replace every operation's tags with its resource tag and rebuild the top-level list."""
    operations = document_operations(document)
    retagged: Counter[tuple[str, str]] = Counter()
    used: Counter[str] = Counter()
    for path, _, operation in operations:
        tag = resource_tag(path)
        old = operation.get("tags") or []
        if old != [tag]:
            retagged[(", ".join(map(str, old)) or "(none)", tag)] += 1
        operation["tags"] = [tag]
        used[tag] += 1
    if "tags" in document:
        document["tags"] = top_level_tags(document["tags"], used)
    return report(len(operations), used, retagged)


def top_level_tags(old: Any, used: Counter[str]) -> list[dict[str, Any]]:
    """The used tags, sorted; an old entry of the same name (with its description) is kept."""
    kept = {entry["name"]: entry for entry in old or [] if isinstance(entry, dict) and "name" in entry}
    return [kept.get(tag, {"name": tag}) for tag in sorted(used)]


def report(total: int, used: Counter[str], retagged: Counter[tuple[str, str]]) -> list[str]:
    """Counts plus the largest resources and the most common re-tagging moves."""
    largest = ", ".join(f"{tag} ({count})" for tag, count in used.most_common(_EXAMPLES))
    lines = [f"{total} operations under {len(used)} resource tags; largest {largest}"]
    if retagged:
        moves = ", ".join(f"{old} -> {new} ({n})" for (old, new), n in retagged.most_common(3))
        lines.append(f"{sum(retagged.values())} operations re-tagged; most common {moves}")
    return lines
