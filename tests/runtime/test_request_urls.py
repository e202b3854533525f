"""Path and query values reach Django as the caller passed them (`request_url`, the endpoint templates).

A client generated from a tiny document (the Cekura spec's parameter shapes: string and integer
path values, `style: form, explode: false` arrays, a JSON-content `filters`, date-time, boolean)
calls a Django app on loopback (`request_oracle`) that routes with URL patterns built from the same
document and reads the query with `QueryDict` and django-filter, as the backend does.
"""

import importlib
import inspect
import json
import pkgutil
from pathlib import Path
from typing import Any

import django_filters
import pytest
from fixture_client import build_fixture_client, run_in_client
from request_oracle import CharInFilter, NumberInFilter, serve

from scripts.core.errors import ToolchainError
from scripts.generate.generate_client import generator_document

NO_CONTENT = {"204": {"description": ""}}
INTEGER = {"type": "integer"}
STRING = {"type": "string"}


def path_parameter(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema}


def comma_list(name: str, items: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "style": "form", "explode": False,
            "schema": {"type": "array", "items": items}}  # fmt: skip


DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Fixture", "version": "1"},
    "paths": {
        "/agents/{agent_id}/": {
            "delete": {
                "operationId": "agents_destroy",
                "parameters": [path_parameter("agent_id", STRING)],
                "responses": NO_CONTENT,
            }
        },
        "/agents/{agent_id}/tools/{tool_name}/": {
            "delete": {
                "operationId": "agents_tool_destroy",
                "parameters": [path_parameter("agent_id", STRING), path_parameter("tool_name", STRING)],
                "responses": NO_CONTENT,
            }
        },
        "/runs/{id}/": {
            "get": {
                "operationId": "runs_retrieve",
                "parameters": [path_parameter("id", INTEGER)],
                "responses": NO_CONTENT,
            }
        },
        "/runs/": {
            "get": {
                "operationId": "runs_list",
                "parameters": [
                    comma_list("id__in", INTEGER),
                    comma_list("status__in", STRING),
                    {
                        "name": "timestamp__gte",
                        "in": "query",
                        "schema": {"type": "string", "format": "date-time"},
                    },
                    {"name": "success", "in": "query", "schema": {"type": "boolean"}},
                    {"name": "search", "in": "query", "schema": STRING},
                    {
                        "name": "filters",
                        "in": "query",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                ],
                "responses": NO_CONTENT,
            }
        },
    },
}


class RunFilter(django_filters.FilterSet):  # type: ignore[misc]
    """The backend's filters for `runs_list` (labels given: there is no model to name them)."""

    id__in = NumberInFilter(field_name="id", lookup_expr="in", label="id")
    status__in = CharInFilter(field_name="status", lookup_expr="in", label="status")
    timestamp__gte = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="gte", label="t")
    success = django_filters.BooleanFilter(label="success")
    search = django_filters.CharFilter(label="search")


FILTERSETS = {"runs_list": RunFilter}

CALL = """
import json, datetime, sys
from cekura_client.client import Client
from cekura_client import models
from cekura_client.errors import RequestEncodingError
from cekura_client.api.default import agents_destroy, agents_tool_destroy, runs_list, runs_retrieve
client = Client(base_url=sys.argv[1] if len(sys.argv) > 1 else {base_url!r})
results = []
for name, call in {calls}:
    try:
        response = call()
        results.append({{"name": name, "read": json.loads(response.content)}})
    except RequestEncodingError as error:
        results.append({{"name": name, "refused": str(error), "value_error": isinstance(error, ValueError)}})
print(json.dumps(results))
"""


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_client(tmp_path_factory, "request-urls", DOCUMENT)


