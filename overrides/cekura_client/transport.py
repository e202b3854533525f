"""The httpx transport of `Cekura()` clients, sync and async: key safety, retries, typed errors.

httpx hands the same `httpx_args` to the generated client's `httpx.Client` and `httpx.AsyncClient`,
so this one transport serves both: it wraps an `httpx.HTTPTransport` and an
`httpx.AsyncHTTPTransport`, each made on first use. For every request, redirects included, it
drops the API key when the request leaves the API's origin (`key_safety`), retries as
`retries.RetryPolicy` decides, and with `raise_on_error` turns a final 4xx/5xx into its typed error
(`status_errors`). Why not a library: the retry packages for httpx (httpx-retries, tenacity around
calls) know nothing of the key header and retry by status alone, not by whether a POST may have
been processed.
"""

import logging
from typing import Any

import httpx

from cekura_client.key_safety import drop_key_off_origin, origin
from cekura_client.retries import DEFAULT_MAX_RETRIES, RetryPolicy
from cekura_client.status_errors import error_for

logger = logging.getLogger("cekura_client.retries")


class CekuraTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Sends requests for one API origin; `transport_options` go to the httpx transports it wraps."""

    def __init__(
        self,
        *,
        base_url: str,
        key_header: str,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
        raise_on_error: bool = False,
        **transport_options: Any,
    ) -> None:
        if max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, not {max_retries}")
        self._origin = origin(base_url)
        self._key_header = key_header
        self._max_retries = max_retries
        self._policy = retry_policy or RetryPolicy()
        self._raise_on_error = raise_on_error
        self._transport_options = transport_options
        self._sync: httpx.HTTPTransport | None = None
        self._async: httpx.AsyncHTTPTransport | None = None

    def __repr__(self) -> str:
        scheme, host, port = self._origin
        return f"CekuraTransport(origin='{scheme}://{host}:{port}', max_retries={self._max_retries})"

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        drop_key_off_origin(request, self._origin, self._key_header)
        if self._sync is None:
            self._sync = httpx.HTTPTransport(**self._transport_options)
        if self._max_retries:
            request.read()  # a body sent twice must be replayable
        retry = 0
        while True:
            try:
                response = self._sync.handle_request(request)
            except httpx.TransportError as error:
                delay = self._delay_after_error(request, error, retry)
                if delay is None:
                    raise
            else:
                delay = self._delay_after_response(request, response, retry)
                if delay is None:
                    if self._raise_on_error and response.status_code >= 400:
                        response.read()
                        raise self._error(request, response)
                    return response
                response.close()
            self._policy.sleep(delay)
            retry += 1

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        drop_key_off_origin(request, self._origin, self._key_header)
        if self._async is None:
            self._async = httpx.AsyncHTTPTransport(**self._transport_options)
        if self._max_retries:
            await request.aread()
        retry = 0
        while True:
            try:
                response = await self._async.handle_async_request(request)
            except httpx.TransportError as error:
                delay = self._delay_after_error(request, error, retry)
                if delay is None:
                    raise
            else:
                delay = self._delay_after_response(request, response, retry)
                if delay is None:
                    if self._raise_on_error and response.status_code >= 400:
                        await response.aread()
                        raise self._error(request, response)
                    return response
                await response.aclose()
            await self._policy.async_sleep(delay)
            retry += 1

    def close(self) -> None:
        if self._sync is not None:
            self._sync.close()

    async def aclose(self) -> None:
        if self._async is not None:
            await self._async.aclose()

    def _delay_after_response(
        self, request: httpx.Request, response: httpx.Response, retry: int
    ) -> float | None:
        if retry >= self._max_retries:
            if retry and response.status_code >= 400:
                logger.info("giving up on %s %s after %d retries", request.method, request.url.path, retry)
            return None
        delay: float | None = self._policy.delay_after_response(request, response, retry)
        return delay

    def _delay_after_error(
        self, request: httpx.Request, error: httpx.TransportError, retry: int
    ) -> float | None:
        if retry >= self._max_retries:
            if retry:
                logger.info("giving up on %s %s after %d retries", request.method, request.url.path, retry)
            return None
        delay: float | None = self._policy.delay_after_error(request, error, retry)
        return delay

    @staticmethod
    def _error(request: httpx.Request, response: httpx.Response) -> Exception:
        response.request = request
        error: Exception = error_for(response)
        return error
