"""`CekuraClient`: the `AuthenticatedClient` that `Cekura()` returns, with its per-call options.

It is a subclass, so every generated `sync(client=...)`, `sync_detailed`, `asyncio` and
`asyncio_detailed` takes it unchanged. What it adds:

- its httpx clients are `http_client.CekuraHTTPClient`s over a `transport.KeyTransport`: the key is
  added per request (never in the httpx client's headers), retries, the overall deadline and the
  typed errors apply to every call;
- `with_options(timeout=, max_retries=, headers=, deadline=, raise_on_error=, retry_policy=)`,
  like the generator's `with_headers`, `with_cookies` and `with_timeout`, returns a copy and leaves
  this client as it is; copies share the connection pool (`transport.Connections`);
- `set_httpx_client` and `set_async_httpx_client` send through the user's httpx client with the
  key, retries and key safety kept on top, instead of replacing all of them.

Why a subclass rather than template code: the generator's clients stay as generated for those who
build them by hand, and this behaviour lives in one typed, tested module. Delete it only with the
runtime it serves.
"""

from collections.abc import Mapping
from typing import Any, Self

import httpx
from attrs import define, evolve, field, setters

from cekura_client.client import AuthenticatedClient
from cekura_client.http_client import CallOptions, CekuraAsyncHTTPClient, CekuraHTTPClient
from cekura_client.retries import DEFAULT_MAX_RETRIES, RetryPolicy, overall_deadline
from cekura_client.transport import Connections, KeyTransport
from cekura_client.types import UNSET, Unset

READ_ONLY = setters.frozen
HTTPX_DEFAULT_TIMEOUT = httpx.Timeout(5.0)
"""What `httpx.Client()` uses when given no timeout: a user's client with it did not choose one."""


@define
class CekuraClient(AuthenticatedClient):
    """The client for the generated functions that `Cekura()` makes (see `cekura_client.entry_point`).

    Attributes:
        max_retries: retries after the first attempt (0: none).
        deadline: seconds a call may take in all, retries and waits included; None: twice the
            longest per-attempt timeout (`retries.DEADLINE_FACTOR`).
        raise_on_error: raise the `APIStatusError` of a final 4xx/5xx instead of returning it.
    """

    _connections: Connections = field(kw_only=True, alias="connections", repr=False)
    # Read-only: an httpx client already made would not see a change; `with_options` makes a copy.
    max_retries: int = field(default=DEFAULT_MAX_RETRIES, kw_only=True, on_setattr=READ_ONLY)
    retry_policy: RetryPolicy = field(factory=RetryPolicy, kw_only=True, repr=False, on_setattr=READ_ONLY)
    deadline: float | None = field(default=None, kw_only=True, on_setattr=READ_ONLY)
    raise_on_error: bool = field(default=False, kw_only=True, on_setattr=READ_ONLY)

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | Unset = UNSET,
        max_retries: int | Unset = UNSET,
        headers: Mapping[str, str] | Unset = UNSET,
        deadline: float | Unset | None = UNSET,
        raise_on_error: bool | Unset = UNSET,
        retry_policy: RetryPolicy | Unset = UNSET,
    ) -> Self:
        """A copy with these options changed (headers are added), sharing this client's connection pool.

        Cheap enough to make for a single call: `op.sync(client=client.with_options(timeout=5))`.
        """
        changes: dict[str, Any] = {}
        if not isinstance(timeout, Unset):
            changes["timeout"] = as_timeout(timeout)
        if not isinstance(headers, Unset):
            changes["headers"] = {**self._headers, **headers}
        if not isinstance(max_retries, Unset):
            changes["max_retries"] = check_max_retries(max_retries)
        if not isinstance(deadline, Unset):
            changes["deadline"] = deadline
        if not isinstance(raise_on_error, Unset):
            changes["raise_on_error"] = raise_on_error
        if not isinstance(retry_policy, Unset):
            changes["retry_policy"] = retry_policy
        copy = evolve(self, **changes)
        copy.call_options()  # a bad deadline fails here, before any I/O
        return copy

    def call_options(self) -> CallOptions:
        """What the httpx clients of this client do with each call."""
        deadline = overall_deadline(self._timeout, self.deadline)
        timeouts = self._timeout.as_dict().values() if self._timeout is not None else [None]
        return CallOptions(
            max_retries=self.max_retries,
            retry_policy=self.retry_policy,
            deadline=deadline,
            raise_on_error=self.raise_on_error,
            clamp_first_attempt=any(limit is None or limit > deadline for limit in timeouts),
        )

    def get_httpx_client(self) -> httpx.Client:
        """The `httpx.Client` the generated functions call, made on first use."""
        client = self._client
        if client is None:
            client = self._client = CekuraHTTPClient(calls=self.call_options(), **self._httpx_options())
        return client

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """The `httpx.AsyncClient` the generated `asyncio` functions call, made on first use."""
        client = self._async_client
        if client is None:
            client = CekuraAsyncHTTPClient(calls=self.call_options(), **self._httpx_options())
            self._async_client = client
        return client

    def set_httpx_client(self, client: httpx.Client) -> Self:
        """Send through your `client` (its transport, proxies, certificates, auth, event hooks).

        The key, retries, deadline and key safety stay on top. Its base URL, if it has one, becomes
        this client's (the key goes to that origin only), and so do its headers and, unless it has
        httpx's default, its timeout. The client stays yours to close.
        """
        if not isinstance(client, httpx.Client):
            raise TypeError(f"set_httpx_client takes an httpx.Client, not {type(client).__name__}")
        self._adopt(client)
        self._connections = self._connections.with_client(http_client=client)
        self._client = None
        return self

    def set_async_httpx_client(self, async_client: httpx.AsyncClient) -> Self:
        """`set_httpx_client` for the `httpx.AsyncClient` of the `asyncio` functions."""
        if not isinstance(async_client, httpx.AsyncClient):
            raise TypeError(
                f"set_async_httpx_client takes an httpx.AsyncClient, not {type(async_client).__name__}"
            )
        self._adopt(async_client)
        self._connections = self._connections.with_client(async_http_client=async_client)
        self._async_client = None
        return self

    def _adopt(self, client: httpx.Client | httpx.AsyncClient) -> None:
        base_url = str(client.base_url).rstrip("/")
        if base_url and base_url != self._base_url:
            self._base_url = base_url
            self._client = self._async_client = None  # their key transports know the old origin
        self._headers = adopted_headers(client, self._headers)
        if client.timeout != HTTPX_DEFAULT_TIMEOUT:
            self._timeout = client.timeout

    def _httpx_options(self) -> dict[str, Any]:
        transport = KeyTransport(
            self._connections, base_url=self._base_url, key=self.token, key_header=self.auth_header_name
        )
        return {
            "base_url": self._base_url,
            "cookies": self._cookies,
            "headers": self._headers,
            "timeout": self._timeout,
            "follow_redirects": self._follow_redirects,
            "transport": transport,
        }


def adopted_headers(client: httpx.Client | httpx.AsyncClient, headers: Mapping[str, str]) -> dict[str, str]:
    """The user's client's headers under `headers` (the Cekura client's User-Agent stays)."""
    theirs = {name: value for name, value in client.headers.items() if name.lower() != "user-agent"}
    return {**theirs, **headers}


def as_timeout(timeout: float | httpx.Timeout) -> httpx.Timeout:
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)


def check_max_retries(max_retries: int) -> int:
    if max_retries < 0:
        raise ValueError(f"max_retries must be 0 or more, not {max_retries}")
    return max_retries
