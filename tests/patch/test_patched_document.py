"""The patched document (`spec/build/openapi.json`) against the defects it must not have."""

import json
import re
from typing import Any

import pytest
from mirror import load_api_key_document
from repairs import requires_overlay

from scripts.core import paths
from scripts.core.openapi_document import iter_operations, referenced_components
from scripts.patch.check_examples import find_example_violations
from scripts.patch.validate_spec import validator_errors

RUN_STATUS = ["pending", "running", "completed", "failed"]
SESSION_BODY_PATHS = [
    f"/test_framework/{prefix}/{action}/"
    for prefix in ("v1/scenarios", "v1/scenarios-external", "v2/scenarios")
    for action in ("cancel-agent", "discard-changes")
]


def operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(method, path): operation for path, method, operation in iter_operations(document)}


def test_validator_reports_no_error(patched_document: dict[str, Any]) -> None:
    assert validator_errors(patched_document) == []


def test_exactly_the_api_key_operations_are_kept(patched_document: dict[str, Any]) -> None:
    kept = set(operations(patched_document))
    assert kept == set(operations(load_api_key_document(paths.UPSTREAM_DIR)))
    assert all(op["security"] == [{"api_key": []}] for op in operations(patched_document).values())
    assert list(patched_document["components"]["securitySchemes"]) == ["api_key"]


def test_operation_ids_are_unique_python_names_without_numeric_suffixes(
    patched_document: dict[str, Any],
) -> None:
    ids = [op["operationId"] for op in operations(patched_document).values()]
    assert len(ids) == len(set(ids))
    assert [name for name in ids if re.search(r"_\d+$", name)] == []
    assert [name for name in ids if not re.fullmatch(r"[a-z][a-z0-9_]*", name)] == []


def test_every_operation_has_one_resource_tag(patched_document: dict[str, Any]) -> None:
    assert all(len(op["tags"]) == 1 for op in operations(patched_document).values())


@requires_overlay("01-request-body-media-types.yaml")
@pytest.mark.parametrize("path", SESSION_BODY_PATHS)
def test_session_bodies_are_declared_under_media_types(patched_document: dict[str, Any], path: str) -> None:
    content = patched_document["paths"][path]["post"]["requestBody"]["content"]
    assert sorted(content) == [
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ]
    for media in content.values():
        schema = media["schema"]
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = patched_document["components"]["schemas"][name]
        assert schema["properties"]["session_id"] == {"type": "integer"}


def test_the_run_status_enum_is_one_schema(patched_document: dict[str, Any]) -> None:
    text = json.dumps(patched_document)
    run_status = [
        name
        for name, schema in patched_document["components"]["schemas"].items()
        if schema.get("enum") == RUN_STATUS
    ]
    assert len(run_status) == 1
    assert text.count(json.dumps(RUN_STATUS)) == 1


def test_no_vendor_extensions_remain(patched_document: dict[str, Any]) -> None:
    assert not re.search(r'"x-(mint|mcp-[a-z]+|docs-exclude|spec-enum-id)"', json.dumps(patched_document))


def test_every_example_matches_its_schema(patched_document: dict[str, Any]) -> None:
    assert [str(v) for v in find_example_violations(patched_document)] == []


def test_the_report_lists_every_overlay(patched_document: dict[str, Any]) -> None:
    del patched_document  # the fixture makes sure patch ran
    report = paths.PATCH_REPORT.read_text("utf-8")
    for overlay in sorted(paths.OVERLAYS_DIR.glob("*.yaml")):
        assert overlay.name in report


@requires_overlay("25-bad-request-responses.yaml")
def test_every_operation_declares_the_validation_error(patched_document: dict[str, Any]) -> None:
    missing = [
        op["operationId"] for op in operations(patched_document).values() if "400" not in op["responses"]
    ]
    assert missing == []


def test_no_response_requires_a_write_only_property(patched_document: dict[str, Any]) -> None:
    responses = [op["responses"] for op in operations(patched_document).values()]
    schemas = patched_document["components"]["schemas"]
    in_responses = [
        name for section, name in referenced_components(patched_document, responses) if section == "schemas"
    ]
    offending = [
        f"{name}.{field}"
        for name in in_responses
        for field in schemas[name].get("required", [])
        if schemas[name].get("properties", {}).get(field, {}).get("writeOnly")
    ]
    assert offending == []
    request_only = schemas["ImportTwilioNumber"]
    assert "twilio_auth_token" in request_only["required"]  # a request still has to send it
