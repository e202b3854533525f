"""The spec layer of the changelog, rule by rule on tiny documents (the real history: test_update_spec)."""

from typing import Any

import pytest

from scripts.update.changelog import compare, render_entry
from scripts.update.changes import Change
from scripts.update.spec_diff import diff_documents

OK = {
    "200": {
        "description": "ok",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Out"}}},
    }
}


def document(
    parameters: list[dict[str, Any]] | None = None,
    body: dict[str, Any] | None = None,
    out: dict[str, Any] | None = None,
    path: str = "/app/v1/things/",
) -> dict[str, Any]:
    operation: dict[str, Any] = {"operationId": "things", "parameters": parameters or [], "responses": OK}
    if body is not None:
        operation["requestBody"] = {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/In"}}}
        }
    schemas = {"Out": out or {"type": "object", "properties": {"id": {"type": "integer"}}}}
    if body is not None:
        schemas["In"] = body
    return {"openapi": "3.1.0", "paths": {path: {"post": operation}}, "components": {"schemas": schemas}}


def kinds(changes: list[Change]) -> set[tuple[str, bool]]:
    return {(change.kind, change.breaking) for change in changes}


def obj(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required or []}


STATUS = {"type": "string", "enum": ["a", "b"]}
STATUS_WITHOUT_B = {"type": "string", "enum": ["a"]}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # A removed enum value breaks a sender, not a reader.
        (
            document(body=obj({"s": STATUS})),
            document(body=obj({"s": STATUS_WITHOUT_B})),
            ("schema-enum-value-removed", True),
        ),
        (
            document(out=obj({"s": STATUS})),
            document(out=obj({"s": STATUS_WITHOUT_B})),
            ("schema-enum-value-removed", False),
        ),
        (
            document(out=obj({"s": STATUS_WITHOUT_B})),
            document(out=obj({"s": STATUS})),
            ("schema-enum-value-added", False),
        ),
        # New fields: required in a request breaks, optional does not; in a response neither does.
        (
            document(body=obj({})),
            document(body=obj({"n": {"type": "string"}}, ["n"])),
            ("schema-property-added-required", True),
        ),
        (
            document(body=obj({})),
            document(body=obj({"n": {"type": "string"}})),
            ("schema-property-added-optional", False),
        ),
        (
            document(out=obj({})),
            document(out=obj({"n": {"type": "string"}}, ["n"])),
            ("schema-property-added-required", False),
        ),
        # A removed or retyped response field breaks a reader; so does one that became nullable.
        (
            document(out=obj({"n": {"type": "string"}})),
            document(out=obj({})),
            ("schema-property-removed", True),
        ),
        (
            document(out=obj({"n": {"type": "string"}})),
            document(out=obj({"n": {"type": "integer"}})),
            ("schema-type-changed", True),
        ),
        (
            document(out=obj({"n": {"type": "string"}})),
            document(out=obj({"n": {"type": ["string", "null"]}})),
            ("schema-became-nullable", True),
        ),
        (
            document(body=obj({"n": {"type": "string"}})),
            document(body=obj({"n": {"type": ["string", "null"]}})),
            ("schema-became-nullable", False),
        ),
        # A readOnly field only travels in responses: adding a required one breaks no sender.
        (
            document(body=obj({})),
            document(body=obj({"n": {"type": "string", "readOnly": True}}, ["n"])),
            ("schema-property-added-required", False),
        ),
        # Parameters.
        (
            document(),
            document([{"name": "q", "in": "query", "required": True, "schema": {"type": "string"}}]),
            ("new-required-request-parameter", True),
        ),
        (
            document(),
            document([{"name": "q", "in": "query", "schema": {"type": "string"}}]),
            ("new-optional-request-parameter", False),
        ),
        (
            document([{"name": "q", "in": "query", "schema": {"type": "string"}}]),
            document(),
            ("request-parameter-removed", True),
        ),
        (
            document([{"name": "q", "in": "query", "schema": {"type": "string", "format": "date"}}]),
            document([{"name": "q", "in": "query", "schema": {"type": "string", "format": "date-time"}}]),
            ("request-parameter-type-changed", True),
        ),
    ],
)
def test_rule(old: dict[str, Any], new: dict[str, Any], expected: tuple[str, bool]) -> None:
    assert expected in kinds(diff_documents(old, new))


def test_identical_documents_have_no_change() -> None:
    assert diff_documents(document(body=obj({"s": STATUS})), document(body=obj({"s": STATUS}))) == []


def test_operations_added_removed_and_moved() -> None:
    old, new = document(path="/app/v1/things/"), document(path="/app/v1/items/")
    assert [(c.where, c.kind, c.breaking) for c in diff_documents(old, new)] == [
        ("POST /app/v1/things/", "api-moved", True)
    ]
    new["paths"]["/app/v1/items/"]["post"]["operationId"] = "items"
    assert kinds(diff_documents(old, new)) == {("api-removed", True), ("api-added", False)}


def test_success_status_removed_breaks_a_client() -> None:
    new = document()
    new["paths"]["/app/v1/things/"]["post"]["responses"] = {"201": OK["200"]}
    assert kinds(diff_documents(document(), new)) == {
        ("response-success-status-removed", True),
        ("response-status-added", False),
    }


def test_an_operation_that_became_deprecated_is_reported() -> None:
    old, new = document(), document()
    new["paths"]["/app/v1/things/"]["post"]["deprecated"] = True
    changes = diff_documents(old, new)
    assert [(c.where, c.kind, c.detail, c.breaking) for c in changes] == [
        ("POST /app/v1/things/", "endpoint-deprecated", "operation deprecated", False)
    ]
    assert diff_documents(new, new) == []


def test_the_changelog_entry_says_which_operations_became_deprecated() -> None:
    old, new = document(), document()
    new["paths"]["/app/v1/things/"]["post"]["deprecated"] = True
    entry = render_entry("## entry", compare(old, new, old, new))
    assert "- **compatible** `POST /app/v1/things/`: endpoint-deprecated, operation deprecated" in entry
