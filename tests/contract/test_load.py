"""Load over loopback against the mock: no error, no leaked connection, the connection pool bounded.

Counts only (requests answered, connections open); nothing here is timed.
"""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from contract import spec
from contract.spec import MOCK_API_KEY
from scripts.mock_server.serve import RunningMock

REQUESTS = 1000
CONCURRENCY = 100
THREADS = 8
POOL_LIMIT = 20  # below CONCURRENCY, so the pool, not the caller, bounds the connections


def _client(mock: RunningMock) -> Any:
    from cekura_client import AuthenticatedClient

    return AuthenticatedClient(
        base_url=mock.base_url,
        token=MOCK_API_KEY,
        prefix="",
        auth_header_name="X-CEKURA-API-KEY",
        httpx_args={"limits": httpx.Limits(max_connections=POOL_LIMIT, max_keepalive_connections=POOL_LIMIT)},
    )


class _PeakConnections:
    """Samples the server's open connections while a load runs; `peak` is the most seen at once."""

    def __init__(self, mock: RunningMock) -> None:
        self.mock = mock
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "_PeakConnections":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self.mock.open_connections())


def _wait_until_closed(mock: RunningMock) -> int:
    """Open connections once the server has seen the client close (waits for state, not for speed)."""
    for _ in range(200):
        if mock.open_connections() == 0:
            return 0
        threading.Event().wait(0.05)
    return mock.open_connections()


def test_async_client_under_load(mock_server: RunningMock, client_package: Any) -> None:
    module = spec.endpoint_module(spec.index().by_operation_id["dashboards_list"])

    async def run() -> list[int]:
        gate = asyncio.Semaphore(CONCURRENCY)
        async with _client(mock_server) as client:

            async def one() -> int:
                async with gate:
                    response = await module.asyncio_detailed(client=client)
                    return int(response.status_code)

            return await asyncio.gather(*(one() for _ in range(REQUESTS)))

    with _PeakConnections(mock_server) as connections:
        statuses = asyncio.run(run())
    assert statuses == [200] * REQUESTS
    assert 0 < connections.peak <= POOL_LIMIT
    assert _wait_until_closed(mock_server) == 0


def test_sync_client_from_threads(mock_server: RunningMock, client_package: Any) -> None:
    module = spec.endpoint_module(spec.index().by_operation_id["dashboards_list"])
    with (
        _PeakConnections(mock_server) as connections,
        _client(mock_server) as client,
        ThreadPoolExecutor(max_workers=THREADS) as pool,
    ):
        statuses = list(
            pool.map(lambda _: int(module.sync_detailed(client=client).status_code), range(REQUESTS))
        )
    assert statuses == [200] * REQUESTS
    assert 0 < connections.peak <= THREADS
    assert _wait_until_closed(mock_server) == 0
