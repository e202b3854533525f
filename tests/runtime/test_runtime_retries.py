"""Retries against a loopback server: which requests are retried, after how long, and what is logged."""

import importlib
import logging
import socket
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import httpx
import pytest

from .runtime_helpers import API_KEY, CATEGORIES_PATH, EMPTY_PAGE, MODES, RecordedWaits, call, operation
from .scripted_server import DROP, Reply, replies, serve

BODY = {"category": "latency"}


@pytest.fixture(scope="module")
def retries(cekura: ModuleType) -> ModuleType:
    return importlib.import_module("cekura_client.retries")


def create_body() -> Any:
    return importlib.import_module("cekura_client.models").CriticalMetricCategory(category="latency")


@pytest.mark.parametrize("mode", MODES)
def test_a_get_is_retried_after_503_with_backoff(mode: str, client_for: Any, waits: RecordedWaits) -> None:
    with serve(replies(Reply(503), Reply(200, EMPTY_PAGE))) as server:
        response = call(mode, operation("list"), client=client_for(server.url))
    assert response.status_code == 200
    assert [seen.method for seen in server.requests] == ["GET", "GET"]
    assert len(waits.waits) == 1
    assert 0.25 <= waits.waits[0] <= 0.5  # INITIAL_RETRY_DELAY with equal jitter


@pytest.mark.parametrize("mode", MODES)
def test_a_get_waits_for_retry_after_on_429(mode: str, client_for: Any, waits: RecordedWaits) -> None:
    answer = replies(Reply(429, {"detail": "slow down"}, {"Retry-After": "3"}), Reply(200, EMPTY_PAGE))
    with serve(answer) as server:
        response = call(mode, operation("list"), client=client_for(server.url))
    assert response.status_code == 200
    assert len(server.requests) == 2
    assert waits.waits == [3.0]


@pytest.mark.parametrize("mode", MODES)
def test_a_post_is_not_retried_after_503(mode: str, client_for: Any, waits: RecordedWaits) -> None:
    with serve(replies(Reply(503), Reply(201, BODY))) as server:
        response = call(mode, operation("create"), client=client_for(server.url), body=create_body())
    assert response.status_code == 503
    assert [seen.method for seen in server.requests] == ["POST"]
    assert waits.waits == []


@pytest.mark.parametrize("mode", MODES)
def test_a_post_is_retried_after_429_with_retry_after(
    mode: str, client_for: Any, waits: RecordedWaits
) -> None:
    answer = replies(Reply(429, headers={"Retry-After": "1"}), Reply(201, BODY))
    with serve(answer) as server:
        response = call(mode, operation("create"), client=client_for(server.url), body=create_body())
    assert response.status_code == 201
    assert [seen.method for seen in server.requests] == ["POST", "POST"]
    assert server.requests[0].body == server.requests[1].body != b""
    assert waits.waits == [1.0]


def test_a_post_is_not_retried_after_429_without_retry_after(client_for: Any, waits: RecordedWaits) -> None:
    with serve(replies(Reply(429), Reply(201, BODY))) as server:
        response = call("sync", operation("create"), client=client_for(server.url), body=create_body())
    assert response.status_code == 429
    assert len(server.requests) == 1


def test_a_retry_after_beyond_the_cap_is_returned_not_waited_for(
    client_for: Any, waits: RecordedWaits
) -> None:
    with serve(replies(Reply(429, headers={"Retry-After": "3600"}), Reply(200, EMPTY_PAGE))) as server:
        response = call("sync", operation("list"), client=client_for(server.url))
    assert response.status_code == 429
    assert len(server.requests) == 1
    assert waits.waits == []


@pytest.mark.parametrize("mode", MODES)
def test_retries_stop_after_max_retries(mode: str, client_for: Any, waits: RecordedWaits) -> None:
    with serve(replies(Reply(502))) as server:
        response = call(mode, operation("list"), client=client_for(server.url, max_retries=3))
    assert response.status_code == 502
    assert len(server.requests) == 4
    assert len(waits.waits) == 3
    for retry, wait in enumerate(waits.waits):
        assert 0.5 * 2**retry / 2 <= wait <= 0.5 * 2**retry


def test_max_retries_0_turns_retries_off(client_for: Any, waits: RecordedWaits) -> None:
    with serve(replies(Reply(503), Reply(200, EMPTY_PAGE))) as server:
        response = call("sync", operation("list"), client=client_for(server.url, max_retries=0))
    assert response.status_code == 503
    assert len(server.requests) == 1


def test_a_negative_max_retries_is_refused(cekura: ModuleType) -> None:
    with pytest.raises(ValueError, match="max_retries must be 0 or more, not -1"):
        cekura.Cekura(api_key=API_KEY, max_retries=-1)


@pytest.mark.parametrize("mode", MODES)
def test_a_post_is_retried_when_the_connection_was_refused(
    cekura: ModuleType, mode: str, client_for: Any, waits: RecordedWaits
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    with pytest.raises(cekura.APIConnectionError) as caught:
        call(mode, operation("create"), client=client_for(url), body=create_body())
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert len(waits.waits) == 2


@pytest.mark.parametrize("mode", MODES)
def test_a_dropped_connection_is_retried_for_get_but_not_post(
    cekura: ModuleType, mode: str, client_for: Any, waits: RecordedWaits
) -> None:
    with serve(replies(DROP, Reply(200, EMPTY_PAGE))) as server:
        assert call(mode, operation("list"), client=client_for(server.url)).status_code == 200
    assert len(server.requests) == 2
    with serve(replies(DROP, Reply(201, BODY))) as server, pytest.raises(cekura.APIConnectionError) as caught:
        call(mode, operation("create"), client=client_for(server.url), body=create_body())
    assert isinstance(caught.value.__cause__, httpx.RemoteProtocolError)
    assert len(server.requests) == 1


def test_each_decision_is_logged_without_the_key(
    client_for: Any, waits: RecordedWaits, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with serve(replies(Reply(503))) as server:
        call("sync", operation("list"), client=client_for(server.url))
        call("sync", operation("create"), client=client_for(server.url), body=create_body())
    retry_lines = [r.getMessage() for r in caplog.records if r.name == "cekura_client.retries"]
    assert retry_lines == [
        f"retrying GET {CATEGORIES_PATH} after status 503 in {waits.waits[0]:.2f} s (retry 1)",
        f"retrying GET {CATEGORIES_PATH} after status 503 in {waits.waits[1]:.2f} s (retry 2)",
        f"giving up on GET {CATEGORIES_PATH} after 2 retries",
        f"not retrying POST {CATEGORIES_PATH} after status 503: the request may have been processed",
    ]
    assert not [r for r in caplog.records if API_KEY in r.getMessage()]


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("2", 2.0),
        ("0.5", 0.5),
        ("Wed, 21 Oct 2026 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2026 07:27:00 GMT", 0.0),  # a date in the past: retry now
        ("-1", None),
        ("soon", None),
    ],
)
def test_retry_after_is_read_as_seconds_or_an_http_date(
    retries: ModuleType, header: str, seconds: float | None
) -> None:
    now = datetime(2026, 10, 21, 7, 28, 0, tzinfo=UTC)
    assert retries.parse_retry_after({"retry-after": header}, now=now) == seconds
