"""What an error response turns into: the class at each status boundary, the message a user reads
(the API's explanation, cut at its limit), and DRF's field errors flattened to paths."""

import importlib
import json
from types import ModuleType
from typing import Any

import httpx
import pytest

from .runtime_helpers import call, operation
from .scripted_server import Reply, replies, serve

KEY_ADVICE = "(check the API key: Cekura(api_key=...) or the CEKURA_API_KEY variable)"


@pytest.fixture(scope="module")
def status_errors(cekura: ModuleType) -> ModuleType:
    return importlib.import_module("cekura_client.status_errors")


def response(status: int, body: Any = None, raw: bytes | None = None) -> httpx.Response:
    content = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
    return httpx.Response(status, content=content, headers={"X-Request-Id": "r-9"})


@pytest.mark.parametrize(
    ("status", "error_name"),
    [
        (402, "APIStatusError"),
        (405, "APIStatusError"),
        (428, "APIStatusError"),
        (430, "APIStatusError"),
        (499, "APIStatusError"),
        (500, "ServerError"),
        (501, "ServerError"),
        (599, "ServerError"),
    ],
)
def test_the_class_at_each_boundary(
    cekura: ModuleType, status_errors: ModuleType, status: int, error_name: str
) -> None:
    error = status_errors.error_for(response(status, {"detail": "x"}))
    assert type(error) is getattr(cekura, error_name)


@pytest.mark.parametrize("status", [200, 201, 204, 302, 399])
def test_raise_for_status_lets_anything_below_400_through(status_errors: ModuleType, status: int) -> None:
    ok = response(status)
    assert status_errors.raise_for_status(ok) is ok


def test_raise_for_status_raises_from_400(cekura: ModuleType, status_errors: ModuleType) -> None:
    with pytest.raises(cekura.ValidationError):
        status_errors.raise_for_status(response(400, {"name": ["This field is required."]}))


@pytest.mark.parametrize(
    ("status", "body", "raw", "message"),
    [
        (404, {"detail": "Not found."}, None, "404 Not Found: Not found."),
        (409, {"error": "busy"}, None, "409 Conflict: busy"),
        (409, {"message": "busy"}, None, "409 Conflict: busy"),
        (409, {"detail": 5, "message": "busy"}, None, "409 Conflict: busy"),
        (409, {"other": "x"}, None, "409 Conflict"),
        (409, ["a list"], None, "409 Conflict"),
        (502, None, b"<html>bad gateway</html>", "502 Bad Gateway"),
        (502, None, b"\xff\xfe", "502 Bad Gateway"),
        (599, {"detail": "odd"}, None, "599 error: odd"),
        (
            401,
            {"detail": "Invalid token."},
            None,
            f"401 Unauthorized: Invalid token. {KEY_ADVICE}",
        ),
        (
            401,
            None,
            b"",
            f"401 Unauthorized: {KEY_ADVICE}",
        ),
    ],
)
def test_messages(status_errors: ModuleType, status: int, body: Any, raw: bytes | None, message: str) -> None:
    error = status_errors.error_for(response(status, body, raw))
    assert str(error) == message
    assert error.body == (body if raw is None else None)
    assert error.status_code == status
    assert error.headers["x-request-id"] == "r-9"


@pytest.mark.parametrize(("length", "kept"), [(299, 299), (300, 300), (301, 297)])
def test_a_long_explanation_is_cut_at_300_characters(
    status_errors: ModuleType, length: int, kept: int
) -> None:
    detail = "d" * length
    message = str(status_errors.error_for(response(409, {"detail": detail})))
    prefix = "409 Conflict: "
    assert message == prefix + ("d" * kept) + ("..." if kept < length else "")
    assert len(message) <= len(prefix) + 300


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"name": ["Required."]}, {"name": ["Required."]}),
        ({"name": ["A.", "B."], "age": "Bad."}, {"name": ["A.", "B."], "age": ["Bad."]}),
        ({"items": [{}, {"weight": ["A number."]}]}, {"items[1].weight": ["A number."]}),
        ({"items": [["First."], None]}, {"items[0]": ["First."]}),
        ({"profile": {"address": {"zip": ["Bad zip."]}}}, {"profile.address.zip": ["Bad zip."]}),
        (["Top level."], {"non_field_errors": ["Top level."]}),
        ("Just text.", {"non_field_errors": ["Just text."]}),
        ({"detail": "Throttled."}, {"non_field_errors": ["Throttled."]}),
        ({"detail": "Bad.", "name": ["Required."]}, {"detail": ["Bad."], "name": ["Required."]}),
        ({"non_field_errors": ["Both."]}, {"non_field_errors": ["Both."]}),
        ({"count": 3}, {"count": ["3"]}),
        (None, {}),
    ],
)
def test_field_errors_flatten_drf_errors_to_paths(
    status_errors: ModuleType, body: Any, expected: dict[str, list[str]]
) -> None:
    assert status_errors.field_errors(body) == expected


def test_a_validation_message_lists_each_field(cekura: ModuleType, status_errors: ModuleType) -> None:
    body = {"name": ["Required.", "Too short."], "items": [{"weight": ["A number."]}]}
    error = status_errors.error_for(response(400, body))
    assert type(error) is cekura.ValidationError
    assert str(error) == "400 Bad Request: name: Required. Too short.; items[0].weight: A number."
    assert error.field_errors == {"name": ["Required.", "Too short."], "items[0].weight": ["A number."]}


def test_raise_on_error_carries_the_message_to_the_caller(cekura: ModuleType, client_for: Any) -> None:
    with serve(replies(Reply(409, {"detail": "scenario is running"}))) as server:
        client = client_for(server.url, raise_on_error=True)
        with pytest.raises(cekura.APIStatusError) as caught:
            call("sync", operation("retrieve"), client=client, id=5)
    assert str(caught.value) == "409 Conflict: scenario is running"
    assert len(server.requests) == 1
