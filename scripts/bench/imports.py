"""Import cost in a fresh interpreter: the generated client against the official SDK and httpx.

Each sample is a new interpreter that times only its imports (`perf_counter` around them), so
interpreter start-up is left out and nothing is cached in memory between samples. The client's
bytecode is compiled beforehand (`compileall`), as pip compiles an installed package and as the
SDK and httpx are: importing once would not write it where `PYTHONDONTWRITEBYTECODE` is set.
"""

import compileall
import os
import subprocess
import sys
from pathlib import Path

from scripts.bench.report import Goal, Section
from scripts.bench.timing import Sampler, round_robin

IMPORTS = {
    "cekura_client + call_logs_list": (
        "import cekura_client\nimport cekura_client.api.call_logs.call_logs_list"
    ),
    # What `Cekura().call_logs.list` loads: the resource module, then the endpoint on first call.
    "cekura_client + resources.call_logs + call_logs_list": (
        "import cekura_client\nimport cekura_client.resources.call_logs\n"
        "import cekura_client.api.call_logs.call_logs_list"
    ),
    "official SDK (`from cekura import Cekura`)": "from cekura import Cekura",
    "httpx": "import httpx",
}
BASELINE = "httpx"
ENDPOINT, RESOURCE = "cekura_client + call_logs_list", "cekura_client + resources.call_logs + call_logs_list"
LIMIT = 1.2
# The resource tree "adds nothing measurable" when its row is within this of the endpoint row.
RESOURCE_LIMIT = 1.05
TIMER = "import time\n_start = time.perf_counter()\n{imports}\nprint(time.perf_counter() - _start)\n"


def import_seconds(imports: str, client: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(client)}
    completed = subprocess.run(
        [sys.executable, "-c", TIMER.format(imports=imports)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(completed.stdout.strip().splitlines()[-1])


def sampler(imports: str, client: Path) -> Sampler:
    return lambda: import_seconds(imports, client)


def measure(client: Path, rounds: int) -> tuple[list[Section], list[Goal]]:
    if not compileall.compile_dir(client / "cekura_client", quiet=1):
        raise RuntimeError(f"the client in {client} does not compile")
    for imports in IMPORTS.values():
        import_seconds(imports, client)
    samples = round_robin({name: sampler(imports, client) for name, imports in IMPORTS.items()}, rounds)
    section = Section(
        title="Import in a fresh interpreter",
        columns=["import", "median ms", "vs httpx"],
        rows=[
            {
                "import": name,
                "median ms": samples.median(name) * 1e3,
                "vs httpx": samples.ratio(name, BASELINE),
            }
            for name in IMPORTS
        ],
        note=f"{rounds} fresh interpreters each, order rotated; start-up excluded.",
        samples=samples.by_name,
    )
    goals = [
        samples.ratio_goal(
            "import cekura_client + one endpoint vs `import httpx`", ENDPOINT, BASELINE, LIMIT
        ),
        samples.ratio_goal(
            "import through the resource tree vs the endpoint alone", RESOURCE, ENDPOINT, RESOURCE_LIMIT
        ),
    ]
    return [section], goals
