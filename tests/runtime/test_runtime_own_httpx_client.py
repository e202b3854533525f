"""Your own httpx client: it sends (its transport, event hooks), and the key, retries and key safety stay."""

import asyncio
import importlib
import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import httpx
import pytest

from .runtime_helpers import API_KEY, EMPTY_PAGE, RecordedWaits, operation
from .scripted_server import Reply, replies, serve

KEY_HEADER = "x-cekura-api-key"


class CountingTransport(httpx.HTTPTransport):
    """A user's own transport: counts what went through it."""

    def __init__(self) -> None:
        super().__init__()
        self.sent = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        return super().handle_request(request)


def test_cekura_takes_your_httpx_client(cekura: ModuleType, client_for: Any, waits: RecordedWaits) -> None:
    hooked: list[str] = []
    transport = CountingTransport()
    with serve(replies(Reply(503), Reply(200, EMPTY_PAGE))) as server:
        own = httpx.Client(
            transport=transport,
            headers={"X-Team": "evals"},
            event_hooks={"request": [lambda request: hooked.append(request.url.path)]},
        )
        client = client_for(server.url, http_client=own)
        response = operation("list").sync_detailed(client=client)
        own.close()
    assert response.status_code == 200  # the 503 was retried
    assert len(waits.waits) == 1
    assert transport.sent == 2 and len(hooked) == 2
    assert [seen.headers[KEY_HEADER] for seen in server.requests] == [API_KEY, API_KEY]
    assert {seen.headers["x-team"] for seen in server.requests} == {"evals"}
    assert server.requests[0].headers["user-agent"].startswith("cekura-client/")
    assert KEY_HEADER not in own.headers


def test_cekura_takes_your_async_httpx_client(
    cekura: ModuleType, client_for: Any, waits: RecordedWaits
) -> None:
    hooked: list[str] = []

    async def hook(request: httpx.Request) -> None:
        hooked.append(request.url.path)

    async def run(url: str) -> Any:
        async with httpx.AsyncClient(event_hooks={"request": [hook]}) as own:
            client = client_for(url, http_client=own)
            return await operation("list").asyncio_detailed(client=client)

    with serve(replies(Reply(503), Reply(200, EMPTY_PAGE))) as server:
        response = asyncio.run(run(server.url))
    assert response.status_code == 200
    assert len(hooked) == 2 and len(waits.waits) == 1
    assert [seen.headers[KEY_HEADER] for seen in server.requests] == [API_KEY, API_KEY]


