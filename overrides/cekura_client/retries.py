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
- A call has an overall deadline, attempts and waits included (`DEADLINE_FACTOR` times its longest
  per-attempt timeout unless given): a wait that would pass it is not waited for, and each retry's
  timeouts are shortened to the time left (`attempt_timeouts`).

Every decision is logged on the `cekura_client.retries` logger, with method and path only: never
headers (the API key is one) nor the query string.
"""

import email.utils
import logging
import math
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
DEADLINE_FACTOR = 2.0
"""A call's default deadline, retries and waits included: this times its longest per-attempt timeout."""
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
        self, request: httpx.Request, response: httpx.Response, retry: int, time_left: float = math.inf
    ) -> float | None:
        """Seconds to wait before retrying after `response`, or None to return it to the caller.

        `time_left` is what remains of the call's deadline: a wait as long or longer is not made.
        """
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
        if delay >= time_left:
            _log_past_deadline(request, f"status {status}", delay, time_left)
            return None
        _log_retry(request, f"status {status}", delay, retry)
        return delay

    def delay_after_error(
        self, request: httpx.Request, error: httpx.TransportError, retry: int, time_left: float = math.inf
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
        if delay >= time_left:
            _log_past_deadline(request, cause, delay, time_left)
            return None
        _log_retry(request, cause, delay, retry)
        return delay


def overall_deadline(timeout: httpx.Timeout | None, deadline: float | None) -> float:
    """Seconds a call may take in all: `deadline` if given, else `DEADLINE_FACTOR` x the longest timeout."""
    if deadline is not None:
        if not deadline > 0:
            raise ValueError(f"deadline must be a number of seconds above 0, not {deadline!r}")
        return float(deadline)
    limits = [] if timeout is None else [timeout.connect, timeout.read, timeout.write, timeout.pool]
    if not limits or None in limits:
        return math.inf  # an attempt without a timeout has no deadline either
    return DEADLINE_FACTOR * max(limit for limit in limits if limit is not None)


def attempt_timeouts(timeouts: dict[str, float | None], time_left: float) -> dict[str, float | None]:
    """The per-attempt `timeouts` (httpx's request extension), none longer than `time_left`."""
    return {
        name: time_left if limit is None or limit > time_left else limit for name, limit in timeouts.items()
    }


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


def _log_past_deadline(request: httpx.Request, cause: str, delay: float, time_left: float) -> None:
    reason = f"waiting {delay:.2f} s would pass the call's deadline ({max(time_left, 0.0):.2f} s left)"
    _log_no_retry(request, cause, reason)


def _log_no_retry(request: httpx.Request, cause: str, reason: str) -> None:
    logger.info("not retrying %s %s after %s: %s", request.method, request.url.path, cause, reason)
