"""Rewrite a `oneOf` that has the empty schema `{}` among its members as an `anyOf`.

Why: `{}` accepts every value, so a value that another member accepts matches two members and
fails the `oneOf`. Upstream writes its nullable free-form fields as `oneOf: [{}, {type: null}]`
(79 properties on the 2026-08-18 document), which refuses `null`, the very value it was written to
allow; a validating server, the mock and schemathesis's checks all disagree with the API, which
accepts it. `anyOf` with the same members says what is meant. The client does not change: the
generator makes one union of either keyword. Delete when: upstream has no such `oneOf`.
"""

from typing import Any

from scripts.core.spec_walk import iter_spec_objects


def normalize(document: dict[str, Any]) -> list[str]:
    rewritten = 0
    for obj in iter_spec_objects(document):
        members = obj.get("oneOf")
        if isinstance(members, list) and {} in members and "anyOf" not in obj:
            obj["anyOf"] = obj.pop("oneOf")
            rewritten += 1
    return [f"rewrote {rewritten} oneOf with an empty-schema member as anyOf"] if rewritten else []