def test_set_httpx_client_keeps_the_key_and_the_retries(
    cekura: ModuleType, waits: RecordedWaits, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's case: `Cekura().set_httpx_client(httpx.Client(base_url=url))` on a 503."""
    monkeypatch.delenv("CEKURA_BASE_URL", raising=False)
    retries = importlib.import_module("cekura_client.retries")
    policy = retries.RetryPolicy(sleep=waits.sleep, async_sleep=waits.async_sleep)
    with serve(replies(Reply(503), Reply(200, EMPTY_PAGE))) as server:
        client = cekura.Cekura(api_key=API_KEY, retry_policy=policy)
        client.set_httpx_client(httpx.Client(base_url=server.url))
        response = operation("list").sync_detailed(client=client)
    assert response.status_code == 200
    assert [seen.headers.get(KEY_HEADER) for seen in server.requests] == [API_KEY, API_KEY]
    assert len(waits.waits) == 1


def test_set_httpx_client_refuses_what_is_not_an_httpx_client(cekura: ModuleType) -> None:
    client = cekura.Cekura(api_key=API_KEY)
    with pytest.raises(TypeError, match=r"^set_httpx_client takes an httpx.Client, not AsyncClient$"):
        client.set_httpx_client(httpx.AsyncClient())
    with pytest.raises(
        TypeError, match=r"^http_client must be an httpx.Client or httpx.AsyncClient, not str$"
    ):
        cekura.Cekura(api_key=API_KEY, http_client="http://proxy")


def test_your_client_does_not_take_the_key_to_another_origin(
    cekura: ModuleType, client_for: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Your client's own redirect setting is not used: the Cekura client follows them, hop by hop."""
    caplog.set_level(logging.WARNING, "cekura_client")
    with serve(replies(Reply(200, EMPTY_PAGE))) as elsewhere:
        moved = Reply(302, headers={"Location": f"{elsewhere.url}/landing/"})
        with serve(replies(moved)) as api, httpx.Client(follow_redirects=True) as own:
            response = operation("list").sync_detailed(client=client_for(api.url, http_client=own))
    assert response.status_code == 200
    assert api.requests[0].headers[KEY_HEADER] == API_KEY
    assert KEY_HEADER not in elsewhere.requests[0].headers
    assert any("not sending X-CEKURA-API-KEY" in message for message in caplog.messages)


def test_a_client_set_after_calls_takes_over_from_the_pool(cekura: ModuleType, client_for: Any) -> None:
    """`set_httpx_client` / `set_async_httpx_client` on a client that has sent already: the next calls
    go through the client just set, and setting one leaves the other in place."""
    sync_transport = CountingTransport()
    async_hooked: list[str] = []

    async def hook(request: httpx.Request) -> None:
        async_hooked.append(request.url.path)

    async def calls(client: Any) -> None:
        listing = operation("list")
        listing.sync_detailed(client=client)  # through the client's own pool
        client.set_httpx_client(httpx.Client(transport=sync_transport))
        listing.sync_detailed(client=client)
        await listing.asyncio_detailed(client=client)  # through the client's own async pool
        async with httpx.AsyncClient(event_hooks={"request": [hook]}) as own:
            client.set_async_httpx_client(own)
            await listing.asyncio_detailed(client=client)
            listing.sync_detailed(client=client)

    with serve(replies(Reply(200, EMPTY_PAGE))) as server:
        asyncio.run(calls(client_for(server.url)))
    assert (sync_transport.sent, len(async_hooked)) == (2, 1)
    assert [seen.headers[KEY_HEADER] for seen in server.requests] == [API_KEY] * 5


def test_a_client_closes_its_pools_whether_or_not_it_sent_and_leaves_yours_open(
    cekura: ModuleType, client_for: Any
) -> None:
    async def open_and_close(client: Any, send: bool) -> None:
        async with client:
            if send:
                await operation("list").asyncio_detailed(client=client)

    with serve(replies(Reply(200, EMPTY_PAGE))) as server:
        for send in (False, True):
            with client_for(server.url) as client:
                if send:
                    operation("list").sync_detailed(client=client)
            asyncio.run(open_and_close(client_for(server.url), send))
        with httpx.Client() as own:
            with client_for(server.url, http_client=own) as client:
                operation("list").sync_detailed(client=client)
            assert not own.is_closed
    assert len(server.requests) == 3


@contextmanager
def slow_body(released: list[bool]) -> Iterator[tuple[str, threading.Event]]:
    """A server that sends the first half of a body, then the rest once the client has read it;
    `released` records whether the client did within 5 s. Yields its base URL and the release."""
    listener = socket.create_server(("127.0.0.1", 0))
    release = threading.Event()

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nfirst")
            released.append(release.wait(5))
            connection.sendall(b"-last")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", release
    finally:
        release.set()
        thread.join()
        listener.close()


def test_a_response_streams_through_your_client_as_it_arrives(client_for: Any) -> None:
    """`get_httpx_client().stream(...)` through your httpx client: a download is not read whole
    before its first bytes reach you."""
    released: list[bool] = []
    with slow_body(released) as (url, release), httpx.Client() as own:
        client = client_for(url, http_client=own)
        with client.get_httpx_client().stream("GET", f"{url}/report.pdf") as response:
            chunks = response.iter_raw()
            first = next(chunks)
            release.set()
            body = first + b"".join(chunks)
    assert (body, released) == (b"first-last", [True])


def test_a_response_streams_through_your_async_client_as_it_arrives(client_for: Any) -> None:
    released: list[bool] = []

    async def download(url: str, release: threading.Event) -> bytes:
        async with httpx.AsyncClient() as own:
            client = client_for(url, http_client=own)
            async with client.get_async_httpx_client().stream("GET", f"{url}/report.pdf") as response:
                chunks = response.aiter_raw()
                first: bytes = await anext(chunks)
                release.set()
                return first + b"".join([chunk async for chunk in chunks])

    with slow_body(released) as (url, release):
        body = asyncio.run(download(url, release))
    assert (body, released) == (b"first-last", [True])


def test_your_async_client_does_not_take_the_key_to_another_origin(
    client_for: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "cekura_client")

    async def call(url: str) -> Any:
        async with httpx.AsyncClient(follow_redirects=True) as own:
            return await operation("list").asyncio_detailed(client=client_for(url, http_client=own))

    with serve(replies(Reply(200, EMPTY_PAGE))) as elsewhere:
        moved = Reply(302, headers={"Location": f"{elsewhere.url}/landing/"})
        with serve(replies(moved)) as api:
            response = asyncio.run(call(api.url))
    assert response.status_code == 200
    assert api.requests[0].headers[KEY_HEADER] == API_KEY
    assert KEY_HEADER not in elsewhere.requests[0].headers
    assert any("not sending X-CEKURA-API-KEY" in message for message in caplog.messages)
