"""Rewrite the operation names that upstream prose mentions into the client's names.

Upstream defect: descriptions name other operations by drf-spectacular's ids, in spellings the
client does not have (`scenarios_run_pipecat_v2`, `runs_bulk_retrieve`, `results_retrieve`), so
docstrings and the API reference sent readers to functions that do not exist.
Evidence: the mirror of 2026-08-18 (`../shared/cekura-spec/openapi.json`): `aiagents_retrieve` is
named 42 times, `scenarios_run_voice` 24 times (upstream id `scenarios-run-voice-v1`, the client's
`scenarios_run_scenarios_create`); `runs-v1-bulk-retrieve` is written `runs_bulk_retrieve`.
Delete when: upstream prose uses the names of the operations it publishes.

`client_names` is the one mapping from upstream operationIds to the client's names: each upstream
id, with `-` as `_`, also without its numeric de-duplication suffix (`_2`) and without a `v1`
word, maps to `client.<resource>.<method>` by the rules of `operation_names` and `resource_tags`.
One view served under several paths (v1, `-external`, v2) gives one spelling several operations;
the reader is sent to the current one: not deprecated, not `-external`, the highest version.
Only names between backticks are rewritten (`` `results_retrieve(id=...)` `` keeps its call), in
the summary and description of every operation and every `description` under `components`.
Runs before `operation_names`, which replaces the upstream ids.
"""

import re
from collections import defaultdict
from typing import Any

from scripts.patch.normalizers.operation_names import assigned_names, document_operations
from scripts.patch.normalizers.resource_tags import resource_tag

_REFERENCE = re.compile(r"`([a-z][a-z0-9_]*)(\([^`]*\))?`")
_SUFFIX = re.compile(r"_\d+$")
_V1 = re.compile(r"_v1(?=_|$)")
_VERSION = re.compile(r"_v(\d+)$")


def spellings(upstream_id: str) -> set[str]:
    """The ways prose writes an upstream id: `runs-v1-bulk-retrieve` is also `runs_bulk_retrieve`."""
    plain = upstream_id.replace("-", "_")
    unsuffixed = _SUFFIX.sub("", plain)
    return {plain, unsuffixed, _V1.sub("", unsuffixed)}


def client_name(path: str, name: str) -> str:
    """`client.<resource>.<method>` of the operation at `path` named `name` (`assigned_names`)."""
    resource = resource_tag(path)
    return f"client.{resource}.{name.removeprefix(resource + '_')}"


def client_names(document: dict[str, Any]) -> dict[str, str]:
    """Upstream spelling -> the client's name (the module docstring's rule); the one mapping."""
    candidates: dict[str, list[tuple[tuple[bool, bool, int, int], str]]] = defaultdict(list)
    assigned = assigned_names(document)
    for path, method, operation in document_operations(document):
        upstream = operation.get("operationId")
        if not isinstance(upstream, str):
            continue
        name = client_name(path, assigned[(path, method)])
        version = _VERSION.search(name)
        preference = (
            bool(operation.get("deprecated")),
            "external" in name,
            -int(version.group(1)) if version else -1,
            len(name),
        )
        for spelling in spellings(upstream):
            candidates[spelling].append((preference, name))
    return {spelling: min(options)[1] for spelling, options in candidates.items()}


def rewrite(text: str, names: dict[str, str]) -> tuple[str, int]:
    """`text` with each backticked known name replaced; the number replaced."""
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(1) not in names:
            return match.group(0)
        count += 1
        return f"`{names[match.group(1)]}{match.group(2) or ''}`"

    return _REFERENCE.sub(replace, text), count


def _rewrite_descriptions(node: Any, names: dict[str, str]) -> int:
    count = 0
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "description" and isinstance(value, str):
                node[key], found = rewrite(value, names)
                count += found
            else:
                count += _rewrite_descriptions(value, names)
    elif isinstance(node, list):
        count += sum(_rewrite_descriptions(item, names) for item in node)
    return count


def normalize(document: dict[str, Any]) -> list[str]:
    """Rewrite every backticked upstream operation name in operation and component prose."""
    names = client_names(document)
    count = 0
    for _, _, operation in document_operations(document):
        for key in ("summary", "description"):
            if isinstance(operation.get(key), str):
                operation[key], found = rewrite(operation[key], names)
                count += found
    count += _rewrite_descriptions(document.get("components") or {}, names)
    return [f"{count} operation names in prose rewritten to the client's (`client.<resource>.<method>`)"]
