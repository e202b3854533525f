"""The httpx clients of a `Cekura()` client: retries, the call's deadline and typed errors around `send`.

`CekuraHTTPClient` (and `CekuraAsyncHTTPClient`) is an `httpx.Client` whose `send` runs the
attempts of one call: it retries as `retries.RetryPolicy` decides, never past the call's overall
deadline, and turns every failure into an error of `cekura_client.errors`: a transport failure
(refused, reset, TLS, too many redirects, an unreadable body) into `APIConnectionError`, a timeout
into `APITimeoutError`, each with the httpx exception as `__cause__`, and with `raise_on_error` a
final 4xx/5xx into its `APIStatusError`. Each attempt's body is read inside the loop, so a body cut
off mid-way is retried like any other dropped connection. The key is added per request by the
transport underneath (`transport.KeyTransport`).

Why a subclass around `send` rather than a transport: httpx reads the body, follows redirects and
raises its own errors above the transport, and the generated endpoints call
`request(...)` on `client.get_httpx_client()` (`request_send.send`), so `send` is the one place
every call passes through.
"""

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from cekura_client.errors import APIConnectionError, APITimeoutError
from cekura_client.retries import DEFAULT_MAX_RETRIES, RetryPolicy, attempt_timeouts
from cekura_client.status_errors import error_for

logger = logging.getLogger("cekura_client.retries")
http_logger = logging.getLogger("cekura_client.http")

# `send`'s own parameter types (httpx's `AuthTypes`, `UseClientDefault`) are private to httpx.
Auth = Any
FollowRedirects = Any


@dataclass(frozen=True)
class CallOptions:
    """What a client does with each call: retries, overall deadline (seconds), errors raised or returned."""

    max_retries: int = DEFAULT_MAX_RETRIES
    retry_policy: RetryPolicy = field(default_factory=RetryPolicy)
    deadline: float = float("inf")
    raise_on_error: bool = False
    clamp_first_attempt: bool = False
    """Whether the deadline is shorter than the timeouts, so even the first attempt is shortened."""

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, not {self.max_retries}")


class CekuraHTTPClient(httpx.Client):
    """An `httpx.Client` whose `send` retries, keeps the deadline and raises `CekuraError`s."""

    def __init__(self, *, calls: CallOptions, **httpx_options: Any) -> None:
        super().__init__(**httpx_options)
        self.calls = calls

    def send(
        self,
        request: httpx.Request,
        *,
        stream: bool = False,
        auth: Auth = httpx.USE_CLIENT_DEFAULT,
        follow_redirects: FollowRedirects = httpx.USE_CLIENT_DEFAULT,
    ) -> httpx.Response:
        calls = self.calls
        started = time.monotonic()
        deadline_at = started + calls.deadline
        if calls.max_retries:
            request.read()  # a body sent twice must be replayable
        retry = 0
        while True:
            if retry or calls.clamp_first_attempt:
                _shorten_timeouts(request, deadline_at)
            try:
                response = super().send(request, stream=stream, auth=auth, follow_redirects=follow_redirects)
            except httpx.TransportError as error:
                delay = _delay_after_error(calls, request, error, retry, deadline_at)
                if delay is None:
                    raise _connection_error(request, error, started, retry) from error
            except httpx.RequestError as error:  # too many redirects, an undecodable body
                raise _connection_error(request, error, started, retry) from error
            else:
                _log_attempt(request, response, started)
                delay = _delay_after_response(calls, request, response, retry, deadline_at)
                if delay is None:
                    if calls.raise_on_error and response.status_code >= 400:
                        response.read()
                        raise error_for(response)
                    return response
                response.close()
            calls.retry_policy.sleep(delay)
            retry += 1


class CekuraAsyncHTTPClient(httpx.AsyncClient):
    """`CekuraHTTPClient` for `asyncio_detailed` and `asyncio`."""

    def __init__(self, *, calls: CallOptions, **httpx_options: Any) -> None:
        super().__init__(**httpx_options)
        self.calls = calls

    async def send(
        self,
        request: httpx.Request,
        *,
        stream: bool = False,
        auth: Auth = httpx.USE_CLIENT_DEFAULT,
        follow_redirects: FollowRedirects = httpx.USE_CLIENT_DEFAULT,
    ) -> httpx.Response:
        calls = self.calls
        started = time.monotonic()
        deadline_at = started + calls.deadline
        if calls.max_retries:
            await request.aread()
        retry = 0
        while True:
            if retry or calls.clamp_first_attempt:
                _shorten_timeouts(request, deadline_at)
            try:
                response = await super().send(
                    request, stream=stream, auth=auth, follow_redirects=follow_redirects
                )
            except httpx.TransportError as error:
                delay = _delay_after_error(calls, request, error, retry, deadline_at)
                if delay is None:
                    raise _connection_error(request, error, started, retry) from error
            except httpx.RequestError as error:
                raise _connection_error(request, error, started, retry) from error
            else:
                _log_attempt(request, response, started)
                delay = _delay_after_response(calls, request, response, retry, deadline_at)
                if delay is None:
                    if calls.raise_on_error and response.status_code >= 400:
                        await response.aread()
                        raise error_for(response)
                    return response
                await response.aclose()
            await calls.retry_policy.async_sleep(delay)
            retry += 1


def _shorten_timeouts(request: httpx.Request, deadline_at: float) -> None:
    timeouts = request.extensions.get("timeout")
    if timeouts is not None:
        time_left = max(deadline_at - time.monotonic(), 0.0)
        request.extensions = {**request.extensions, "timeout": attempt_timeouts(timeouts, time_left)}


def _delay_after_response(
    calls: CallOptions, request: httpx.Request, response: httpx.Response, retry: int, deadline_at: float
) -> float | None:
    if retry >= calls.max_retries:
        if retry and response.status_code >= 400:
            logger.info("giving up on %s %s after %d retries", request.method, request.url.path, retry)
        return None
    time_left = deadline_at - time.monotonic()
    delay: float | None = calls.retry_policy.delay_after_response(request, response, retry, time_left)
    return delay


def _delay_after_error(
    calls: CallOptions, request: httpx.Request, error: httpx.TransportError, retry: int, deadline_at: float
) -> float | None:
    if retry >= calls.max_retries:
        if retry:
            logger.info("giving up on %s %s after %d retries", request.method, request.url.path, retry)
        return None
    time_left = deadline_at - time.monotonic()
    delay: float | None = calls.retry_policy.delay_after_error(request, error, retry, time_left)
    return delay


def _connection_error(
    request: httpx.Request, error: httpx.RequestError, started: float, retry: int
) -> APIConnectionError:
    """The typed error for `error`: method, path, time taken and attempts; never headers or query."""
    attempts = f"{retry + 1} attempt{'s' if retry else ''}"
    took = f"after {time.monotonic() - started:.1f} s ({attempts})"
    cause = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    where = f"{request.method} {request.url.path}"
    if isinstance(error, httpx.TimeoutException):
        advice = "pass a longer timeout or deadline (Cekura(...) or with_options) to wait longer"
        return APITimeoutError(f"{where} timed out {took}; {cause}; {advice}", request=request)
    return APIConnectionError(f"{where} failed {took}: {cause}", request=request)


def _log_attempt(request: httpx.Request, response: httpx.Response, started: float) -> None:
    """At debug level: method, path, status and time of each attempt (no query, headers or body)."""
    if http_logger.isEnabledFor(logging.DEBUG):
        took = (time.monotonic() - started) * 1e3
        http_logger.debug(
            "%s %s -> %d in %.0f ms", request.method, request.url.path, response.status_code, took
        )
