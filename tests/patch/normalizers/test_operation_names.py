"""`scripts.patch.normalizers.operation_names` on a tiny inline document and on the real mirror."""

import copy
import keyword
import re
from pathlib import Path
from typing import Any

import pytest
from mirror import load_api_key_document
from openapi_python_client.strings import snake_case

from scripts.core.errors import PatchError
from scripts.core.openapi_document import iter_operations
from scripts.patch.normalizers.operation_names import Named, break_ties, normalize, operation_name

ARRAY = {"type": "array", "items": {"type": "object"}}
OBJECT = {"type": "object", "properties": {"id": {"type": "integer"}}}


def op(upstream_id: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    """An operation whose 200 response has `schema` as its JSON body (none if not given)."""
    response: dict[str, Any] = {"description": "ok"}
    if schema is not None:
        response["content"] = {"application/json": {"schema": schema}}
    return {"operationId": upstream_id, "responses": {"200": response}}


def tiny_document() -> dict[str, Any]:
    page = {"$ref": "#/components/schemas/PaginatedCallLogList"}
    return {
        "openapi": "3.1.0",
        "paths": {
            "/test_framework/v1/scenarios/": {
                "get": op("scenarios-list", ARRAY),
                "post": op("scenarios-create"),
            },
            "/test_framework/v1/scenarios/{id}/": {
                "get": op("scenarios-retrieve", OBJECT),
                "put": op("scenarios-update"),
                "patch": op("scenarios-partial-update"),
                "delete": op("scenarios-destroy"),
            },
            "/test_framework/v1/scenarios-external/run_scenarios_pipecat/": {
                "post": op("scenarios-run-pipecat-v1"),
            },
            "/test_framework/v1/scenarios/run_scenarios_pipecat/": {
                "post": op("scenarios-run-pipecat-v1_2"),
            },
            "/test_framework/v2/scenarios/run_scenarios_pipecat/": {
                "post": op("scenarios-run-pipecat-v1_3"),
            },
            "/observability/v1/call-logs/": {"get": op("call-logs-list", page)},
            "/observability/v1/call-logs/{id}/trace/": {"get": op("call-logs-trace", OBJECT)},
            "/user/organizations/{id}/overview/": {"get": op("user-organizations-overview")},
            "/user/api/v1/user-api-key/": {"post": op("user-api-key-create")},
            "/dashboards/dashboards/{id}/": {"get": op("dashboards-retrieve", OBJECT)},
            "/app/": {"get": op("app-retrieve")},
        },
        "components": {
            "schemas": {
                "PaginatedCallLogList": {
                    "type": "object",
                    "properties": {
                        "count": {"type": "integer"},
                        "next": {"type": ["string", "null"]},
                        "previous": {"type": ["string", "null"]},
                        "results": ARRAY,
                    },
                }
            }
        },
    }


EXPECTED = {
    ("get", "/test_framework/v1/scenarios/"): "scenarios_list",
    ("post", "/test_framework/v1/scenarios/"): "scenarios_create",
    ("get", "/test_framework/v1/scenarios/{id}/"): "scenarios_retrieve",
    ("put", "/test_framework/v1/scenarios/{id}/"): "scenarios_update",
    ("patch", "/test_framework/v1/scenarios/{id}/"): "scenarios_partial_update",
    ("delete", "/test_framework/v1/scenarios/{id}/"): "scenarios_destroy",
    (
        "post",
        "/test_framework/v1/scenarios-external/run_scenarios_pipecat/",
    ): "scenarios_external_run_scenarios_pipecat_create",
    (
        "post",
        "/test_framework/v1/scenarios/run_scenarios_pipecat/",
    ): "scenarios_run_scenarios_pipecat_create",
    (
        "post",
        "/test_framework/v2/scenarios/run_scenarios_pipecat/",
    ): "scenarios_run_scenarios_pipecat_create_v2",
    ("get", "/observability/v1/call-logs/"): "call_logs_list",
    ("get", "/observability/v1/call-logs/{id}/trace/"): "call_logs_trace_retrieve",
    ("get", "/user/organizations/{id}/overview/"): "organizations_overview_retrieve",
    ("post", "/user/api/v1/user-api-key/"): "user_api_key_create",
    ("get", "/dashboards/dashboards/{id}/"): "dashboards_retrieve",
    ("get", "/app/"): "app_retrieve",
}


def names(document: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {(m, p): str(o["operationId"]) for p, m, o in iter_operations(document)}


@pytest.mark.parametrize(("method", "path"), list(EXPECTED))
def test_each_operation_is_named_by_the_rule(method: str, path: str) -> None:
    document = tiny_document()
    normalize(document)
    assert names(document)[(method, path)] == EXPECTED[(method, path)]


def test_a_name_does_not_depend_on_other_operations() -> None:
    alone = {"paths": {"/test_framework/v2/runs/{id}/": {"get": op("runs-retrieve_2")}}}
    crowded = tiny_document()
    crowded["paths"].update(copy.deepcopy(alone["paths"]))
    normalize(alone)
    normalize(crowded)
    key = ("get", "/test_framework/v2/runs/{id}/")
    assert names(alone)[key] == names(crowded)[key] == "runs_retrieve_v2"


def test_report_counts_renames_and_numeric_suffixes() -> None:
    report = normalize(tiny_document())
    assert report[0].startswith(f"{len(EXPECTED)} operationIds set from path and method;")
    assert report[1].startswith("2 of them had a numeric de-duplication suffix;")
    assert "scenarios-run-pipecat-v1_2 -> scenarios_run_scenarios_pipecat_create" in report[1]


def test_a_tie_gives_the_name_to_the_fewest_parameters_and_by_param_words_to_the_other() -> None:
    # In the 2026-07-01 document `GET .../conversations/` (not a list) tied with `.../{id}/`.
    document = {
        "paths": {
            "/app/v2/product-chat/conversations/{conversation_id}/": {"get": op("c-retrieve_2", OBJECT)},
            "/app/v2/product-chat/conversations/": {"get": op("c-retrieve", OBJECT)},
        }
    }
    normalize(document)
    assert names(document) == {
        ("get", "/app/v2/product-chat/conversations/"): "product_chat_conversations_retrieve_v2",
        (
            "get",
            "/app/v2/product-chat/conversations/{conversation_id}/",
        ): "product_chat_conversations_by_conversation_id_retrieve_v2",
    }


def test_a_tie_without_parameters_is_told_apart_by_the_app_prefix_in_path_order() -> None:
    paths = {
        "/user/oauth/token/": {"post": op("user-oauth-token-create")},
        "/user/api/v1/oauth-token/": {"post": op("oauth-token-create")},
    }
    forward, backward = {"paths": copy.deepcopy(paths)}, {"paths": dict(reversed(paths.items()))}
    normalize(forward)
    normalize(backward)
    expected = {
        ("post", "/user/api/v1/oauth-token/"): "oauth_token_create",
        ("post", "/user/oauth/token/"): "user_oauth_token_create",
    }
    assert names(forward) == names(backward) == expected


def test_a_tie_break_name_already_taken_moves_on_to_the_next() -> None:
    document = {
        "paths": {
            "/test_framework/v1/billing/": {"get": op("billing-info", OBJECT)},
            "/test_framework/v1/billing/{id}/": {"get": op("billing-retrieve", OBJECT)},
            "/test_framework/v1/billing/by-id/": {"get": op("billing-by-id", OBJECT)},
        }
    }
    normalize(document)
    assert names(document) == {
        ("get", "/test_framework/v1/billing/"): "billing_retrieve",
        ("get", "/test_framework/v1/billing/{id}/"): "test_framework_billing_by_id_retrieve",
        ("get", "/test_framework/v1/billing/by-id/"): "billing_by_id_retrieve",
    }


def test_a_three_way_tie_gives_each_operation_its_own_name() -> None:
    """The second takes `by_<param>`; the third, whose `by_<param>` name is then taken, its app's."""
    document = {
        "paths": {
            "/test_framework/v1/billing/{id}/": {"get": op("billing-retrieve", OBJECT)},
            "/observability/v1/billing/{id}/": {"get": op("billing-observed", OBJECT)},
            "/test_framework/v1/billing/": {"get": op("billing-info", OBJECT)},
        }
    }
    normalize(document)
    assert names(document) == {
        ("get", "/test_framework/v1/billing/"): "billing_retrieve",
        ("get", "/observability/v1/billing/{id}/"): "billing_by_id_retrieve",
        ("get", "/test_framework/v1/billing/{id}/"): "test_framework_billing_by_id_retrieve",
    }


def test_a_tie_the_tie_break_cannot_separate_fails_listing_the_operations_and_changes_nothing() -> None:
    document = {
        "paths": {
            "/test_framework/v1/bill-ing/": {"get": op("billing-info", OBJECT)},
            "/test_framework/v1/bill.ing/": {"get": op("billing-dot", OBJECT)},
            "/test_framework/v1/bill_ing/": {"get": op("billing-retrieve", OBJECT)},
        }
    }
    before = copy.deepcopy(document)
    with pytest.raises(PatchError, match="bill_ing_retrieve") as caught:
        normalize(document)  # bill.ing takes the app-prefixed name, bill_ing has none left
    assert "GET /test_framework/v1/bill-ing/, GET /test_framework/v1/bill_ing/)" in str(caught.value)
    assert "a tie adds `by_<param>` words, then the app prefix" in str(caught.value)
    assert "no overlay is at fault" in str(caught.value) and "spec/overlays" not in str(caught.value)
    assert document == before


def test_a_name_whose_derived_models_hit_a_component_fails() -> None:
    document = tiny_document()
    document["components"]["schemas"]["ScenariosCreateBody"] = OBJECT
    with pytest.raises(PatchError, match="scenarios_create ~ ScenariosCreateBody"):
        normalize(document)


def test_a_document_without_paths_fails() -> None:
    with pytest.raises(PatchError, match="no `paths`"):
        normalize({"openapi": "3.1.0"})


def test_real_document_names_are_unique_suffix_free_identifiers(mirror: Path) -> None:
    document = load_api_key_document(mirror)
    normalize(document)  # raises on any collision
    ids = [str(o["operationId"]) for _, _, o in iter_operations(document)]
    assert len(ids) == len(set(ids)) == 817
    assert [i for i in ids if re.search(r"_\d+$", i)] == []
    python_names = [snake_case(i) for i in ids]
    assert python_names == ids
    assert all(n.isidentifier() and not keyword.iskeyword(n) for n in python_names)


def test_a_path_without_words_after_its_app_and_version_is_named_by_the_app() -> None:
    document = {"paths": {"/schedules/v2/{id}/": {"get": op("schedules-retrieve", OBJECT)}}}
    normalize(document)
    assert names(document) == {("get", "/schedules/v2/{id}/"): "schedules_retrieve_v2"}


@pytest.mark.parametrize(
    ("content", "verb"),
    [
        ({"text/plain": {}, "application/json": {"schema": ARRAY}}, "list"),
        ({"text/csv": {"schema": "not a schema"}, "application/json": {"schema": ARRAY}}, "list"),
        (
            {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {k: {} for k in ("next", "previous", "results")},
                    }
                }
            },
            "list",
        ),
        (
            {"application/json": {"schema": {"type": "object", "properties": {"next": {}, "results": {}}}}},
            "retrieve",
        ),
    ],
)
def test_get_is_list_when_any_json_body_is_an_array_or_a_page(content: dict[str, Any], verb: str) -> None:
    operation = {"operationId": "x", "responses": {"200": {"description": "ok", "content": content}}}
    document = {"paths": {"/test_framework/v1/widgets/": {"get": operation}}}
    normalize(document)
    assert names(document) == {("get", "/test_framework/v1/widgets/"): f"widgets_{verb}"}


