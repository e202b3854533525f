"""Per-call cost on a loopback server: the generated function, plain httpx, and the official SDK.

All of them keep one connection open (an `httpx.Client` each), send the API key header and ask
for the same `call-logs` page; they differ only in what they do around the request. Plain httpx
plus `json.loads` is the floor any client pays; the SDK has the same list endpoint (`calls.list`).
Plain httpx plus msgspec's decoder, the one the client uses, is the floor for any httpx client:
against it the client's ratio is the cost of its models alone.
"""

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import msgspec

from scripts.bench.gc_cost import gc_cost
from scripts.bench.report import Cell, Goal, Section
from scripts.bench.timing import per_call, round_robin
from scripts.core import paths

API_KEY = "bench-key-not-secret"
PATH = "/observability/v1/call-logs/"
PLAIN = "plain httpx + json.loads"
PLAIN_MSGSPEC = "plain httpx + msgspec decode"
GENERATED = "cekura_client call_logs_list.sync"
SDK = "official SDK calls.list"
# A round is 400 calls of the 1-item page per client (about 0.3 s), cut into blocks of a few
# milliseconds that alternate between the clients, so a burst of load elsewhere on the machine
# falls on all of them; a per-round ratio then varies by a few percent instead of by half.
CALLS_PER_BLOCK = {1: 10, 100: 5, 1000: 1}
BLOCKS_PER_ROUND = {1: 40, 100: 20, 1000: 20}
LIMIT_VS_PLAIN = 1.0
LIMIT_VS_MSGSPEC = 1.3


@contextmanager
def loopback_server(pages: dict[int, Path]) -> Iterator[str]:
    """Start `loopback_server` in a subprocess serving `pages`; yield its base URL; stop it on exit."""
    arguments = [f"{size}={file}" for size, file in pages.items()]
    command = [sys.executable, "-m", "scripts.bench.loopback_server", *arguments]
    process = subprocess.Popen(command, cwd=paths.ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def write_pages(pages: dict[int, bytes], workdir: Path) -> dict[int, Path]:
    files = {size: workdir / f"page-{size}.json" for size in pages}
    for size, file in files.items():
        file.write_bytes(pages[size])
    return files


def generated_client(base_url: str) -> Any:
    """The generated client as the calls use it: the key in its header, nothing else configured."""
    from cekura_client import AuthenticatedClient

    return AuthenticatedClient(
        base_url=base_url, token=API_KEY, prefix="", auth_header_name="X-CEKURA-API-KEY"
    )


def contenders(base_url: str, page_size: int) -> dict[str, Callable[[], Any]]:
    from cekura import Cekura

    from cekura_client.api.call_logs import call_logs_list

    plain = httpx.Client(base_url=base_url, headers={"X-CEKURA-API-KEY": API_KEY})
    generated = generated_client(base_url)
    sdk = Cekura(api_key=API_KEY, base_url=base_url)
    decode = msgspec.json.Decoder().decode
    return {
        PLAIN: lambda: json.loads(plain.get(PATH, params={"page_size": page_size}).content),
        PLAIN_MSGSPEC: lambda: decode(plain.get(PATH, params={"page_size": page_size}).content),
        GENERATED: lambda: call_logs_list.sync(client=generated, page_size=page_size),
        SDK: lambda: sdk.calls.list(page_size=page_size),
    }


def round_shape(size: int) -> tuple[int, int]:
    """Calls per block and blocks per round for a page of `size` items (one call per block past 1,000)."""
    return CALLS_PER_BLOCK.get(size, 1), BLOCKS_PER_ROUND.get(size, 20)


def block_shape(sizes: list[int]) -> str:
    """How a round is cut, per page size: `40 blocks of 10 calls at 1 item(s), ...`."""
    shapes = {size: round_shape(size) for size in sizes}
    return ", ".join(
        f"{blocks} blocks of {calls} calls at {size:,} item(s)" for size, (calls, blocks) in shapes.items()
    )


def result_count(result: Any) -> int:
    """How many items a contender got back, to check that all of them parsed the same page."""
    results = result["results"] if isinstance(result, dict) else result.results
    return len(results)


def measure(pages: dict[int, bytes], base_url: str, rounds: int) -> tuple[list[Section], list[Goal]]:
    rows: list[dict[str, Cell]] = []
    samples_by_name: dict[str, list[float]] = {}
    goals: list[Goal] = []
    for size in sorted(pages):
        actions = contenders(base_url, size)
        for name, action in actions.items():
            if result_count(action()) != size:
                raise RuntimeError(f"{name} did not get the {size}-item page back")
        calls, blocks = round_shape(size)
        samplers = {name: per_call(action, calls) for name, action in actions.items()}
        samples = round_robin(samplers, rounds, blocks)
        for name, action in actions.items():
            low, high = samples.spread(name, PLAIN)
            collector = gc_cost(action, calls * blocks)
            runs = "/".join(f"{count:.2g}" for count in collector.collections_per_call)
            rows.append(
                {
                    "page": f"{size:,} item(s), {len(pages[size]):,} bytes",
                    "client": name,
                    "median ms per call": samples.median(name) * 1e3,
                    "vs plain": samples.ratio(name, PLAIN),
                    "spread vs plain": f"{low:.3g}-{high:.3g}",
                    "vs plain + msgspec": samples.ratio(name, PLAIN_MSGSPEC),
                    "ms in GC per call": collector.seconds_per_call * 1e3,
                    "GC runs per call (gen 0/1/2)": runs,
                }
            )
            samples_by_name[f"{size} items: {name}"] = samples.by_name[name]
        goals += [
            samples.ratio_goal(
                f"per call, {size:,}-item page: client vs plain httpx + json.loads",
                GENERATED,
                PLAIN,
                LIMIT_VS_PLAIN,
            ),
            samples.ratio_goal(
                f"per call, {size:,}-item page: client vs plain httpx + msgspec",
                GENERATED,
                PLAIN_MSGSPEC,
                LIMIT_VS_MSGSPEC,
            ),
        ]
    section = Section(
        title="Per call on a loopback server",
        columns=[
            "page",
            "client",
            "median ms per call",
            "vs plain",
            "spread vs plain",
            "vs plain + msgspec",
            "ms in GC per call",
            "GC runs per call (gen 0/1/2)",
        ],
        rows=rows,
        note=f"{rounds} rounds; a round runs every client in interleaved blocks of back-to-back calls "
        f"({block_shape(sorted(pages))}), the order rotated from block to block; one kept-alive "
        "connection each; ratios are medians of same-round ratios, the spread their min-max. The GC "
        "columns come from one more batch per client, timed by `gc.callbacks` (`gc_cost.py`).",
        samples=samples_by_name,
    )
    return [section], goals
