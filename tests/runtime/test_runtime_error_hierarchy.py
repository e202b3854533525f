"""Every failure of a call is a `CekuraError`: any status, refused or timed-out connections, bad enums."""

import importlib
import re
import socket
import threading
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
from open_enum import OpenIntEnum

from .runtime_helpers import MODES, RecordedWaits, call, operation
from .scripted_server import Reply, Seen, replies, serve

RUNS = "cekura_client.api.runs.runs_list"


def runs_page(*items: dict[str, Any]) -> dict[str, Any]:
    return {"count": len(items), "next": None, "previous": None, "results": list(items)}


@pytest.mark.parametrize("mode", MODES)
def test_an_unlisted_status_makes_a_response(cekura: ModuleType, client_for: Any, mode: str) -> None:
    """A proxy's 520 is not in `http.HTTPStatus`: the detailed call still returns its `Response`."""
    page = b"<html>origin error</html>"
    with serve(replies(Reply(520, raw=page, headers={"Content-Type": "text/html"}))) as server:
        response = call(mode, operation("list"), client=client_for(server.url, max_retries=0))
    assert (response.status_code, response.content, response.parsed) == (520, page, None)
    assert response.status_code.phrase == ""
    assert "520" in repr(response)
    with pytest.raises(cekura.ServerError, match=r"^520 error$") as caught:
        cekura.raise_for_status(response)
    assert caught.value.status_code == 520


@pytest.mark.parametrize("mode", MODES)
def test_raise_on_error_maps_an_unlisted_status(cekura: ModuleType, client_for: Any, mode: str) -> None:
    with serve(replies(Reply(520, {"detail": "origin down"}), Reply(599))) as server:
        with pytest.raises(cekura.ServerError, match=r"^520 error: origin down$"):
            call(mode, operation("list"), client=client_for(server.url, max_retries=0, raise_on_error=True))
        with pytest.raises(cekura.ServerError, match=r"^599 error$"):
            call(mode, operation("list"), client=client_for(server.url, max_retries=0, raise_on_error=True))


def test_paginate_raises_the_typed_error_of_an_unlisted_status(cekura: ModuleType, client_for: Any) -> None:
    runs_list = importlib.import_module(RUNS)
    with serve(replies(Reply(520))) as server, pytest.raises(cekura.ServerError, match=r"^520 error$"):
        list(cekura.paginate(runs_list.sync_detailed, client=client_for(server.url, max_retries=0)))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("status", [5, None, True, ["completed"]], ids=["number", "null", "bool", "list"])
def test_a_wrong_scalar_in_an_enum_field_is_a_malformed_response(
    cekura: ModuleType, client_for: Any, mode: str, status: Any
) -> None:
    """`status` is a non-nullable `RunStatusEnum`: a number or null is no member, listed or not."""
    body = runs_page({"id": 1, "status": "completed"}, {"id": 2, "status": status})
    with serve(replies(Reply(200, body))) as server, pytest.raises(cekura.MalformedResponseError) as caught:
        call(mode, importlib.import_module(RUNS), client=client_for(server.url))
    assert isinstance(caught.value.__cause__, TypeError)
    assert "RunStatusEnum" in str(caught.value)
    assert caught.value.status_code == 200


def test_an_unlisted_string_still_parses_next_to_the_refused_scalars(client_for: Any) -> None:
    body = runs_page({"id": 1, "status": "paused_by_operator"})
    with serve(replies(Reply(200, body))) as server:
        response = call("sync", importlib.import_module(RUNS), client=client_for(server.url))
    (run,) = response.parsed.results
    assert (run.status.value, run.status.name) == ("paused_by_operator", "<unknown>")
    assert "paused_by_operator" in repr(response.parsed)


def test_a_wrong_scalar_in_an_integer_enum_is_refused() -> None:
    class Level(OpenIntEnum):
        LOW = 1

    assert (Level.parse(7).name, int(Level.parse(7))) == ("<unknown>", 7)
    for wrong in ("1", True, None, 1.5):
        with pytest.raises(TypeError, match="Level"):
            Level.parse(wrong)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as probe:  # a port nobody listens on once it is closed
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize("mode", MODES)
def test_a_refused_connection_is_an_api_connection_error(
    cekura: ModuleType, client_for: Any, waits: RecordedWaits, mode: str
) -> None:
    client = client_for(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(cekura.APIConnectionError) as caught:
        call(mode, operation("list"), client=client)
    error = caught.value
    assert isinstance(error, cekura.CekuraError) and not isinstance(error, cekura.APITimeoutError)
    assert isinstance(error.__cause__, httpx.ConnectError)
    assert str(error).startswith("GET /test_framework/v1/critical-metric-categories-external/ failed after ")
    assert "(3 attempts): ConnectError: " in str(error)
    assert len(waits.waits) == 2


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Set when the test ends, so that a server holding requests lets them go."""
    event = threading.Event()
    yield event
    event.set()


@pytest.mark.parametrize("mode", MODES)
def test_a_timeout_is_an_api_timeout_error(
    cekura: ModuleType, client_for: Any, mode: str, release: threading.Event
) -> None:
    def never(seen: Seen) -> Reply:
        release.wait(10)
        return Reply(200)

    with serve(never) as server:
        client = client_for(server.url, timeout=0.2, max_retries=0)
        with pytest.raises(cekura.APITimeoutError) as caught:
            call(mode, operation("list"), client=client)
    error = caught.value
    assert isinstance(error, cekura.APIConnectionError) and isinstance(error, cekura.CekuraError)
    assert isinstance(error.__cause__, httpx.ReadTimeout)
    message = r" timed out after 0\.[2-9] s \(1 attempt\); ReadTimeout(: timed out)?; pass a longer timeout"
    assert re.search(message, str(error))
    assert error.request.url.path == "/test_framework/v1/critical-metric-categories-external/"


def test_too_many_redirects_is_an_api_connection_error(cekura: ModuleType, client_for: Any) -> None:
    redirect = Reply(302, headers={"Location": "/again/"})
    with serve(replies(redirect)) as server, pytest.raises(cekura.APIConnectionError) as caught:
        call("sync", operation("list"), client=client_for(server.url))
    assert isinstance(caught.value.__cause__, httpx.TooManyRedirects)


def test_every_error_class_is_a_cekura_error_exported_by_the_package(cekura: ModuleType) -> None:
    names = [
        "APIConnectionError",
        "APITimeoutError",
        "APIStatusError",
        "ValidationError",
        "AuthenticationError",
        "PermissionDeniedError",
        "NotFoundError",
        "RateLimitError",
        "ServerError",
        "MalformedResponseError",
        "RequestEncodingError",
        "UnexpectedStatus",
    ]
    assert [name for name in names if not issubclass(getattr(cekura, name), cekura.CekuraError)] == []
    assert issubclass(cekura.RequestEncodingError, ValueError)  # `except ValueError` keeps working
    assert issubclass(cekura.APITimeoutError, cekura.APIConnectionError)
