"""The Django app the request conformance tests compare with reads raw requests as the backend does."""

from typing import Any

import httpx
from spec_routes import READING_STATUS

KEY = {"X-CEKURA-API-KEY": "key"}


def _read(django_app: str, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    response = httpx.request(method, django_app + path, headers=KEY, **kwargs)
    assert response.status_code == READING_STATUS, response.text[:300]
    reading: dict[str, Any] = response.json()
    return reading


def test_a_comma_separated_list_is_read_whole_and_a_repeated_key_as_its_last_value(django_app: str) -> None:
    runs = "/test_framework/v1/runs/"
    assert _read(django_app, "GET", runs + "?id__in=1,2,3")["query"] == {"id__in": [1, 2, 3]}
    assert _read(django_app, "GET", runs + "?id__in=1&id__in=2&id__in=3")["query"] == {"id__in": [3]}
    assert _read(django_app, "GET", runs + "?status__in=a,b&page=2")["query"] == {
        "status__in": ["a", "b"],
        "page": 2,
    }


def test_a_json_parameter_is_read_as_json_and_spread_keys_are_undeclared(django_app: str) -> None:
    reading = _read(
        django_app, "GET", "/test_framework/v1/metrics/", params={"filters": '{"operator":"and"}'}
    )
    assert reading["query"] == {"filters": {"operator": "and"}}
    spread = _read(django_app, "GET", "/test_framework/v1/metrics/?operator=and")
    assert spread["query"] == {} and spread["undeclared_query"] == ["operator"]


def test_routes_come_from_the_spec_paths_and_a_decoded_slash_splits_a_segment(django_app: str) -> None:
    tool = _read(django_app, "DELETE", "/test_framework/v1/aiagents/7/tool/x%20y/")
    assert tool["operation_id"] == "aiagents_tool_destroy"
    assert tool["path"] == {"agent_id": "7", "tool_name": "x y"}
    assert _read(django_app, "DELETE", "/test_framework/v1/aiagents/7/")["operation_id"] == "aiagents_destroy"
    split = httpx.delete(django_app + "/test_framework/v1/aiagents/7/tool/a%2Fb/", headers=KEY)
    assert split.status_code == 404


def test_patch_is_partial_and_put_applies_the_serializer_defaults(django_app: str) -> None:
    agent = "/test_framework/v2/aiagents/5/"
    patched = _read(django_app, "PATCH", agent, json={"name": "Renamed"})
    assert patched["body"] == {"name": "Renamed"}
    assert patched["path"] == {"id": 5}
    replaced = _read(django_app, "PUT", agent, json={"name": "Renamed"})
    assert replaced["body"]["language"] == "en"
