"""Typed errors: each status maps to its class, with status, parsed body and headers, sync and async."""

from types import ModuleType
from typing import Any

import pytest

from .runtime_helpers import API_KEY, MODES, call, operation
from .scripted_server import Reply, replies, serve

STATUSES = [
    (400, "ValidationError"),
    (401, "AuthenticationError"),
    (403, "PermissionDeniedError"),
    (404, "NotFoundError"),
    (429, "RateLimitError"),
    (500, "ServerError"),
    (503, "ServerError"),
    (418, "APIStatusError"),  # undocumented: the base class, nothing lost
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("status", "error_name"), STATUSES)
def test_raise_on_error_raises_the_class_of_each_status(
    cekura: ModuleType, client_for: Any, mode: str, status: int, error_name: str
) -> None:
    body = {"detail": "nope"}
    with serve(replies(Reply(status, body, {"X-Request-Id": "r-1"}))) as server:
        client = client_for(server.url, raise_on_error=True, max_retries=0)
        with pytest.raises(cekura.APIStatusError) as caught:
            call(mode, operation("retrieve"), client=client, id=5)
    error = caught.value
    assert type(error) is getattr(cekura, error_name)
    assert isinstance(error, cekura.CekuraError)
    assert (error.status_code, error.body, error.headers["x-request-id"]) == (status, body, "r-1")
    assert error.response.status_code == status
    assert str(error).startswith(f"{status} ")
    assert API_KEY not in str(error) and API_KEY not in repr(error)


def test_raise_for_status_maps_a_detailed_response(cekura: ModuleType, client_for: Any) -> None:
    with serve(
        replies(Reply(404, {"detail": "No CriticalMetricCategory matches the given query."}))
    ) as server:
        response = call("sync", operation("retrieve"), client=client_for(server.url), id=5)
    assert (
        response.parsed.detail == "No CriticalMetricCategory matches the given query."
    )  # the documented 404
    with pytest.raises(cekura.NotFoundError, match=r"^404 Not Found: No CriticalMetricCategory matches"):
        cekura.raise_for_status(response)


def test_raise_for_status_returns_a_successful_response(cekura: ModuleType, client_for: Any) -> None:
    with serve(replies(Reply(200, {"id": 5, "category": "latency"}))) as server:
        response = call("sync", operation("retrieve"), client=client_for(server.url), id=5)
    assert cekura.raise_for_status(response) is response
    assert response.parsed.category == "latency"


def test_drf_field_errors_are_parsed(cekura: ModuleType, client_for: Any) -> None:
    body = {
        "category": ["This field may not be blank."],
        "rules": [{}, {"weight": ["A valid number is required.", "Too large."]}],
        "owner": {"email": ["Enter a valid email address."]},
        "non_field_errors": ["Metric and run belong to different projects."],
    }
    with serve(replies(Reply(400, body))) as server:
        client = client_for(server.url, raise_on_error=True)
        create = operation("create")
        model = create.CriticalMetricCategory(category="")
        with pytest.raises(cekura.ValidationError) as caught:
            call("sync", create, client=client, body=model)
    assert caught.value.field_errors == {
        "category": ["This field may not be blank."],
        "rules[1].weight": ["A valid number is required.", "Too large."],
        "owner.email": ["Enter a valid email address."],
        "non_field_errors": ["Metric and run belong to different projects."],
    }
    assert str(caught.value).startswith("400 Bad Request: category: This field may not be blank.; rules[1]")


def test_a_body_that_is_not_json_stays_reachable(cekura: ModuleType, client_for: Any) -> None:
    html = b"<html><body>502 Bad Gateway</body></html>"
    with serve(replies(Reply(502, raw=html, headers={"Content-Type": "text/html"}))) as server:
        client = client_for(server.url, raise_on_error=True, max_retries=0)
        with pytest.raises(cekura.ServerError) as caught:
            call("sync", operation("list"), client=client)
    assert (caught.value.body, caught.value.content) == (None, html)
    assert str(caught.value) == "502 Bad Gateway"


def test_authentication_error_says_what_to_check(cekura: ModuleType, client_for: Any) -> None:
    with serve(replies(Reply(401, {"detail": "Invalid API key."}))) as server:
        client = client_for(server.url, raise_on_error=True)
        with pytest.raises(cekura.AuthenticationError, match=r"Invalid API key\. \(check the API key"):
            call("sync", operation("list"), client=client)


def test_malformed_response_error_carries_the_response_and_its_cause(cekura: ModuleType) -> None:
    try:
        try:
            int("not a number")
        except ValueError as parsing:
            raise cekura.MalformedResponseError(200, b'{"count": "x"}', {"content-type": "json"}) from parsing
    except cekura.CekuraError as error:
        caught = error
    assert isinstance(caught, cekura.errors.MalformedResponseError)
    assert (caught.status_code, caught.content, caught.headers) == (
        200,
        b'{"count": "x"}',
        {"content-type": "json"},
    )
    assert isinstance(caught.__cause__, ValueError)
    assert str(caught).startswith("the 200 response body does not match its documented schema (ValueError: ")
