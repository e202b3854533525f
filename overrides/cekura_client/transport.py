"""The transports under a `Cekura()` client: one shared connection pool, and the API key added per request.

`Connections` holds what a client and its copies (`with_options`, `with_headers`, ...) send
through: an `httpx.HTTPTransport` and an `httpx.AsyncHTTPTransport` made on first use with the
client's TLS, proxy and pool limits, or the user's own httpx client (`Cekura(http_client=...)`),
which then sends every request with its own transport, mounts, proxies, certificates, auth and
event hooks.

`KeyTransport` sits between an httpx client and those connections. For every request it sends,
redirects included, it adds the API key header when the request goes to the API's origin and
removes it once the request is sent: the key is in no httpx client's headers and in no request
that outlives the call (`response.request`, an exception's `request`), and a request to any other
origin goes without it (`key_safety`). Why not `httpx.Auth`: httpx runs the auth flow once per
call, not per redirect, and keeps the header in `response.request`.
"""

import threading
from typing import Any

import httpx

from cekura_client.key_safety import drop_key_off_origin, log_off_origin


class ClientTransport(httpx.BaseTransport):
    """Sends through the user's `httpx.Client`; redirects are left to the Cekura client (key safety)."""

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._client.send(request, stream=True, follow_redirects=False)

    def close(self) -> None:
        """Leaves the user's client open: whoever made it closes it."""


class AsyncClientTransport(httpx.AsyncBaseTransport):
    """`ClientTransport` for the user's `httpx.AsyncClient`."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._client.send(request, stream=True, follow_redirects=False)

    async def aclose(self) -> None:
        """Leaves the user's client open: whoever made it closes it."""


class Connections:
    """The pools a client and its copies share, made on first use (once, whatever the threads)."""

    def __init__(
        self,
        *,
        http_client: httpx.Client | None = None,
        async_http_client: httpx.AsyncClient | None = None,
        **transport_options: Any,
    ) -> None:
        self.http_client = http_client
        self.async_http_client = async_http_client
        self._transport_options = transport_options
        self._lock = threading.Lock()
        self._sync: httpx.BaseTransport | None = None
        self._async: httpx.AsyncBaseTransport | None = None

    def __repr__(self) -> str:
        own = "your httpx client" if self.http_client is not None else "its own pool"
        return f"Connections(sync: {own})"

    def with_client(
        self, http_client: httpx.Client | None = None, async_http_client: httpx.AsyncClient | None = None
    ) -> "Connections":
        """These connections, but sending through `http_client` and/or `async_http_client`."""
        replaced = Connections(
            http_client=http_client or self.http_client,
            async_http_client=async_http_client or self.async_http_client,
            **self._transport_options,
        )
        if http_client is None:
            replaced._sync = self._sync
        if async_http_client is None:
            replaced._async = self._async
        return replaced

    def sync(self) -> httpx.BaseTransport:
        transport = self._sync
        if transport is None:
            with self._lock:
                if self._sync is None:
                    if self.http_client is not None:
                        self._sync = ClientTransport(self.http_client)
                    else:
                        self._sync = httpx.HTTPTransport(**self._transport_options)
                transport = self._sync
        return transport

    def async_(self) -> httpx.AsyncBaseTransport:
        transport = self._async
        if transport is None:
            with self._lock:
                if self._async is None:
                    if self.async_http_client is not None:
                        self._async = AsyncClientTransport(self.async_http_client)
                    else:
                        self._async = httpx.AsyncHTTPTransport(**self._transport_options)
                transport = self._async
        return transport

    def close(self) -> None:
        """Closes the idle connections; the pool opens new ones if a copy still sends."""
        if self._sync is not None:
            self._sync.close()

    async def aclose(self) -> None:
        if self._async is not None:
            await self._async.aclose()


class KeyTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Adds the key to each request for the API's origin, for the time it is sent, and sends it."""

    def __init__(self, connections: Connections, *, base_url: str, key: str, key_header: str) -> None:
        url = httpx.URL(base_url)
        self._origin = (url.scheme, url.host, url.port)
        self._key = key
        self._key_header = key_header
        self._connections = connections

    def __repr__(self) -> str:
        scheme, host, port = self._origin
        return f"KeyTransport(origin='{scheme}://{host}{f':{port}' if port else ''}', {self._connections!r})"

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        inner = self._connections.sync()
        url = request.url
        if (url.scheme, url.host, url.port) != self._origin:
            drop_key_off_origin(request, self._key_header)
            log_off_origin(request, self._key_header)
            return inner.handle_request(request)
        headers = request.headers
        headers[self._key_header] = self._key
        try:
            return inner.handle_request(request)
        finally:
            del headers[self._key_header]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        inner = self._connections.async_()
        url = request.url
        if (url.scheme, url.host, url.port) != self._origin:
            drop_key_off_origin(request, self._key_header)
            log_off_origin(request, self._key_header)
            return await inner.handle_async_request(request)
        headers = request.headers
        headers[self._key_header] = self._key
        try:
            return await inner.handle_async_request(request)
        finally:
            del headers[self._key_header]

    def close(self) -> None:
        self._connections.close()

    async def aclose(self) -> None:
        await self._connections.aclose()
