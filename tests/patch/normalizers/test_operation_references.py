"""`scripts.normalizers.operation_references` on a tiny inline document and on the real mirror."""

import copy
import re
from pathlib import Path
from typing import Any

from mirror import load_api_key_document

from scripts.core.openapi_document import iter_operations
from scripts.patch.normalizers import operation_references
from scripts.patch.normalizers.operation_references import client_names, normalize, spellings


def op(upstream_id: str, description: str = "", deprecated: bool = False) -> dict[str, Any]:
    operation: dict[str, Any] = {"operationId": upstream_id, "description": description, "responses": {}}
    if deprecated:
        operation["deprecated"] = True
    return operation


def tiny_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "paths": {
            # One view under three paths, as drf-spectacular de-duplicates it.
            "/test_framework/v1/scenarios/run_scenarios_pipecat/": {"post": op("scenarios-run-pipecat-v1")},
            "/test_framework/v1/scenarios-external/run_scenarios_pipecat/": {
                "post": op("scenarios-run-pipecat-v1_2")
            },
            "/test_framework/v2/scenarios/run_scenarios_pipecat/": {"post": op("scenarios-run-pipecat-v1_3")},
            "/test_framework/v1/runs/bulk/": {"get": op("runs-v1-bulk-retrieve", deprecated=True)},
            "/test_framework/v1/results/": {
                "get": op(
                    "results-v1-list",
                    "Use `scenarios_run_pipecat` or `runs_bulk_retrieve(ids=...)`; `run_id` is a field.",
                )
            },
        },
        "components": {"schemas": {"Run": {"description": "Made by `scenarios_run_pipecat`."}}},
    }


def test_spellings_drop_the_suffix_and_the_v1_word() -> None:
    assert spellings("runs-v1-bulk-retrieve") == {"runs_v1_bulk_retrieve", "runs_bulk_retrieve"}
    assert "scenarios_run_pipecat" in spellings("scenarios-run-pipecat-v1_3")


def test_one_spelling_names_the_current_operation() -> None:
    names = client_names(tiny_document())
    assert names["scenarios_run_pipecat"] == "client.scenarios.run_scenarios_pipecat_create_v2"
    assert names["runs_bulk_retrieve"] == "client.runs.bulk_retrieve"  # no successor: the deprecated one


def test_prose_is_rewritten_and_calls_and_fields_are_kept() -> None:
    document = tiny_document()
    report = normalize(document)
    description = document["paths"]["/test_framework/v1/results/"]["get"]["description"]
    assert description == (
        "Use `client.scenarios.run_scenarios_pipecat_create_v2` or `client.runs.bulk_retrieve(ids=...)`; "
        "`run_id` is a field."
    )
    assert document["components"]["schemas"]["Run"]["description"] == (
        "Made by `client.scenarios.run_scenarios_pipecat_create_v2`."
    )
    assert report == ["3 operation names in prose rewritten to the client's (`client.<resource>.<method>`)"]


def test_on_the_mirror_every_rewritten_name_is_an_operation_of_the_client(mirror: Path) -> None:
    document = load_api_key_document(mirror)
    names = set(client_names(document).values())
    before = copy.deepcopy(document)
    normalize(document)
    assert document != before
    mentioned = {
        match.group(1)
        for _, _, operation in iter_operations(document)
        for match in re.finditer(r"`(client\.[a-z0-9_]+\.[a-z0-9_]+)", str(operation.get("description")))
    }
    assert mentioned and mentioned <= names
    assert "client.scenarios.run_scenarios_pipecat_v2_create_v2" in mentioned
    assert operation_references.__doc__ and "Delete when" in operation_references.__doc__


def test_a_tied_operation_is_named_as_the_tie_break_names_it() -> None:
    document = {
        "paths": {
            "/test_framework/v1/billing/": {"get": op("billing-retrieve")},
            "/test_framework/v1/billing/{id}/": {"get": op("billing-retrieve_2")},
        }
    }
    names = client_names(document)
    assert names["billing_retrieve"] == "client.billing.retrieve"
    assert names["billing_retrieve_2"] == "client.billing.by_id_retrieve"
