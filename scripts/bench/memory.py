"""Peak memory of one call for a large page, each contender in a fresh interpreter.

Every sample is a new `python -c` process that imports what it needs, makes one call and exits;
its peak resident size comes from `scripts.bench.peak_memory`, which starts it from a small
launcher, so the figure is the call's own and not this (large) process's, inherited across `fork`.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from scripts.bench.calls import API_KEY, GENERATED, PATH, PLAIN
from scripts.bench.report import Goal, Section
from scripts.bench.timing import Sampler, round_robin
from scripts.core import paths

LIMIT = 1.1
SCRIPTS = {
    PLAIN: (
        "import json, sys, httpx\n"
        "client = httpx.Client(base_url=sys.argv[1], headers={{'X-CEKURA-API-KEY': {key!r}}})\n"
        "page = json.loads(client.get({path!r}, params={{'page_size': int(sys.argv[2])}}).content)\n"
        "assert len(page['results']) == int(sys.argv[2])\n"
    ),
    GENERATED: (
        "import sys\n"
        "from cekura_client import AuthenticatedClient\n"
        "from cekura_client.api.call_logs import call_logs_list\n"
        "client = AuthenticatedClient(base_url=sys.argv[1], token={key!r}, prefix='',"
        " auth_header_name='X-CEKURA-API-KEY')\n"
        "page = call_logs_list.sync(client=client, page_size=int(sys.argv[2]))\n"
        "assert page is not None and len(page.results) == int(sys.argv[2])\n"
    ),
}


def peak_mib(script: str, base_url: str, page_size: int, client: Path) -> float:
    """The peak resident MiB of a fresh interpreter running `script`."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(client), str(paths.ROOT)])}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "peak"
        command = [sys.executable, "-m", "scripts.bench.peak_memory", str(out), "--"]
        command += [sys.executable, "-c", script, base_url, str(page_size)]
        completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            raise RuntimeError(f"the memory sample failed: {completed.stderr.strip().splitlines()[-1:]}")
        return int(out.read_text("utf-8")) / 1024


def sampler(script: str, base_url: str, page_size: int, client: Path) -> Sampler:
    return lambda: peak_mib(script, base_url, page_size, client)


def measure(
    base_url: str, page_size: int, page_bytes: int, client: Path, rounds: int
) -> tuple[list[Section], list[Goal]]:
    scripts = {name: text.format(key=API_KEY, path=PATH) for name, text in SCRIPTS.items()}
    samples = round_robin(
        {name: sampler(script, base_url, page_size, client) for name, script in scripts.items()}, rounds
    )
    section = Section(
        title=f"Peak memory of one {page_size:,}-item call, in a fresh interpreter",
        columns=["client", "median peak MiB", "vs plain", "spread vs plain"],
        rows=samples.comparison_rows("median peak MiB", PLAIN),
        note=f"{rounds} fresh interpreters each, order rotated; the {page_size:,}-item page "
        f"({page_bytes:,} bytes); imports included, as a script pays them.",
        samples=samples.by_name,
    )
    goal = samples.ratio_goal(
        f"peak memory, one {page_size:,}-item call: client vs plain httpx + json.loads",
        GENERATED,
        PLAIN,
        LIMIT,
    )
    return [section], [goal]