def call(client: Path, calls: dict[str, str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run each `name: expression` (a generated call) against the oracle; results by name, and the records."""
    listed = "[" + ", ".join(f"({name!r}, lambda: {expression})" for name, expression in calls.items()) + "]"
    with serve(DOCUMENT, FILTERSETS) as (base_url, records):
        results = run_in_client(client, CALL.format(base_url=base_url, calls=listed))
    return {result.pop("name"): result for result in results}, records


# --- path parameters ----------------------------------------------------------------------------------

SEGMENTS = ["7", "...", "..x", ".hidden", "a b", "50%", "a?b=c", "a#b", "é", "a;b", "+1", "~x", "a/b"]


def test_every_path_value_is_one_segment_that_django_reads_back(client: Path) -> None:
    calls = {
        value: f"agents_tool_destroy.sync_detailed('agent 1', {value!r}, client=client)" for value in SEGMENTS
    }
    results, _ = call(client, calls)
    for value in SEGMENTS:
        read = results[value]["read"]
        if "/" in value:  # one encoded segment on the wire; the WSGI server decodes `%2F` before routing
            assert read["raw"] == "/agents/agent%201/tools/a%2Fb/"
            continue
        assert read["operation"] == "agents_tool_destroy", value
        assert read["path_values"] == {"agent_id": "agent 1", "tool_name": value}


@pytest.mark.parametrize("value", [".", "..", ""])
def test_a_dot_segment_or_empty_path_value_is_refused_before_any_io(client: Path, value: str) -> None:
    """`tool_name=".."` went out as `DELETE /agents/7/`: the agent, not the tool."""
    results, records = call(
        client,
        {
            "tool": f"agents_tool_destroy.sync_detailed('7', {value!r}, client=client)",
            "agent": f"agents_destroy.sync_detailed({value!r}, client=client)",
        },
    )
    assert records == []
    assert results["tool"]["refused"] == (
        f"tool_name: a path parameter cannot be {value!r}: the URL would name another endpoint"
    )
    assert results["agent"]["refused"].startswith("agent_id: ")
    assert results["tool"]["value_error"] is True


def test_an_integer_path_value_is_sent_as_is(client: Path) -> None:
    results, _ = call(client, {"run": "runs_retrieve.sync_detailed(-12, client=client)"})
    assert results["run"]["read"]["path_values"] == {"id": "-12"}


# --- query parameters ---------------------------------------------------------------------------------


def test_list_filters_reach_django_filter_with_every_value(client: Path) -> None:
    """`id__in=[1, 2, 3]` went out as `id__in=1&id__in=2&id__in=3`, which django-filter reads as [3]."""
    results, _ = call(
        client,
        {
            "lists": "runs_list.sync_detailed(client=client, id_in=[1, 2, 3], "
            "status_in=['failed', 'timed out'])"
        },
    )
    read = results["lists"]["read"]
    assert read["query"] == {"id__in": ["1,2,3"], "status__in": ["failed,timed out"]}
    assert read["filters"] == {"id__in": [1, 2, 3], "status__in": ["failed", "timed out"]}


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("id_in=[]", "id_in: an empty list reads as no filter at all"),
        ("status_in=['a', 'b,c']", "status_in[1]: 'b,c' holds a comma"),
    ],
)
def test_a_list_django_filter_would_read_otherwise_is_refused(
    client: Path, expression: str, message: str
) -> None:
    results, records = call(client, {"list": f"runs_list.sync_detailed(client=client, {expression})"})
    assert records == []
    assert results["list"]["refused"].startswith(message)


def test_json_filters_arrive_as_one_json_value(client: Path) -> None:
    """`filters` (declared as JSON content) went out as `operator=and&conditions={'field': ...}`."""
    filters = {"operator": "and", "conditions": [{"field": "agents__id", "op": "in", "value": [1, 2]}]}
    results, _ = call(
        client,
        {
            "json": "runs_list.sync_detailed(client=client, "
            f"filters=models.RunsListFilters.from_dict({filters!r}))"
        },
    )
    query = results["json"]["read"]["query"]
    assert list(query) == ["filters"]
    assert json.loads(query["filters"][0]) == filters


def test_an_aware_datetime_and_a_boolean_read_as_passed(client: Path) -> None:
    results, _ = call(
        client,
        {
            "aware": "runs_list.sync_detailed(client=client, success=False, search='a&b=c', "
            "timestamp_gte=datetime.datetime(2026, 1, 2, 3, 4, 5, "
            "tzinfo=datetime.timezone(datetime.timedelta(hours=2))))"
        },
    )
    assert results["aware"]["read"]["filters"] == {
        "timestamp__gte": "2026-01-02T03:04:05+02:00",
        "success": False,
        "search": "a&b=c",
    }


def test_a_naive_datetime_is_refused_before_any_io(client: Path) -> None:
    """Django reads a naive datetime in the server's TIME_ZONE, which the caller does not know."""
    results, records = call(
        client,
        {"naive": "runs_list.sync_detailed(client=client, timestamp_gte=datetime.datetime(2026, 1, 2))"},
    )
    assert records == []
    assert results["naive"]["refused"].startswith("timestamp_gte: 2026-01-02T00:00:00 has no time zone")


# --- what the generator is given ------------------------------------------------------------------------


def test_the_generator_gets_json_content_parameters_as_schema_ones() -> None:
    """openapi-python-client 0.29.1 silently drops a `content` parameter."""
    parameters = generator_document(DOCUMENT)["paths"]["/runs/"]["get"]["parameters"]
    assert parameters[-1] == {"name": "filters", "in": "query", "schema": {"type": "object"}}
    assert "content" in DOCUMENT["paths"]["/runs/"]["get"]["parameters"][-1]


@pytest.mark.parametrize(
    ("parameter", "message"),
    [
        ({"name": "ids", "in": "query", "schema": {"type": "array", "items": INTEGER}}, "arrays only as"),
        (
            {"name": "f", "in": "query", "schema": {"type": "object"}},
            "an object in the query is sent as JSON",
        ),
        (
            {"name": "f", "in": "query", "content": {"text/plain": {"schema": STRING}}},
            "only JSON content",
        ),
    ],
)
def test_a_serialisation_the_client_does_not_send_fails_generation(
    parameter: dict[str, Any], message: str
) -> None:
    document = {"paths": {"/x/": {"get": {"parameters": [parameter], "responses": NO_CONTENT}}}}
    with pytest.raises(ToolchainError, match=message):
        generator_document(document)


# --- the Cekura client: no string path value reaches another operation ---------------------------------


def test_no_string_path_value_of_the_cekura_client_leaves_its_segment(
    generated_project: Path, patched_document: dict[str, Any]
) -> None:
    """Every string path parameter of every operation: dot segments refused, `/` kept inside the segment."""
    api = importlib.import_module("cekura_client.api")
    errors = importlib.import_module("cekura_client.errors")
    routes = {
        operation["operationId"]: route
        for route, item in patched_document["paths"].items()
        for operation in item.values()
    }
    checked = 0
    for info in pkgutil.walk_packages(api.__path__, "cekura_client.api."):
        if info.ispkg:
            continue
        get_kwargs = importlib.import_module(info.name)._get_kwargs
        parameters = inspect.signature(get_kwargs).parameters.values()
        path_names = [p.name for p in parameters if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
        required = [
            p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is p.empty
        ]
        strings = [p.name for p in parameters if p.name in path_names and p.annotation is str]
        if not strings or required:  # a required body or query value: covered by the fixture tests above
            continue
        route = routes[info.name.rsplit(".", 1)[1]]
        ordinary = dict.fromkeys(path_names, "7")
        for name in strings:
            for value in (".", "..", ""):
                with pytest.raises(
                    errors.RequestEncodingError, match=rf"^{name}: a path parameter cannot be"
                ):
                    get_kwargs(**{**ordinary, name: value})
            url = get_kwargs(**{**ordinary, name: "a/../b"})["url"]
            assert url.count("/") == route.count("/") and "a%2F..%2Fb" in url, url
            checked += 1
    assert checked >= 40
