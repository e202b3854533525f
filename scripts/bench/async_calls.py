"""Async calls on a loopback server: many calls in flight at once, the client against plain httpx.

Each sample sends `CALLS` requests for the same page with at most `CONCURRENCY` in flight (that
many tasks, each sending its share back to back), on one event loop and one `httpx.AsyncClient`
per contender kept for the whole run, so connections are opened once, before the first sample.
"""

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from scripts.bench.calls import API_KEY, PATH, generated_client, result_count
from scripts.bench.report import Goal, Section
from scripts.bench.timing import Sampler, round_robin

CALLS = 500
CONCURRENCY = 50
PLAIN = "plain httpx.AsyncClient + json.loads"
GENERATED = "cekura_client call_logs_list.asyncio"
LIMIT = 1.05


def contenders(base_url: str, page_size: int) -> dict[str, Callable[[], Awaitable[Any]]]:
    from cekura_client.api.call_logs import call_logs_list

    plain = httpx.AsyncClient(base_url=base_url, headers={"X-CEKURA-API-KEY": API_KEY})
    generated = generated_client(base_url)

    async def plain_call() -> Any:
        response = await plain.get(PATH, params={"page_size": page_size})
        return json.loads(response.content)

    async def generated_call() -> Any:
        return await call_logs_list.asyncio(client=generated, page_size=page_size)

    return {PLAIN: plain_call, GENERATED: generated_call}


async def batch(call: Callable[[], Awaitable[Any]], calls: int, concurrency: int) -> None:
    async def worker(share: int) -> None:
        for _ in range(share):
            await call()

    base, extra = divmod(calls, concurrency)
    shares = [base + (1 if index < extra else 0) for index in range(concurrency)]
    await asyncio.gather(*(worker(share) for share in shares))


def sampler(loop: asyncio.AbstractEventLoop, call: Callable[[], Awaitable[Any]]) -> Sampler:
    def sample() -> float:
        start = time.perf_counter()
        loop.run_until_complete(batch(call, CALLS, CONCURRENCY))
        return time.perf_counter() - start

    return sample


def measure(base_url: str, page_size: int, page_bytes: int, rounds: int) -> tuple[list[Section], list[Goal]]:
    loop = asyncio.new_event_loop()
    try:
        calls = contenders(base_url, page_size)
        for name, call in calls.items():
            if result_count(loop.run_until_complete(call())) != page_size:
                raise RuntimeError(f"{name} did not get the {page_size}-item page back")
            loop.run_until_complete(batch(call, CONCURRENCY, CONCURRENCY))  # open the connections
        samples = round_robin({name: sampler(loop, call) for name, call in calls.items()}, rounds)
    finally:
        loop.close()
    section = Section(
        title=f"Async: {CALLS} calls, {CONCURRENCY} in flight",
        columns=["client", "median s per batch", "vs plain", "spread vs plain"],
        rows=samples.comparison_rows("median s per batch", PLAIN),
        note=f"{rounds} rounds, order rotated; the {page_size}-item page ({page_bytes:,} bytes); one event "
        "loop and one client each for the whole run.",
        samples=samples.by_name,
    )
    goal = samples.ratio_goal(
        f"async, {CALLS} calls {CONCURRENCY} in flight ({page_size}-item page): client vs plain httpx",
        GENERATED,
        PLAIN,
        LIMIT,
    )
    return [section], [goal]
