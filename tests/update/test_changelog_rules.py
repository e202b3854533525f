"""Every rule of the breaking-change catalogue, in each data direction, down to the changelog line.

`scripts/schema_diff.py` gives each rule one verdict for data a client sends (request) and one for
data it reads (response); a schema used both ways takes the worse. Each case here states the exact
change `diff_documents` must report, so a rule that flips its verdict, loses its place or its
wording fails by name; `test_spec_diff.py` keeps the broader cases.
"""

from typing import Any

import pytest

from scripts.update.changelog import (
    PREAMBLE,
    Comparison,
    accepted_versions,
    appended,
    change_line,
    heading,
    render_entry,
)
from scripts.update.changes import Change
from scripts.update.spec_diff import diff_documents, schema_directions

PATH = "/app/v1/things/"
AT = f"POST {PATH}"
FIXED = {"type": "object", "properties": {"id": {"type": "integer"}}}


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def document(
    thing: dict[str, Any], direction: str, *, operation: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One POST whose body, response, or both use the component `Thing`."""
    body = ref("Thing") if direction in ("request", "both") else ref("Fixed")
    out = ref("Thing") if direction in ("response", "both") else ref("Fixed")
    post: dict[str, Any] = {
        "operationId": "things",
        "requestBody": {"content": json_content(body)},
        "responses": {"200": {"description": "ok", "content": json_content(out)}},
        **(operation or {}),
    }
    return {
        "openapi": "3.1.0",
        "paths": {PATH: {"post": post}},
        "components": {"schemas": {"Thing": thing, "Fixed": FIXED, "Other": {"type": "string"}}},
    }


def obj(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required or []}


STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}

# rule, old `Thing`, new `Thing`, detail, (breaking in a request, breaking in a response)
SCHEMA_RULES = [
    ("type-changed", obj({"n": STRING}), obj({"n": {"type": "integer"}}), "type string -> integer", (1, 1)),
    ("became-nullable", obj({"n": STRING}), obj({"n": NULLABLE_STRING}), "became nullable", (0, 1)),
    ("became-not-nullable", obj({"n": NULLABLE_STRING}), obj({"n": STRING}), "became not nullable", (1, 0)),
    (
        "enum-value-removed",
        obj({"n": {"type": "string", "enum": ["a", "b"]}}),
        obj({"n": {"type": "string", "enum": ["a"]}}),
        "enum value 'b' removed",
        (1, 0),
    ),
    (
        "enum-value-added",
        obj({"n": {"type": "string", "enum": ["a"]}}),
        obj({"n": {"type": "string", "enum": ["a", "b"]}}),
        "enum value 'b' added",
        (0, 0),
    ),
    ("property-added-required", obj({}), obj({"n": STRING}, ["n"]), "required property added", (1, 0)),
    ("property-added-optional", obj({}), obj({"n": STRING}), "optional property added", (0, 0)),
    ("property-removed", obj({"n": STRING}), obj({}), "property removed", (1, 1)),
    ("property-became-required", obj({"n": STRING}), obj({"n": STRING}, ["n"]), "became required", (1, 0)),
    ("property-became-optional", obj({"n": STRING}, ["n"]), obj({"n": STRING}), "became optional", (0, 1)),
]
DIRECTIONS = {"request": (True, False), "response": (False, True), "both": (True, True)}


@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize(
    ("rule", "old", "new", "detail", "verdicts"), SCHEMA_RULES, ids=[rule[0] for rule in SCHEMA_RULES]
)
def test_schema_rule_in_each_direction(
    rule: str, old: Any, new: Any, detail: str, verdicts: tuple[int, int], direction: str
) -> None:
    sends, reads = DIRECTIONS[direction]
    breaking = bool((sends and verdicts[0]) or (reads and verdicts[1]))
    changes = diff_documents(document(old, direction), document(new, direction))
    assert changes == [Change("schema Thing", "n", f"schema-{rule}", detail, breaking)]


@pytest.mark.parametrize(
    ("rule", "old", "new", "detail", "verdicts"), SCHEMA_RULES, ids=[rule[0] for rule in SCHEMA_RULES]
)
def test_inline_request_body_rule(
    rule: str, old: Any, new: Any, detail: str, verdicts: tuple[int, int]
) -> None:
    """The same rules on a body schema written inline: `request-body-` rules, request verdicts."""
    before = document(FIXED, "response", operation={"requestBody": {"content": json_content(old)}})
    after = document(FIXED, "response", operation={"requestBody": {"content": json_content(new)}})
    assert diff_documents(before, after) == [
        Change(AT, "body.n", f"request-body-{rule}", detail, bool(verdicts[0]))
    ]


@pytest.mark.parametrize(
    ("rule", "old", "new", "detail", "verdicts"), SCHEMA_RULES, ids=[rule[0] for rule in SCHEMA_RULES]
)
def test_inline_response_body_rule(
    rule: str, old: Any, new: Any, detail: str, verdicts: tuple[int, int]
) -> None:
    """The same rules on a response schema written inline: `response-body-` rules, response verdicts."""

    def with_response(schema: Any) -> dict[str, Any]:
        response = {"200": {"description": "ok", "content": json_content(schema)}}
        return document(FIXED, "request", operation={"responses": response})

    assert diff_documents(with_response(old), with_response(new)) == [
        Change(AT, "200.n", f"response-body-{rule}", detail, bool(verdicts[1]))
    ]


PARAMETER_RULES = [
    ("type-changed", STRING, {"type": "integer"}, "type string -> integer", True),
    ("type-changed", {"type": "string", "format": "date"}, STRING, "type string(date) -> string", True),
    ("became-nullable", STRING, NULLABLE_STRING, "became nullable", False),
    ("became-not-nullable", NULLABLE_STRING, STRING, "became not nullable", True),
    ("enum-value-removed", {"enum": ["a", "b"]}, {"enum": ["a"]}, "enum value 'b' removed", True),
    ("enum-value-added", {"enum": ["a"]}, {"enum": ["a", "b"]}, "enum value 'b' added", False),
]


@pytest.mark.parametrize(("rule", "old", "new", "detail", "breaking"), PARAMETER_RULES)
def test_parameter_schema_rule(rule: str, old: Any, new: Any, detail: str, breaking: bool) -> None:
    """A parameter is only ever sent: the request verdicts."""

    def with_parameter(schema: Any) -> dict[str, Any]:
        parameter = {"name": "q", "in": "query", "schema": schema}
        return document(FIXED, "both", operation={"parameters": [parameter]})

    assert diff_documents(with_parameter(old), with_parameter(new)) == [
        Change(AT, "query.q", f"request-parameter-{rule}", detail, breaking)
    ]


def test_read_only_and_write_only_properties_count_in_one_direction() -> None:
    read_only = {"type": "string", "readOnly": True}
    write_only = {"type": "string", "writeOnly": True}
    # A required readOnly field is never sent; a removed writeOnly field was never read.
    assert diff_documents(
        document(obj({}), "request"), document(obj({"r": read_only}, ["r"]), "request")
    ) == [Change("schema Thing", "r", "schema-property-added-required", "required property added", False)]
    assert diff_documents(document(obj({"w": write_only}), "response"), document(obj({}), "response")) == [
        Change("schema Thing", "w", "schema-property-removed", "property removed", False)
    ]
    # Either version marking it readOnly is enough to leave the request side out.
    was_read_only = diff_documents(
        document(obj({"r": read_only}), "request"), document(obj({"r": STRING}, ["r"]), "request")
    )
    assert was_read_only == [
        Change("schema Thing", "r", "schema-property-became-required", "became required", False)
    ]
    # In a schema used both ways, a writeOnly field still breaks a sender.
    both = diff_documents(document(obj({"w": write_only}), "both"), document(obj({}), "both"))
    assert both == [Change("schema Thing", "w", "schema-property-removed", "property removed", True)]


@pytest.mark.parametrize(
    ("old", "new", "pointer", "detail"),
    [
        # Items of an array, and the array's own item type.
        (
            obj({"n": {"type": "array", "items": obj({"k": STRING})}}),
            obj({"n": {"type": "array", "items": obj({})}}),
            "n.[].k",
            "property removed",
        ),
        (
            obj({"n": {"type": "array", "items": STRING}}),
            obj({"n": {"type": "array", "items": {"type": "integer"}}}),
            "n",
            "type array[string] -> array[integer]",
        ),
        # A `$ref` to another component, and a single allOf member, are types too.
        (obj({"n": ref("Fixed")}), obj({"n": ref("Other")}), "n", "type Fixed -> Other"),
        (obj({"n": {"allOf": [ref("Fixed")]}}), obj({"n": ref("Other")}), "n", "type Fixed -> Other"),
        (
            obj({"n": {"allOf": [ref("Fixed"), ref("Other")]}}),
            obj({"n": {"allOf": [ref("Fixed")]}}),
            "n",
            "type allOf[Fixed, Other] -> Fixed",
        ),
        # Alternatives: walked pairwise, named by shape when there are several.
        (
            obj({"n": {"anyOf": [STRING, obj({"k": STRING})]}}),
            obj({"n": {"anyOf": [STRING, obj({})]}}),
            "n.<object>.k",
            "property removed",
        ),
        (
            obj({"n": {"oneOf": [STRING, {"type": "integer"}]}}),
            obj({"n": {"oneOf": [STRING, {"type": "boolean"}]}}),
            "n",
            "type oneOf[integer, string] -> oneOf[boolean, string]",
        ),
        (
            obj({"n": {"oneOf": [obj({"k": STRING}), {"type": "null"}]}}),
            obj({"n": {"oneOf": [obj({}), {"type": "null"}]}}),
            "n.k",
            "property removed",
        ),
        # An untyped object with properties, an untyped enum.
        (
            obj({"n": {"properties": {"k": STRING}}}),
            obj({"n": {"enum": ["a"]}}),
            "n",
            "type object -> enum",
        ),
        (
            obj({"n": {"type": "object", "additionalProperties": True}}),
            obj({"n": {"additionalProperties": True}}),
            None,
            None,
        ),
        (obj({"n": {"enum": ["a"]}}), obj({"n": {}}), "n", "type enum -> any"),
        # A string that loses its enum loses every value a caller could name.
        (
            obj({"n": {"type": "string", "enum": ["a", "b"]}}),
            obj({"n": {"type": "string"}}),
            "n",
            "enum value 'a' removed",
        ),
        # `1` and `"1"` are different enum values.
        (obj({"n": {"enum": [1]}}), obj({"n": {"enum": ["1"]}}), "n", "enum value 1 removed"),
    ],
)
def test_nested_schemas_are_walked(old: Any, new: Any, pointer: str | None, detail: str | None) -> None:
    changes = diff_documents(document(old, "response"), document(new, "response"))
    if pointer is None:
        assert changes == []
    else:
        assert (pointer, detail) in [(change.pointer, change.detail) for change in changes]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ({"type": "string", "nullable": True}, STRING),
        ({"anyOf": [STRING, {"type": "null"}]}, STRING),
        ({"type": "string", "enum": ["a", None]}, {"type": "string", "enum": ["a"]}),
        ({"anyOf": [STRING, {"type": "null", "description": "none"}]}, STRING),
        ({"type": "null"}, {"type": "null", "description": "x", "title": "y", "default": None}),
    ],
)
def test_every_spelling_of_null_is_nullable(old: Any, new: Any) -> None:
    changes = diff_documents(document(obj({"n": old}), "response"), document(obj({"n": new}), "response"))
    if new.get("type") == "null":
        # Typed null on both sides: no change, whatever keywords come with it.
        assert changes == []
    else:
        assert [(c.kind, c.breaking) for c in changes] == [("schema-became-not-nullable", False)]


def test_schemas_that_are_not_objects_are_compared_without_error() -> None:
    """A parameter without a schema, a property whose schema is `true`, malformed `properties`."""
    bare = {"name": "q", "in": "query"}
    same = document(FIXED, "both", operation={"parameters": [bare]})
    assert diff_documents(same, document(FIXED, "both", operation={"parameters": [bare]})) == []
    anything = {"type": "object", "properties": {"n": True}}
    assert diff_documents(document(anything, "response"), document(anything, "response")) == []
    gains_a_schema = document(FIXED, "both", operation={"parameters": [{**bare, "schema": {}}]})
    assert diff_documents(same, gains_a_schema) == []
    untyped_items = obj({"n": {"type": "array"}})
    any_items = obj({"n": {"type": "array", "items": {}}})
    assert diff_documents(document(untyped_items, "response"), document(any_items, "response")) == []
    malformed = {"type": "object", "properties": ["n"]}
    assert diff_documents(document(obj({"n": STRING}), "response"), document(malformed, "response")) == []


def test_a_schema_change_is_judged_by_the_uses_in_both_versions() -> None:
    """Sent by the old version's operation, read by the new one's: both directions count."""
    old = document(obj({"n": STRING}), "request")
    new = document(obj({"n": STRING}, ["n"]), "response")
    changes = [c for c in diff_documents(old, new) if c.where == "schema Thing"]
    assert changes == [
        Change("schema Thing", "n", "schema-property-became-required", "became required", True)
    ]


def test_bodies_and_parameters_without_the_usual_parts() -> None:
    # A parameter without a name is not a parameter: nothing to compare.
    nameless = document(FIXED, "both", operation={"parameters": [{"in": "query", "schema": STRING}]})
    assert diff_documents(nameless, document(FIXED, "both")) == []
    # A body without content on both sides.
    empty = document(FIXED, "response", operation={"requestBody": {"required": True}})
    assert (
        diff_documents(empty, document(FIXED, "response", operation={"requestBody": {"required": True}}))
        == []
    )
    # A body that gains its first media type: that media type is added, no schema is compared.
    assert [(c.kind, c.breaking) for c in diff_documents(empty, document(FIXED, "response"))] == [
        ("request-body-became-optional", False),
        ("request-body-media-type-added", False),
    ]


def test_a_ref_on_both_sides_stops_the_walk() -> None:
    old = obj({"n": ref("Fixed")})
    assert diff_documents(document(old, "response"), document(obj({"n": ref("Fixed")}), "response")) == []


def test_schema_directions_follow_parameters_bodies_and_responses() -> None:
    doc = document(obj({}), "request")
    doc["paths"][PATH]["parameters"] = [{"name": "p", "in": "query", "schema": ref("Param")}]
    doc["components"]["schemas"]["Param"] = STRING
    assert schema_directions(doc) == {"Thing": {"request"}, "Param": {"request"}, "Fixed": {"response"}}


def operation_change(old_operation: dict[str, Any], new_operation: dict[str, Any]) -> list[Change]:
    return diff_documents(
        document(FIXED, "both", operation=old_operation), document(FIXED, "both", operation=new_operation)
    )


OPTIONAL_Q = {"name": "q", "in": "query", "schema": STRING}
REQUIRED_Q = {**OPTIONAL_Q, "required": True}
BODY = {"content": json_content(ref("Fixed"))}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ({}, {"parameters": [REQUIRED_Q]}, [(AT, "query.q", "new-required-request-parameter", True)]),
        ({}, {"parameters": [OPTIONAL_Q]}, [(AT, "query.q", "new-optional-request-parameter", False)]),
        ({"parameters": [OPTIONAL_Q]}, {}, [(AT, "query.q", "request-parameter-removed", True)]),
        (
            {"parameters": [OPTIONAL_Q]},
            {"parameters": [REQUIRED_Q]},
            [(AT, "query.q", "request-parameter-became-required", True)],
        ),
        (
            {"parameters": [REQUIRED_Q]},
            {"parameters": [OPTIONAL_Q]},
            [(AT, "query.q", "request-parameter-became-optional", False)],
        ),
        (
            {"requestBody": {**BODY, "required": False}},
            {"requestBody": {**BODY, "required": True}},
            [(AT, "body", "request-body-became-required", True)],
        ),
        (
            {"requestBody": {**BODY, "required": True}},
            {"requestBody": BODY},
            [(AT, "body", "request-body-became-optional", False)],
        ),
        (
            {"requestBody": BODY},
            {"requestBody": {"content": {**BODY["content"], "text/plain": {"schema": STRING}}}},
            [(AT, "body", "request-body-media-type-added", False)],
        ),
        (
            {"requestBody": {"content": {**BODY["content"], "text/plain": {"schema": STRING}}}},
            {"requestBody": BODY},
            [(AT, "body", "request-body-media-type-removed", True)],
        ),
        (
            {"operationId": "things"},
            {"operationId": "list_things"},
            [(AT, "", "api-operation-id-changed", False)],
        ),
    ],
)
def test_operation_rule(old: dict[str, Any], new: dict[str, Any], expected: list[Any]) -> None:
    changes = operation_change(old, new)
    assert [(c.where, c.pointer, c.kind, c.breaking) for c in changes] == expected


def test_request_body_added_or_removed() -> None:
    without = document(FIXED, "response")
    del without["paths"][PATH]["post"]["requestBody"]
    with_body = document(FIXED, "response")
    required = document(FIXED, "response", operation={"requestBody": {**BODY, "required": True}})
    assert [(c.kind, c.detail, c.breaking) for c in diff_documents(without, with_body)] == [
        ("request-body-added", "optional request body added", False)
    ]
    assert [(c.kind, c.detail, c.breaking) for c in diff_documents(without, required)] == [
        ("request-body-added-required", "required request body added", True)
    ]
    assert [(c.kind, c.breaking) for c in diff_documents(with_body, without)] == [
        ("request-body-removed", True)
    ]


def test_a_form_only_body_is_compared_by_its_first_media_type() -> None:
    def form(schema: Any) -> dict[str, Any]:
        body = {"content": {"application/x-www-form-urlencoded": {"schema": schema}}}
        return document(FIXED, "response", operation={"requestBody": body})

    assert [(c.kind, c.breaking) for c in diff_documents(form(obj({"n": STRING})), form(obj({})))] == [
        ("request-body-property-removed", True)
    ]


def test_response_statuses_and_bodies() -> None:
    ok = {"description": "ok", "content": json_content(ref("Fixed"))}
    empty = {"description": "ok"}
    missing = {"description": "no"}

    def responses(**by_status: Any) -> dict[str, Any]:
        return {"responses": by_status}

    def found(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str, bool]]:
        return [(c.pointer, c.kind, c.breaking) for c in operation_change(old, new)]

    both = responses(**{"200": ok, "404": missing})
    assert found(both, responses(**{"200": ok})) == [("404", "response-non-success-status-removed", False)]
    assert found(both, responses(**{"404": missing})) == [("200", "response-success-status-removed", True)]
    assert found(responses(**{"200": ok}), both) == [("404", "response-status-added", False)]
    assert found(responses(**{"200": ok}), responses(**{"200": empty})) == [
        ("200", "response-body-removed", True)
    ]
    assert found(responses(**{"200": empty}), responses(**{"200": ok})) == [
        ("200", "response-body-added", False)
    ]
    # An error body going away breaks no caller: the client does not parse it into a model.
    error = {"description": "no", "content": json_content(ref("Fixed"))}
    assert found(responses(**{"200": ok, "400": error}), responses(**{"200": ok, "400": missing})) == []


def test_moves_need_one_operation_id_on_each_side() -> None:
    old = document(FIXED, "both")
    new = document(FIXED, "both")
    new["paths"] = {"/app/v2/things/": new["paths"][PATH]}
    assert [(c.where, c.kind, c.detail) for c in diff_documents(old, new)] == [
        (AT, "api-moved", "moved to POST /app/v2/things/")
    ]
    # Two new paths with the same operationId: not a move but a removal and two additions.
    new["paths"]["/app/v3/things/"] = new["paths"]["/app/v2/things/"]
    assert sorted((c.kind, c.breaking) for c in diff_documents(old, new)) == [
        ("api-added", False),
        ("api-added", False),
        ("api-removed", True),
    ]


def test_component_schemas_added_and_removed() -> None:
    old, new = document(FIXED, "both"), document(FIXED, "both")
    new["components"]["schemas"]["Extra"] = STRING
    assert [(c.where, c.kind, c.breaking) for c in diff_documents(old, new)] == [
        ("schema Extra", "schema-added", False)
    ]
    assert [(c.where, c.kind, c.breaking) for c in diff_documents(new, old)] == [
        ("schema Extra", "schema-removed", True)
    ]


def test_path_level_parameters_count_and_operation_level_ones_win() -> None:
    old = document(FIXED, "both")
    new = document(FIXED, "both")
    new["paths"][PATH]["parameters"] = [REQUIRED_Q]
    assert [(c.pointer, c.kind) for c in diff_documents(old, new)] == [
        ("query.q", "new-required-request-parameter")
    ]
    new["paths"][PATH]["post"]["parameters"] = [OPTIONAL_Q]
    assert [(c.pointer, c.kind) for c in diff_documents(old, new)] == [
        ("query.q", "new-optional-request-parameter")
    ]


# The changelog as a reader sees it.
BREAKING = Change("schema Thing", "n", "schema-property-removed", "property removed", True)
COMPATIBLE = Change("POST /a/", "", "api-added", "operation added", False)


def test_change_lines() -> None:
    assert (
        change_line(BREAKING)
        == "- **breaking** `schema Thing` `n`: schema-property-removed, property removed"
    )
    assert change_line(COMPATIBLE) == "- **compatible** `POST /a/`: api-added, operation added"


def test_entry_lists_breaking_changes_first_with_counts_per_rule() -> None:
    entry = render_entry("## title", Comparison(spec=[COMPATIBLE, BREAKING], python=[]), notes=["A note."])
    assert entry.splitlines() == [
        "## title",
        "",
        "Verdict: **breaking**.",
        "",
        "A note.",
        "",
        "### Spec",
        "",
        "1 breaking, 1 compatible.",
        "",
        "| rule | breaking | compatible |",
        "| --- | ---: | ---: |",
        "| api-added | 0 | 1 |",
        "| schema-property-removed | 1 | 0 |",
        "",
        change_line(BREAKING),
        change_line(COMPATIBLE),
        "",
        "### Python surface",
        "",
        "No change.",
    ]


@pytest.mark.parametrize(
    ("spec", "python", "verdict"),
    [
        ([], [], "no change"),
        ([COMPATIBLE], [], "compatible"),
        ([], [COMPATIBLE], "compatible"),
        ([COMPATIBLE], [BREAKING], "breaking"),
        ([BREAKING], [COMPATIBLE], "breaking"),
    ],
)
def test_entry_verdict_takes_the_worse_layer(spec: list[Change], python: list[Change], verdict: str) -> None:
    comparison = Comparison(spec=spec, python=python)
    assert f"Verdict: **{verdict}**." in render_entry("## t", comparison).splitlines()
    assert comparison.breaking is (verdict == "breaking")
    assert comparison.changed is (verdict != "no change")


def test_entries_are_appended_and_read_back() -> None:
    first = heading("2026-08-07", "ab" * 32, "cd" * 32, "2026-07-01")
    assert first == f"## 2026-08-07: spec sha256 {'ab' * 6}… (was {'cd' * 6}…, accepted 2026-07-01)"
    text = appended(None, first + "\n\nbody\n\n\n")
    assert text.startswith(PREAMBLE.rstrip("\n") + "\n\n## 2026-08-07")
    assert text.endswith("body\n")
    second = heading("2026-08-18", "ef" * 32, "ab" * 32, "2026-08-07")
    text = appended(text, second)
    assert accepted_versions(text) == [("2026-08-07", "ab" * 6), ("2026-08-18", "ef" * 6)]
