"""`Cekura()`: a ready client for the generated functions, with retries and safe defaults.

It returns the generated `AuthenticatedClient` (so every `api.<tag>.<operation>.sync(client=...)`,
`sync_detailed`, `asyncio` and `asyncio_detailed` takes it unchanged), set up for the Cekura API:
the key in `X-CEKURA-API-KEY`, the `CekuraTransport` in both its httpx clients, TLS verified.
"""

import os
import ssl
from collections.abc import Mapping

import httpx

from cekura_client.client import AuthenticatedClient
from cekura_client.key_safety import API_KEY_HEADER
from cekura_client.retries import DEFAULT_MAX_RETRIES, RetryPolicy
from cekura_client.transport import CekuraTransport

DEFAULT_BASE_URL = "https://api.cekura.ai"
API_KEY_VARIABLE = "CEKURA_API_KEY"
BASE_URL_VARIABLE = "CEKURA_BASE_URL"
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
"""Some Cekura operations (runs, evaluations) take tens of seconds to answer."""


def Cekura(
    api_key: str | None = None,
    *,
    base_url: str | None = None,
    timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
    max_retries: int = DEFAULT_MAX_RETRIES,
    retry_policy: RetryPolicy | None = None,
    raise_on_error: bool = False,
    follow_redirects: bool = True,
    verify_ssl: bool | str | ssl.SSLContext = True,
    proxy: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> AuthenticatedClient:
    """A client for the generated functions.

    `api_key` defaults to `$CEKURA_API_KEY` and `base_url` to `$CEKURA_BASE_URL`, then
    `https://api.cekura.ai`. `max_retries=0` turns retries off; `retry_policy` changes the waits.
    `raise_on_error=True` raises the typed errors of `cekura_client.errors` for 4xx/5xx answers
    instead of returning them. Redirects are followed, but the key is only ever sent to the
    origin of `base_url`. `proxy` is needed for a proxy: httpx ignores `HTTPS_PROXY` once a
    transport is given.
    """
    key = _api_key(api_key)
    url = _base_url(base_url)
    transport = CekuraTransport(
        base_url=url,
        key_header=API_KEY_HEADER,
        max_retries=max_retries,
        retry_policy=retry_policy,
        raise_on_error=raise_on_error,
        verify=verify_ssl,
        proxy=proxy,
    )
    return AuthenticatedClient(
        base_url=url,
        token=key,
        prefix="",
        auth_header_name=API_KEY_HEADER,
        headers=dict(headers or {}),
        timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
        verify_ssl=verify_ssl,
        follow_redirects=follow_redirects,
        httpx_args={"transport": transport},
    )


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
