"""`Cekura()`: a ready client for the generated functions, with retries and safe defaults.

It returns a `CekuraClient` (`runtime_client`), a subclass of the generated `AuthenticatedClient`,
so every `api.<tag>.<operation>.sync(client=...)`, `sync_detailed`, `asyncio` and
`asyncio_detailed` takes it unchanged, set up for the Cekura API: the key sent in
`X-CEKURA-API-KEY` to the API's origin only, retries within an overall deadline, typed errors,
TLS verified, a bounded connection pool and a `User-Agent` naming the client.
"""

import os
import ssl
from collections.abc import Mapping

import httpx

from cekura_client.key_safety import API_KEY_HEADER
from cekura_client.logs import configure_from_environment
from cekura_client.retries import DEFAULT_MAX_RETRIES, RetryPolicy
from cekura_client.runtime_client import (
    HTTPX_DEFAULT_TIMEOUT,
    CekuraClient,
    adopted_headers,
    as_timeout,
    check_max_retries,
)
from cekura_client.transport import Connections
from cekura_client.types import UNSET, Unset
from cekura_client.version import user_agent

DEFAULT_BASE_URL = "https://api.cekura.ai"
API_KEY_VARIABLE = "CEKURA_API_KEY"
BASE_URL_VARIABLE = "CEKURA_BASE_URL"
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
"""Some Cekura operations (runs, evaluations) take tens of seconds to answer."""
DEFAULT_LIMITS = httpx.Limits(max_connections=50, max_keepalive_connections=50, keepalive_expiry=30.0)
"""At most 50 connections, all kept open for 30 s: a burst waits for a free connection (up to the
pool timeout) instead of opening one per call, and the next burst reuses them without new TLS
handshakes (httpx's default keeps 20 for 5 s)."""


def Cekura(
    api_key: str | None = None,
    *,
    base_url: str | None = None,
    timeout: float | httpx.Timeout | Unset = UNSET,
    max_retries: int = DEFAULT_MAX_RETRIES,
    retry_policy: RetryPolicy | None = None,
    deadline: float | None = None,
    raise_on_error: bool = False,
    follow_redirects: bool = True,
    verify_ssl: bool | str | ssl.SSLContext = True,
    proxy: str | None = None,
    limits: httpx.Limits = DEFAULT_LIMITS,
    headers: Mapping[str, str] | None = None,
    http_client: httpx.Client | httpx.AsyncClient | None = None,
    async_http_client: httpx.AsyncClient | None = None,
) -> CekuraClient:
    """A client for the generated functions.

    `api_key` defaults to `$CEKURA_API_KEY` and `base_url` to `$CEKURA_BASE_URL`, then
    `https://api.cekura.ai`. `timeout` applies to each attempt (60 s, 10 s to connect);
    `deadline` bounds a whole call, retries and waits included (twice the timeout by default).
    `max_retries=0` turns retries off; `retry_policy` changes the waits. `raise_on_error=True`
    raises the typed errors of `cekura_client.errors` for 4xx/5xx answers instead of returning
    them. Redirects are followed, but the key is only ever sent to the origin of `base_url`.
    `verify_ssl`, `proxy` (httpx ignores `HTTPS_PROXY` once a transport is given) and `limits`
    configure the connections the client makes itself; `http_client` (an `httpx.Client` or
    `httpx.AsyncClient`) and `async_http_client` are yours to send through instead: see
    `CekuraClient.set_httpx_client`.
    """
    configure_from_environment()
    key = _api_key(api_key)
    sync_client, async_client = _user_clients(http_client, async_http_client)
    given = sync_client or async_client
    url = _base_url(base_url or (str(given.base_url) if given is not None else None))
    if isinstance(timeout, Unset):
        timeout = (
            given.timeout if given is not None and given.timeout != HTTPX_DEFAULT_TIMEOUT else DEFAULT_TIMEOUT
        )
    default_headers: dict[str, str] = {"User-Agent": user_agent(), **(headers or {})}
    if given is not None:
        default_headers = adopted_headers(given, default_headers)
    connections = Connections(
        http_client=sync_client,
        async_http_client=async_client,
        verify=verify_ssl,
        proxy=proxy,
        limits=limits,
    )
    client = CekuraClient(
        base_url=url,
        token=key,
        prefix="",
        auth_header_name=API_KEY_HEADER,
        headers=default_headers,
        timeout=as_timeout(timeout),
        verify_ssl=verify_ssl,
        follow_redirects=follow_redirects,
        connections=connections,
        max_retries=check_max_retries(max_retries),
        retry_policy=retry_policy or RetryPolicy(),
        deadline=deadline,
        raise_on_error=raise_on_error,
    )
    client.call_options()  # a bad deadline fails here, before any I/O
    return client


def _user_clients(
    http_client: httpx.Client | httpx.AsyncClient | None, async_http_client: httpx.AsyncClient | None
) -> tuple[httpx.Client | None, httpx.AsyncClient | None]:
    """The user's sync and async httpx clients; `http_client` may be either kind."""
    if async_http_client is not None and not isinstance(async_http_client, httpx.AsyncClient):
        raise TypeError(
            f"async_http_client must be an httpx.AsyncClient, not {type(async_http_client).__name__}"
        )
    if isinstance(http_client, httpx.AsyncClient):
        if async_http_client is not None:
            raise TypeError(
                "http_client is an httpx.AsyncClient and async_http_client is given too: pass one"
            )
        return None, http_client
    if http_client is not None and not isinstance(http_client, httpx.Client):
        raise TypeError(
            f"http_client must be an httpx.Client or httpx.AsyncClient, not {type(http_client).__name__}"
        )
    return http_client, async_http_client


def _api_key(given: str | None) -> str:
    key = given if given is not None else os.environ.get(API_KEY_VARIABLE)
    if not key or not key.strip():
        raise ValueError(f"no Cekura API key: pass Cekura(api_key=...) or set {API_KEY_VARIABLE}")
    if key != key.strip() or any(not character.isprintable() for character in key):
        raise ValueError("the Cekura API key has spaces or control characters around or in it; copy it again")
    return key


def _base_url(given: str | None) -> str:
    url = (given or os.environ.get(BASE_URL_VARIABLE) or DEFAULT_BASE_URL).rstrip("/")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as error:
        raise ValueError(f"the Cekura base URL {url!r} is not a URL ({error})") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"the Cekura base URL {url!r} must start with https:// and name a host")
    return url
