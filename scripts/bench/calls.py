"""Per-call cost on a loopback server: the generated function, plain httpx, and the official SDK.

All of them keep one connection open (an `httpx.Client` each), send the API key header and ask
for the same `call-logs` page; they differ only in what they do around the request. Plain httpx
plus `json.loads` is the floor any client pays; the SDK has the same list endpoint (`calls.list`).
Plain httpx plus msgspec's decoder, the one the client uses, is informative: against it the
client's ratio is the cost of its models alone.
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

from scripts.bench.report import Cell, Goal, Section
from scripts.bench.timing import per_call, round_robin
from scripts.core import paths

API_KEY = "bench-key-not-secret"
PATH = "/observability/v1/call-logs/"
PLAIN = "plain httpx + json.loads"
PLAIN_MSGSPEC = "plain httpx + msgspec decode"
GENERATED = "cekura_client call_logs_list.sync"
SDK = "official SDK calls.list"


@contextmanager
def loopback_server(small: Path, large: Path) -> Iterator[str]:
    """Start `loopback_server` in a subprocess; yield its base URL; stop it on exit."""
    command = [sys.executable, "-m", "scripts.bench.loopback_server", str(small), str(large)]
    process = subprocess.Popen(command, cwd=paths.ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def contenders(base_url: str, page_size: int) -> dict[str, Callable[[], Any]]:
    from cekura import Cekura

    from cekura_client import AuthenticatedClient
    from cekura_client.api.call_logs import call_logs_list

    plain = httpx.Client(base_url=base_url, headers={"X-CEKURA-API-KEY": API_KEY})
    generated = AuthenticatedClient(
        base_url=base_url, token=API_KEY, prefix="", auth_header_name="X-CEKURA-API-KEY"
    )
    sdk = Cekura(api_key=API_KEY, base_url=base_url)
    decode = msgspec.json.Decoder().decode
    return {
        PLAIN: lambda: json.loads(plain.get(PATH, params={"page_size": page_size}).content),
        PLAIN_MSGSPEC: lambda: decode(plain.get(PATH, params={"page_size": page_size}).content),
        GENERATED: lambda: call_logs_list.sync(client=generated, page_size=page_size),
        SDK: lambda: sdk.calls.list(page_size=page_size),
    }


def result_count(result: Any) -> int:
    """How many items a contender got back, to check that all of them parsed the same page."""
    results = result["results"] if isinstance(result, dict) else result.results
    return len(results)


def measure(pages: dict[int, bytes], workdir: Path, rounds: int) -> tuple[list[Section], list[Goal]]:
    small_size, large_size = sorted(pages)
    (workdir / "small.json").write_bytes(pages[small_size])
    (workdir / "large.json").write_bytes(pages[large_size])
    rows: list[dict[str, Cell]] = []
    samples_by_name: dict[str, list[float]] = {}
    ratios: dict[int, float] = {}
    with loopback_server(workdir / "small.json", workdir / "large.json") as base_url:
        for size in (small_size, large_size):
            actions = contenders(base_url, size)
            for name, action in actions.items():
                if result_count(action()) != size:
                    raise RuntimeError(f"{name} did not get the {size}-item page back")
            calls = 400 if size == small_size else 100
            samples = round_robin({name: per_call(action, calls) for name, action in actions.items()}, rounds)
            for name in actions:
                rows.append(
                    {
                        "page": f"{size} item(s), {len(pages[size]):,} bytes",
                        "client": name,
                        "median ms per call": samples.median(name) * 1e3,
                        "vs plain": samples.ratio(name, PLAIN),
                        "vs plain + msgspec": samples.ratio(name, PLAIN_MSGSPEC),
                    }
                )
                samples_by_name[f"{size} items: {name}"] = samples.by_name[name]
            ratios[size] = samples.ratio(GENERATED, PLAIN)
    section = Section(
        title="Per call on a loopback server",
        columns=["page", "client", "median ms per call", "vs plain", "vs plain + msgspec"],
        rows=rows,
        note=f"{rounds} rounds of back-to-back calls per client (order rotated); one kept-alive "
        "connection each.",
        samples=samples_by_name,
    )
    goal = Goal(f"{large_size}-item page per call: generated vs plain", ratios[large_size], 1.3, "x")
    return [section], [goal]