def test_a_name_whose_parameter_model_hits_a_component_fails() -> None:
    """`<OperationId><Param>` is the name the generator gives an inline enum parameter."""
    document = tiny_document()
    parameter = {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["a"]}}
    document["paths"]["/test_framework/v1/scenarios/"]["get"]["parameters"] = [parameter]
    document["components"]["schemas"]["ScenariosListStatus"] = OBJECT
    with pytest.raises(PatchError, match=r"scenarios_list ~ ScenariosListStatus"):
        normalize(document)
    del document["components"]["schemas"]["ScenariosListStatus"]
    normalize(document)


def test_report_when_every_name_is_upstream_s_already() -> None:
    document = {
        "paths": {
            "/test_framework/v1/runs/": {"post": op("runs_create")},
            "/test_framework/v1/runs/{id}/": {"get": op("runs-retrieve", OBJECT)},
        }
    }
    assert normalize(document) == ["2 operationIds set; no Python function name changed"]


def test_report_gives_three_examples_of_each_kind() -> None:
    report = normalize(tiny_document())
    assert [line.split("e.g. ", 1)[1].count(" -> ") for line in report] == [3, 2]


@pytest.mark.parametrize(
    ("path", "name"),
    [("/user/api/v2/widgets/", "widgets_create_v2"), ("/user/api/tokens/", "tokens_create")],
)
def test_an_api_segment_after_the_app_is_dropped_and_only_it(path: str, name: str) -> None:
    document = {"paths": {path: {"post": op("x")}}}
    normalize(document)
    assert names(document) == {("post", path): name}


def test_the_tie_break_renames_nothing_in_the_real_document(mirror: Path) -> None:
    document = load_api_key_document(mirror)
    plain = [
        Named(operation_name(path, method, operation, document), path, method, operation)
        for path, method, operation in iter_operations(document)
    ]
    assert break_ties(plain, document) == plain


def test_a_tie_break_name_leaves_out_the_api_and_version_segments() -> None:
    document = {
        "paths": {
            "/user/api/v1/widgets/": {"get": op("widgets-info", OBJECT)},
            "/user/api/v1/widgets/{id}/": {"get": op("widgets-retrieve", OBJECT)},
        }
    }
    normalize(document)
    assert names(document) == {
        ("get", "/user/api/v1/widgets/"): "widgets_retrieve",
        ("get", "/user/api/v1/widgets/{id}/"): "widgets_by_id_retrieve",
    }
