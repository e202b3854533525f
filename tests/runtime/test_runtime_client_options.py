"""Per-client options: copies that leave their source alone and share its pool, the deadline, pool limits."""

import asyncio
import importlib
import logging
import threading
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest

from .runtime_helpers import API_KEY, CATEGORIES_PATH, EMPTY_PAGE, MODES, RecordedWaits, call, operation
from .scripted_server import Reply, Seen, replies, serve


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Set when the test ends, so that a server holding requests lets them go."""
    event = threading.Event()
    yield event
    event.set()


def test_with_headers_leaves_the_client_it_came_from_alone(client_for: Any) -> None:
    with serve(replies(Reply(200, EMPTY_PAGE))) as server:
        base = client_for(server.url)
        call("sync", operation("list"), client=base)  # the httpx client exists before the copy
        traced = base.with_headers({"X-Trace": "abc"})
        call("sync", operation("list"), client=traced)
        call("sync", operation("list"), client=base)
    assert [seen.headers.get("x-trace") for seen in server.requests] == [None, "abc", None]


def test_with_timeout_and_with_cookies_return_copies(
    cekura: ModuleType, client_for: Any, release: threading.Event
) -> None:
    def slow_with_the_cookie(seen: Seen) -> Reply:
        if seen.headers.get("cookie") == "session=s1":
            release.wait(5)
        return Reply(200, EMPTY_PAGE)

    with serve(slow_with_the_cookie) as server:
        base = client_for(server.url, max_retries=0)
        assert call("sync", operation("list"), client=base).status_code == 200
        hasty = base.with_timeout(httpx.Timeout(0.2)).with_cookies({"session": "s1"})
        with pytest.raises(cekura.APITimeoutError):
            call("sync", operation("list"), client=hasty)
        assert call("sync", operation("list"), client=base).status_code == 200
    assert [seen.headers.get("cookie") for seen in server.requests] == [None, "session=s1", None]


def test_with_options_changes_timeout_retries_and_headers_and_shares_the_pool(
    cekura: ModuleType, client_for: Any, waits: RecordedWaits
) -> None:
    with serve(replies(Reply(200, EMPTY_PAGE), Reply(503), Reply(200, EMPTY_PAGE))) as server:
        base = client_for(server.url)
        call("sync", operation("list"), client=base)
        once = base.with_options(max_retries=0, headers={"X-Trace": "t-1"}, timeout=5.0)
        assert call("sync", operation("list"), client=once).status_code == 503  # not retried
        assert call("sync", operation("list"), client=base).status_code == 200
    assert [seen.headers.get("x-trace") for seen in server.requests] == [None, "t-1", None]
    assert len({seen.client_port for seen in server.requests}) == 1  # one connection for all three
    assert waits.waits == []
    assert (once.max_retries, base.max_retries) == (0, 2)
    assert once.get_httpx_client().timeout == httpx.Timeout(5.0)
    assert base.get_httpx_client().timeout == httpx.Timeout(60.0, connect=10.0)


def test_with_options_refuses_bad_values_before_any_io(cekura: ModuleType) -> None:
    client = cekura.Cekura(api_key=API_KEY)
    with pytest.raises(ValueError, match="max_retries must be 0 or more, not -1"):
        client.with_options(max_retries=-1)
    with pytest.raises(ValueError, match="deadline must be a number of seconds above 0, not 0"):
        client.with_options(deadline=0)


@pytest.mark.parametrize("mode", MODES)
def test_the_deadline_bounds_a_call_across_retries(
    cekura: ModuleType, mode: str, release: threading.Event
) -> None:
    """With `timeout=0.5` a GET to a server that never answers ends by the default deadline, 1 s."""

    def never(seen: Seen) -> Reply:
        release.wait(10)
        return Reply(200)

    with serve(never) as server:
        retries = importlib.import_module("cekura_client.retries")
        steady = retries.RetryPolicy(jitter=lambda delay: delay / 2)  # waits 0.25 s before the retry
        client = cekura.Cekura(api_key=API_KEY, base_url=server.url, timeout=0.5, retry_policy=steady)
        started = time.monotonic()
        with pytest.raises(Exception) as caught:
            call(mode, operation("list"), client=client)
        took = time.monotonic() - started
    assert 0.9 <= took < 1.3  # 3 attempts of 0.5 s and their waits took over 2 s
    assert len(server.requests) == 2
    assert isinstance(caught.value, cekura.APITimeoutError)


def test_the_deadline_is_configurable(cekura: ModuleType, release: threading.Event) -> None:
    def never(seen: Seen) -> Reply:
        release.wait(10)
        return Reply(200)

    with serve(never) as server:
        client = cekura.Cekura(api_key=API_KEY, base_url=server.url, timeout=5.0, deadline=0.4)
        started = time.monotonic()
        with pytest.raises(Exception) as caught:
            call("sync", operation("list"), client=client)
        assert time.monotonic() - started < 0.8
        assert isinstance(caught.value, cekura.APITimeoutError)
        assert client.call_options().deadline == 0.4
        assert client.with_options(timeout=3.0, deadline=None).call_options().deadline == 6.0


@pytest.mark.parametrize("mode", MODES)
def test_a_retry_after_past_the_deadline_is_returned_not_waited_for(
    mode: str, client_for: Any, waits: RecordedWaits, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "cekura_client")
    answer = replies(Reply(429, headers={"Retry-After": "30"}), Reply(200, EMPTY_PAGE))
    with serve(answer) as server:
        response = call(mode, operation("list"), client=client_for(server.url, deadline=10.0))
    assert response.status_code == 429
    assert len(server.requests) == 1
    assert waits.waits == []
    assert any(
        message.startswith(f"not retrying GET {CATEGORIES_PATH} after status 429: waiting 30.00 s would pass")
        for message in caplog.messages
    )


def burst(cekura: ModuleType, url: str, calls: int, **options: Any) -> None:
    """`calls` concurrent async calls from one client."""
    client = cekura.Cekura(api_key=API_KEY, base_url=url, **options)
    list_categories = operation("list")

    async def gathered() -> None:
        async with client:
            await asyncio.gather(*(list_categories.asyncio_detailed(client=client) for _ in range(calls)))

    asyncio.run(gathered())


@pytest.mark.parametrize(("options", "bound"), [({"limits": httpx.Limits(max_connections=3)}, 3), ({}, 50)])
def test_the_pool_bounds_the_connections_of_a_burst(
    cekura: ModuleType, options: dict[str, Any], bound: int
) -> None:
    def held(seen: Seen) -> Reply:
        time.sleep(0.2)
        return Reply(200, EMPTY_PAGE)

    with serve(held) as server:
        burst(cekura, server.url, 80, **options)
    assert len(server.requests) == 80
    assert len({seen.client_port for seen in server.requests}) <= bound


def test_the_default_limits_are_documented(cekura: ModuleType) -> None:
    entry_point = importlib.import_module("cekura_client.entry_point")
    assert (
        httpx.Limits(max_connections=50, max_keepalive_connections=50, keepalive_expiry=30.0)
        == entry_point.DEFAULT_LIMITS
    )


def test_the_options_of_a_client_are_read_only(cekura: ModuleType) -> None:
    """Changing one would not reach the httpx client already made: `with_options` is the way."""
    client = cekura.Cekura(api_key=API_KEY)
    with pytest.raises(AttributeError):
        client.max_retries = 5
    assert client.with_options(max_retries=5).max_retries == 5
