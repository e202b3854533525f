"""Waiting for long work: poll an operation until its answer says the work is done.

`poll(method)` returns a function with `method`'s own parameters that calls it until done,
`apoll` the same for an async method; `wait_for_result(client, run)` waits for an evaluator run
(`results_retrieve_v2`). "Done" is `until(answer)` when given, else the operation's rule in the
generated `wait_rules.WAIT_RULES`, read from the spec: a `status` among its enum's terminal values
(`completed`, `failed`, `cancelled`, `timeout`; not `pending`, `running`, `in_queue`, ...), or
progress counts that add up. Waits grow from `interval` by `backoff` up to `max_interval`; past
`timeout` seconds `WaitTimeoutError` carries the last answer; a set `cancel` event stops the wait.
Why handwritten: the generator and the spec know nothing of long-running operations; peers ship
the same helper (openai-python's `create_and_poll`, the official SDK's `results.wait`). Never
deleted: the project's own helper.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, ParamSpec, Protocol, TypeVar

from cekura_client.client import AuthenticatedClient
from cekura_client.errors import CekuraError
from cekura_client.types import Unset

if TYPE_CHECKING:
    import asyncio  # imported by `apoll` when used: about 20 ms, not to be paid at `import cekura_client`

    from cekura_client.models import ResultDetailV2

P = ParamSpec("P")
T = TypeVar("T")

DEFAULT_INTERVAL = 2.0
"""Seconds before the second call; each further wait is `backoff` times longer, up to `max_interval`."""
DEFAULT_BACKOFF = 1.5
DEFAULT_MAX_INTERVAL = 30.0
DEFAULT_TIMEOUT = 1800.0
"""An evaluator run of several scenarios takes minutes; half an hour leaves room for a queue."""


class WaitTimeoutError(CekuraError, TimeoutError):
    """The work was not done within `timeout` seconds; `last` is the last answer received."""

    def __init__(self, message: str, last: Any) -> None:
        super().__init__(message)
        self.last = last


class WaitCancelledError(CekuraError):
    """The `cancel` event was set while waiting; `last` is the last answer received."""

    def __init__(self, message: str, last: Any) -> None:
        super().__init__(message)
        self.last = last


class NotPollableError(CekuraError, ValueError):
    """`poll` cannot tell when this operation is done (no rule in the spec) and no `until=` was given."""


class HasId(Protocol):
    """An answer that names a result, like the answer of a `run_scenarios_*` operation."""

    @property
    def id(self) -> int | Unset: ...


def operation_of(method: Callable[..., Any]) -> str:
    """The operation a resource method (`client.results.retrieve_v2`) or module function calls."""
    resource = getattr(getattr(method, "__self__", None), "_resource", None)
    name = getattr(method, "__name__", "")
    if resource:
        return f"{resource}_{name}"
    return str(getattr(method, "__module__", "")).rpartition(".")[2]


def is_done(operation: str, answer: Any) -> bool:
    """Whether `answer` says the work is done, by `operation`'s rule (`NotPollableError` without one)."""
    from cekura_client.wait_rules import WAIT_RULES

    if operation not in WAIT_RULES:
        raise NotPollableError(
            f"{operation} has no status or progress the client can read: pass until=lambda answer: ..."
        )
    kind, fields = WAIT_RULES[operation]
    if kind == "status":
        status = getattr(answer, "status", None)
        return str(getattr(status, "value", status)) in fields
    completed, failed, total = (getattr(answer, field, None) for field in fields)
    if not all(isinstance(count, int) for count in (completed, failed, total)):
        return False
    return int(completed) + int(failed) >= int(total)  # type: ignore[arg-type]


