"""The mock's request check reads a request as Django does: repeated keys, comma lists, JSON text, `%2F`."""

from typing import Any

from contract import spec
from scripts.mock_server.openapi_index import OpenApiIndex
from scripts.mock_server.request_check import HttpRequest, Verdict, check_request

KEY = {"x-cekura-api-key": "key"}


def _check(path: str, query: str = "", index: OpenApiIndex | None = None, method: str = "GET") -> Verdict:
    request = HttpRequest(method=method, path=path, query=query, headers=KEY, body=b"")
    return check_request(index or spec.index(), request)


def test_a_repeated_key_of_a_comma_separated_list_is_refused_saying_django_reads_the_last() -> None:
    verdict = _check("/test_framework/v1/runs/", "id__in=1&id__in=2&id__in=3")
    assert verdict.status == 400
    assert verdict.body == {
        "id__in": ["Sent 3 times: Django reads the last value only ('3'). Send one comma-separated value."]
    }


def test_a_comma_separated_list_is_split() -> None:
    assert _check("/test_framework/v1/runs/", "id__in=1,2,3").accepted
    wrong = _check("/test_framework/v1/runs/", "id__in=1,2,x")
    assert wrong.body == {"id__in": {"2": ["A valid integer is required."]}}


def test_a_repeated_scalar_is_refused_saying_django_reads_the_last() -> None:
    verdict = _check("/test_framework/v1/runs/", "page=1&page=2")
    assert verdict.body == {"page": ["Sent 2 times: Django reads the last value only ('2')."]}


def test_an_encoded_slash_in_a_path_value_routes_as_django_routes_it() -> None:
    """A WSGI server decodes `%2F` before Django matches the path: `a%2Fb` is two segments."""
    verdict = _check("/test_framework/v1/aiagents/7/tool/a%2Fb/", method="DELETE")
    assert verdict.status == 404
    assert _check("/test_framework/v1/aiagents/7/tool/a%20b/", method="DELETE").accepted


def _json_parameter_document() -> dict[str, Any]:
    parameter = {
        "name": "filters",
        "in": "query",
        "content": {"application/json": {"schema": {"type": "object", "required": ["operator"]}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/m/": {"get": {"parameters": [parameter], "responses": {"200": {"description": "ok"}}}}},
    }


def test_a_json_content_parameter_is_one_json_text() -> None:
    index = OpenApiIndex(_json_parameter_document())
    assert index.operations[0].parameters[0].media_type == "application/json"
    assert _check("/m/", "filters=%7B%22operator%22%3A%22and%22%7D", index).accepted
    assert _check("/m/", "filters=%7B%7D", index).body == {
        "filters": {"operator": ["This field is required."]}
    }
    assert _check("/m/", "filters=%7Boperator%7D", index).body == {"filters": ["Enter a valid JSON."]}
    assert _check("/m/", "operator=and", index).accepted  # spread keys are not the parameter
