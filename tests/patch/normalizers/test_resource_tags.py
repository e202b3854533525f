"""`scripts.patch.normalizers.resource_tags` on a tiny inline document and on the real mirror."""

from pathlib import Path
from typing import Any

import pytest
from mirror import load_api_key_document
from openapi_python_client.strings import PythonIdentifier, snake_case

from scripts.core.openapi_document import iter_operations
from scripts.patch.normalizers.resource_tags import normalize

EXPECTED = {
    "/test_framework/v1/scenarios/": "scenarios",
    "/test_framework/v1/scenarios-external/{id}/": "scenarios",
    "/test_framework/v2/scenarios/run_scenarios_pipecat/": "scenarios",
    "/observability/v1/call-logs-external/{id}/": "call_logs",
    "/observability/v2/call-logs/": "call_logs",
    "/test_framework/billing/{id}/usage-chart/": "billing",
    "/user/organizations/": "organizations",
    "/user/v2/organizations/": "organizations",
    "/user/api/v1/user-api-key/": "user_api_key",
    "/dashboards/dashboards/{id}/": "dashboards",
    "/dashboards/widgets/": "widgets",
    "/app/": "app",
}


def tiny_document(upstream_tags: list[str]) -> dict[str, Any]:
    operation = {"tags": upstream_tags, "responses": {"200": {"description": "ok"}}}
    return {"openapi": "3.1.0", "paths": {path: {"get": dict(operation)} for path in EXPECTED}}


def tags(document: dict[str, Any]) -> dict[str, list[str]]:
    return {path: operation["tags"] for path, _, operation in iter_operations(document)}


@pytest.mark.parametrize("path", list(EXPECTED))
def test_each_path_gets_exactly_its_resource_tag(path: str) -> None:
    document = tiny_document(["test_framework", "Evaluators"])
    normalize(document)
    assert tags(document)[path] == [EXPECTED[path]]


def test_tags_are_the_module_names_the_generator_makes() -> None:
    document = tiny_document(["test_framework"])
    document["paths"]["/observability/v1/Call-Logs.Export/"] = {"get": {"responses": {}}}
    normalize(document)
    made = {tag for tags_of_path in tags(document).values() for tag in tags_of_path}
    # openapi-python-client names the module of a tag `PythonIdentifier(tag, prefix="tag")`
    # (parser/openapi.py, `EndpointCollection.from_data`).
    assert {str(PythonIdentifier(tag, prefix="tag")) for tag in made} == made
    assert "call_logs_export" in made


def test_top_level_tags_become_the_sorted_used_set_keeping_descriptions() -> None:
    document = tiny_document([])
    document["tags"] = [{"name": "Evaluators"}, {"name": "widgets", "description": "Widgets."}]
    normalize(document)
    assert document["tags"] == [
        {"name": name} if name != "widgets" else {"name": "widgets", "description": "Widgets."}
        for name in sorted(set(EXPECTED.values()))
    ]


def test_no_top_level_tags_are_added() -> None:
    document = tiny_document([])
    normalize(document)
    assert "tags" not in document


def test_report_counts_operations_tags_and_moves() -> None:
    report = normalize(tiny_document(["test_framework"]))
    assert report[0].startswith(
        f"{len(EXPECTED)} operations under {len(set(EXPECTED.values()))} resource tags;"
    )
    assert report[1].startswith(f"{len(EXPECTED)} operations re-tagged; most common")


def test_real_document_has_one_tag_per_operation_and_39_resources(mirror: Path) -> None:
    document = load_api_key_document(mirror)
    normalize(document)
    per_operation = [operation["tags"] for _, _, operation in iter_operations(document)]
    assert len(per_operation) == 817
    assert all(len(t) == 1 and snake_case(t[0]) == t[0] for t in per_operation)
    assert len({t[0] for t in per_operation}) == 39
