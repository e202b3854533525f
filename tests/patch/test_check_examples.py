"""The example checker on tiny documents, and the overlays against the mirror's examples."""

import json
import time
from pathlib import Path
from typing import Any

import pytest
from mirror import keep_api_key_operations, load_api_key_document, load_document

from scripts.core import paths
from scripts.patch.check_examples import ExampleViolation, find_example_violations, main
from scripts.patch.overlay import apply_overlay, load_overlay

PET = {
    "type": "object",
    "properties": {
        "id": {"type": "integer", "readOnly": True},
        "name": {"type": "string"},
        "secret": {"type": "string", "writeOnly": True},
    },
    "required": ["id", "name", "secret"],
}


def document_with(operation: dict[str, Any], schemas: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/pets/": {"post": operation}},
        "components": {"schemas": schemas or {}},
    }


def json_body(schema: dict[str, Any], **examples: Any) -> dict[str, Any]:
    media = {"schema": schema, "examples": {k: {"value": v} for k, v in examples.items()}}
    return {"content": {"application/json": media}}


def test_a_valid_example_passes() -> None:
    document = document_with(
        {"requestBody": json_body({"type": "array", "items": {"type": "integer"}}, ok=[1, 2])}
    )
    assert find_example_violations(document) == []


def test_an_invalid_request_example_is_reported_with_both_locations() -> None:
    document = document_with(
        {"requestBody": json_body({"type": "array", "items": {"type": "integer"}}, bad=["<int>"])}
    )
    media = "/paths/~1pets~1/post/requestBody/content/application~1json"
    assert find_example_violations(document) == [
        ExampleViolation(
            example=f"{media}/examples/bad/value",
            schema=f"{media}/schema",
            message="$[0]: '<int>' is not of type 'integer'",
        )
    ]


def test_a_ref_schema_resolves_to_the_component() -> None:
    document = document_with(
        {
            "requestBody": json_body(
                {"$ref": "#/components/schemas/Pet"},
                ok={"name": "Rex", "secret": "s"},
                bad={"name": 7, "secret": "s"},
            )
        },
        {"Pet": PET},
    )
    [violation] = find_example_violations(document)
    assert violation.example.endswith("/examples/bad/value")
    assert violation.message == "$.name: 7 is not of type 'string'"


def test_a_response_example_is_checked_and_may_omit_write_only_fields() -> None:
    response = json_body({"$ref": "#/components/schemas/Pet"}, ok={"id": 1, "name": "Rex"})
    response["content"]["application/json"]["example"] = {"name": "Rex"}
    document = document_with({"responses": {"201": {"description": "", **response}}}, {"Pet": PET})
    [violation] = find_example_violations(document)
    assert violation.example == ("/paths/~1pets~1/post/responses/201/content/application~1json/example")
    assert violation.message == "$: 'id' is a required property"


def test_a_request_example_may_omit_read_only_fields_but_not_write_only_ones() -> None:
    document = document_with(
        {"requestBody": json_body({"$ref": "#/components/schemas/Pet"}, bad={"name": "Rex"})},
        {"Pet": PET},
    )
    assert [v.message for v in find_example_violations(document)] == ["$: 'secret' is a required property"]


def test_schema_level_examples_and_referenced_example_objects_are_checked() -> None:
    schemas = {
        "Count": {"type": "integer", "examples": [3, "three"]},
        "Page": {"type": "object", "properties": {"next": {"type": "string", "example": 4}}},
    }
    document = document_with(
        {
            "requestBody": {
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/Count"},
                        "examples": {"shared": {"$ref": "#/components/examples/Shared"}},
                    }
                }
            }
        },
        schemas,
    )
    document["components"]["examples"] = {"Shared": {"value": "x"}}
    found = {v.example: v.schema for v in find_example_violations(document)}
    assert found == {
        "/paths/~1pets~1/post/requestBody/content/application~1json/examples/shared": (
            "/paths/~1pets~1/post/requestBody/content/application~1json/schema"
        ),
        "/components/schemas/Count/examples/1": "/components/schemas/Count",
        "/components/schemas/Page/properties/next/example": "/components/schemas/Page/properties/next",
    }


def test_main_prints_violations_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = document_with({"requestBody": json_body({"type": "integer"}, bad="x")})
    good = document_with({"requestBody": json_body({"type": "integer"}, ok=1)})
    (tmp_path / "bad.json").write_text(json.dumps(bad), encoding="utf-8")
    (tmp_path / "good.json").write_text(json.dumps(good), encoding="utf-8")
    assert main([str(tmp_path / "bad.json")]) == 1
    assert "examples/bad/value: $: 'x' is not of type 'integer'" in capsys.readouterr().out
    assert main([str(tmp_path / "good.json")]) == 0
    assert capsys.readouterr().out == ""


def test_the_upstream_api_key_operations_have_violations(mirror: Path) -> None:
    assert find_example_violations(load_api_key_document(mirror)) != []


def test_after_the_overlays_every_example_matches_its_schema(mirror: Path) -> None:
    document = load_document(mirror)
    for path in sorted(paths.OVERLAYS_DIR.glob("*.yaml")):
        apply_overlay(document, load_overlay(path))
    keep_api_key_operations(document)  # a no-op after the scope
    started = time.monotonic()
    violations = find_example_violations(document)
    assert time.monotonic() - started < 10
    assert [str(v) for v in violations] == []
