"""When a polled operation is done, read from its response schema: the table behind `waiting.poll`.

For each operation that reports progress (its name has `progress`) and for the result and run
retrievals (an evaluator run is a result whose runs progress), the success response is read:
- a `status` property with an enum: done when the status is one of the enum's terminal values,
  every value but the ones that say the work goes on (`NON_TERMINAL`: `pending`, `running`, ...);
- else `completed_scenarios`, `failed_scenarios` and `total_scenarios` integers: done when the
  completed and failed add up to the total.
Other operations have no state in their schema (a plain `str` status, a model without one): they
get no entry, and `poll` needs an explicit `until=`.
"""

from typing import Any

from scripts.core.openapi_document import iter_operations, resolve

NON_TERMINAL = frozenset(
    {"pending", "running", "in_progress", "in_queue", "queued", "scaling_up", "evaluating"}
)
COUNT_FIELDS = ("completed_scenarios", "failed_scenarios", "total_scenarios")
RUN_RETRIEVALS = ("results_retrieve", "results_retrieve_v2", "results_external_retrieve", "runs_retrieve",
                  "runs_retrieve_v2", "runs_external_retrieve")  # fmt: skip

WaitRule = tuple[str, tuple[str, ...]]  # ("status", terminal values) or ("counts", COUNT_FIELDS)


def wait_rules(document: dict[str, Any]) -> dict[str, WaitRule]:
    """Operation name -> its rule, for the operations the module docstring describes."""
    rules: dict[str, WaitRule] = {}
    for _, _, operation in iter_operations(document):
        name = str(operation["operationId"])
        if "progress" not in name and name not in RUN_RETRIEVALS:
            continue
        properties = _success_properties(operation, document)
        values = _enum_values(properties.get("status"), document)
        if values:
            terminal = tuple(sorted(v for v in values if v not in NON_TERMINAL))
            if terminal:
                rules[name] = ("status", terminal)
        elif all(field in properties for field in COUNT_FIELDS):
            rules[name] = ("counts", COUNT_FIELDS)
    return rules


def _success_properties(operation: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    for status, response in (operation.get("responses") or {}).items():
        if not str(status).startswith("2"):
            continue
        content = (resolve(document, response) or {}).get("content") or {}
        schema = resolve(document, (content.get("application/json") or {}).get("schema"))
        if isinstance(schema, dict) and isinstance(schema.get("properties"), dict):
            return dict(schema["properties"])
    return {}


def _enum_values(schema: Any, document: dict[str, Any]) -> list[str]:
    schema = resolve(document, schema)
    if not isinstance(schema, dict):
        return []
    if schema.get("enum"):
        return [str(v) for v in schema["enum"] if v is not None]
    members = [*(schema.get("anyOf") or []), *(schema.get("oneOf") or []), *(schema.get("allOf") or [])]
    return [value for member in members for value in _enum_values(member, document)]


def render(rules: dict[str, WaitRule]) -> str:
    """The text of the generated `wait_rules.py`."""
    entries = "".join(f"    {name!r}: {rule!r},\n" for name, rule in sorted(rules.items()))
    return (
        '"""When a polled operation is done, by operation: `("status", terminal values)` or\n'
        '`("counts", (completed, failed, total))`; read from the spec by\n'
        '`scripts/generate/wait_states.py`."""\n\n'
        f"WAIT_RULES: dict[str, tuple[str, tuple[str, ...]]] = {{\n{entries}}}\n"
    )
