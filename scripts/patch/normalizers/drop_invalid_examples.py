"""Drop the documented examples that their own schema rejects, and list each one in the report.

Upstream defect: examples drift from their schemas (today's document has 127 such examples, all
repaired by overlays, and earlier versions have others: a metric-create example with
`eval_type: 'bool'`, a value its enum lacks). An example is an illustration, not part of the
contract the client is built from; left in, a wrong one is served by the mock and sent to the
Django oracle as if the API accepted it. Repairs by overlay stay the rule where the schema is what
is wrong: `tests/patch/test_check_examples.py` checks that the overlays leave nothing for this
normalizer in the locked document, so a new violation is still noticed there, while an earlier or
newer document is not refused over its examples alone. Runs last, on the final schemas.
Delete when: the upstream examples validate against their schemas.
"""

from typing import Any

from scripts.patch.check_examples import ExampleViolation, Pointer, find_example_violations


def normalize(document: dict[str, Any]) -> list[str]:
    violations = find_example_violations(document)
    # Last first (they come in document order), so removing a list item never shifts one still to go.
    for violation in reversed(violations):
        _remove(document, violation.location)
    return [f"dropped the example {describe(violation)}" for violation in violations]


def describe(violation: ExampleViolation) -> str:
    return f"{violation.example}: {violation.message}"


def _remove(document: dict[str, Any], location: Pointer) -> None:
    """Delete the example at `location`: an `example` key, a named entry of an `examples` map (its
    `value`, or a `$ref` to a shared one), or an item of a schema's `examples` list."""
    if location[-1] == "value":
        location = location[:-1]  # a named Example object: drop the whole entry
    parent: Any = document
    for key in location[:-1]:
        parent = parent[key]
    del parent[location[-1]]
    if location[-2] == "examples" and not parent:
        owner: Any = document
        for key in location[:-2]:
            owner = owner[key]
        del owner["examples"]
