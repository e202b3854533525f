"""When to retry a request and how long to wait: every retry decision of the client, in one place.

Rules (the issue that asked for them: a retried POST can bill an evaluator run twice):

- Connection errors before the request was sent (connect, pool timeout) are retried for every method.
- Errors after it may have been sent (read/write errors and timeouts, a dropped connection) and the
  statuses in `RETRYABLE_STATUSES` are retried for idempotent methods only.
- `POST` and `PATCH` are also retried on 429 with a `Retry-After` header: the API refused the request
  without processing it and said when to come back.
- The wait is the server's `Retry-After` (seconds or an HTTP date) when given, else exponential
  backoff with jitter. A `Retry-After` longer than `MAX_RETRY_AFTER` is not waited for: the error
  goes back to the caller, who can decide.

Every decision is logged on the `cekura_client.retries` logger, with method and path only: never
headers (the API key is one) nor the query string.
"""

import email.utils
import logging
import random
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5
"""Seconds before the first retry; doubled for each further one."""
MAX_RETRY_DELAY = 8.0
"""Longest backoff between two attempts, in seconds."""
MAX_RETRY_AFTER = 60.0
"""Longest `Retry-After` the client waits for, in seconds."""
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
NOT_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)
"""The request never left the client: safe to retry whatever the method."""
MAYBE_PROCESSED_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.ReadError,
    httpx.ReadTimeout,
    httpx.WriteError,
    httpx.WriteTimeout,
    httpx.RemoteProtocolError,
)
"""The server may have acted on the request: retried for idempotent methods only."""

logger = logging.getLogger("cekura_client.retries")


async def asyncio_sleep(seconds: float) -> None:
    """`asyncio.sleep`, imported on first use: `import cekura_client` stays cheap for sync callers."""
    import asyncio

    await asyncio.sleep(seconds)


def equal_jitter(delay: float) -> float:
    """Between half `delay` and `delay`: spreads out clients that failed together."""
    return delay / 2 + random.uniform(0, delay / 2)


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait between attempts; `max_retries` is the transport's (`Cekura(max_retries=)`)."""

    initial_delay: float = INITIAL_RETRY_DELAY
    max_delay: float = MAX_RETRY_DELAY
    max_retry_after: float = MAX_RETRY_AFTER
    jitter: Callable[[float], float] = equal_jitter
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    async_sleep: Callable[[float], Awaitable[None]] = field(default=asyncio_sleep, repr=False)

    def backoff(self, retry: int) -> float:
        """The wait before retry number `retry` (0 for the first) when the server gave none."""
        return self.jitter(min(self.initial_delay * 2**retry, self.max_delay))

    def delay_after_response(
        self, request: httpx.Request, response: httpx.Response, retry: int
    ) -> float | None:
        """Seconds to wait before retrying after `response`, or None to return it to the caller."""
        status = response.status_code
        if status not in RETRYABLE_STATUSES:
            return None
        retry_after = parse_retry_after(response.headers)
        method = request.method.upper()
        if method not in IDEMPOTENT_METHODS and not (status == 429 and retry_after is not None):
            _log_no_retry(request, f"status {status}", "the request may have been processed")
            return None
        if retry_after is not None and retry_after > self.max_retry_after:
            reason = f"Retry-After {retry_after:.0f} s exceeds the {self.max_retry_after:.0f} s cap"
            _log_no_retry(request, f"status {status}", reason)
            return None
        delay = retry_after if retry_after is not None else self.backoff(retry)
        _log_retry(request, f"status {status}", delay, retry)
        return delay

    def delay_after_error(
        self, request: httpx.Request, error: httpx.TransportError, retry: int
    ) -> float | None:
        """Seconds to wait before retrying after `error`, or None to raise it."""
        cause = type(error).__name__
        if _is_tls_failure(error):
            _log_no_retry(request, cause, "TLS verification failed")
            return None
        if isinstance(error, NOT_SENT_ERRORS):
            pass
        elif isinstance(error, MAYBE_PROCESSED_ERRORS):
            if request.method.upper() not in IDEMPOTENT_METHODS:
                _log_no_retry(request, cause, "the request may have been processed")
                return None
        else:
            _log_no_retry(request, cause, "not a transient error")
            return None
        delay = self.backoff(retry)
        _log_retry(request, cause, delay, retry)
        return delay


def parse_retry_after(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """`Retry-After` in seconds (from a number or an HTTP date), or None when absent or unreadable."""
    value = headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            return None
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
        return max(seconds, 0.0)
    return seconds if seconds >= 0 and seconds == seconds else None


def _is_tls_failure(error: BaseException) -> bool:
    """Whether `error` comes from a certificate or TLS handshake failure (retrying cannot help)."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return any(isinstance(link, ssl.SSLError) for link in chain)


def _log_retry(request: httpx.Request, cause: str, delay: float, retry: int) -> None:
    logger.info(
        "retrying %s %s after %s in %.2f s (retry %d)",
        request.method,
        request.url.path,
        cause,
        delay,
        retry + 1,
    )


def _log_no_retry(request: httpx.Request, cause: str, reason: str) -> None:
    logger.info("not retrying %s %s after %s: %s", request.method, request.url.path, cause, reason)