class _Schedule:
    """The waits between calls and the deadline."""

    def __init__(self, interval: float, backoff: float, max_interval: float, timeout: float) -> None:
        if interval <= 0 or backoff < 1 or max_interval <= 0 or timeout < 0:
            raise ValueError(
                "poll needs interval > 0, backoff >= 1, max_interval > 0 and timeout >= 0 "
                f"(got {interval}, {backoff}, {max_interval}, {timeout})"
            )
        self.next = interval
        self.backoff = backoff
        self.max_interval = max_interval
        self.deadline = time.monotonic() + timeout
        self.timeout = timeout

    def delay(self, operation: str, last: Any) -> float:
        """Seconds to wait before the next call; `WaitTimeoutError` once the deadline has passed."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise WaitTimeoutError(f"{operation} was not done after {self.timeout:g} s", last)
        delay = min(self.next, remaining, self.max_interval)
        self.next = min(self.next * self.backoff, self.max_interval)
        return delay


def poll(
    method: Callable[P, T],
    *,
    until: Callable[[T], bool] | None = None,
    interval: float = DEFAULT_INTERVAL,
    backoff: float = DEFAULT_BACKOFF,
    max_interval: float = DEFAULT_MAX_INTERVAL,
    timeout: float = DEFAULT_TIMEOUT,
    cancel: threading.Event | None = None,
) -> Callable[P, T]:
    """`method` called again and again with the same arguments until its answer is done; returns it.

    `poll(client.scenarios.generate_progress_retrieve_v2, timeout=300)(agent_id)`. Errors of a call
    (`NotFoundError`, ...) end the wait; the transport has already retried what can be retried.
    """
    operation = operation_of(method)
    done = until if until is not None else functools.partial(is_done, operation)
    if until is None:
        from cekura_client.wait_rules import WAIT_RULES

        if operation not in WAIT_RULES:
            is_done(operation, None)  # raises NotPollableError now, before any call

    @functools.wraps(method)
    def wait(*args: P.args, **kwargs: P.kwargs) -> T:
        schedule = _Schedule(interval, backoff, max_interval, timeout)
        while True:
            answer = method(*args, **kwargs)
            if done(answer):
                return answer
            delay = schedule.delay(operation, answer)
            if cancel is None:
                time.sleep(delay)
            elif cancel.wait(delay):
                raise WaitCancelledError(f"waiting for {operation} was cancelled", answer)

    return wait


def apoll(
    method: Callable[P, Awaitable[T]],
    *,
    until: Callable[[T], bool] | None = None,
    interval: float = DEFAULT_INTERVAL,
    backoff: float = DEFAULT_BACKOFF,
    max_interval: float = DEFAULT_MAX_INTERVAL,
    timeout: float = DEFAULT_TIMEOUT,
    cancel: asyncio.Event | None = None,
) -> Callable[P, Awaitable[T]]:
    """The async `poll`; cancelling the awaiting task also stops it."""
    operation = operation_of(method)
    done = until if until is not None else functools.partial(is_done, operation)
    if until is None:
        from cekura_client.wait_rules import WAIT_RULES

        if operation not in WAIT_RULES:
            is_done(operation, None)

    import asyncio

    @functools.wraps(method)
    async def wait(*args: P.args, **kwargs: P.kwargs) -> T:
        schedule = _Schedule(interval, backoff, max_interval, timeout)
        while True:
            answer = await method(*args, **kwargs)
            if done(answer):
                return answer
            delay = schedule.delay(operation, answer)
            if cancel is None:
                await asyncio.sleep(delay)
                continue
            try:
                await asyncio.wait_for(cancel.wait(), delay)
            except TimeoutError:
                continue
            raise WaitCancelledError(f"waiting for {operation} was cancelled", answer)

    return wait


def result_id(run: HasId | int) -> int:
    """The result id of a run answer (or the id itself); a clear error when the answer has none."""
    identifier = run if isinstance(run, int) else run.id
    if not isinstance(identifier, int):
        raise NotPollableError(f"the run answer has no result id to wait for ({run!r})")
    return identifier


def wait_for_result(
    client: AuthenticatedClient,
    run: HasId | int,
    *,
    interval: float = 5.0,
    backoff: float = DEFAULT_BACKOFF,
    max_interval: float = DEFAULT_MAX_INTERVAL,
    timeout: float = DEFAULT_TIMEOUT,
    cancel: threading.Event | None = None,
) -> ResultDetailV2:
    """The result of an evaluator run once its status is terminal (`completed`, `failed`, ...).

    `run` is what a `run_scenarios_*` operation answered (or a result id).
    """
    from cekura_client.api.results import results_retrieve_v2

    identifier = result_id(run)
    wait = poll(
        results_retrieve_v2.sync, interval=interval, backoff=backoff, max_interval=max_interval,
        timeout=timeout, cancel=cancel,
    )  # fmt: skip
    return wait(identifier, client=client)


async def await_result(
    client: AuthenticatedClient,
    run: HasId | int,
    *,
    interval: float = 5.0,
    backoff: float = DEFAULT_BACKOFF,
    max_interval: float = DEFAULT_MAX_INTERVAL,
    timeout: float = DEFAULT_TIMEOUT,
    cancel: asyncio.Event | None = None,
) -> ResultDetailV2:
    """The async `wait_for_result`."""
    from cekura_client.api.results import results_retrieve_v2

    identifier = result_id(run)
    wait = apoll(
        results_retrieve_v2.asyncio, interval=interval, backoff=backoff, max_interval=max_interval,
        timeout=timeout, cancel=cancel,
    )  # fmt: skip
    return await wait(identifier, client=client)
