"""Import cost in a fresh interpreter: the generated client against the official SDK and httpx.

Each sample is a new interpreter that times only its imports (`perf_counter` around them), so
interpreter start-up is left out and nothing is cached in memory between samples. The client's
bytecode is compiled beforehand (`compileall`), as pip compiles an installed package and as the
SDK and httpx are: importing once would not write it where `PYTHONDONTWRITEBYTECODE` is set.
A round runs each import three times, interleaved, and takes the mean: one interpreter's import
varies by a third on this kind of shared machine.

`import httpx` also imports httpx's command line (click, rich, pygments) whenever click is
installed, as it is here (the test tools need it): about 40% of the import. The goals are measured
so, as the issue that set them measured; two more rows hide click from the interpreter, as in an
environment without it, and compare the client with httpx there.
"""

import compileall
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from scripts.bench.report import Goal, Section
from scripts.bench.timing import Sampler, round_robin

ENDPOINT = "cekura_client + call_logs_list"
RESOURCE = "cekura_client + resources.call_logs + call_logs_list"
BASELINE = "httpx"
BARE_ENDPOINT = "cekura_client + call_logs_list, click not installed"
BARE_BASELINE = "httpx, click not installed"
HIDE_CLICK = "import sys\nsys.modules['click'] = None\n"  # from then on `import click` raises ImportError


@dataclass(frozen=True)
class Contender:
    imports: str
    baseline: str = BASELINE
    setup: str = ""
    """Run before the clock starts."""


ENDPOINT_IMPORTS = "import cekura_client\nimport cekura_client.api.call_logs.call_logs_list"
IMPORTS = {
    ENDPOINT: Contender(ENDPOINT_IMPORTS),
    # What `Cekura().call_logs.list` loads: the resource module, then the endpoint on first call.
    RESOURCE: Contender(
        "import cekura_client\nimport cekura_client.resources.call_logs\n"
        "import cekura_client.api.call_logs.call_logs_list"
    ),
    "official SDK (`from cekura import Cekura`)": Contender("from cekura import Cekura"),
    BASELINE: Contender("import httpx"),
    BARE_ENDPOINT: Contender(ENDPOINT_IMPORTS, BARE_BASELINE, HIDE_CLICK),
    BARE_BASELINE: Contender("import httpx", BARE_BASELINE, HIDE_CLICK),
}
BLOCKS = 3
LIMIT = 1.2
# The resource tree "adds nothing measurable" when its row is within this of the endpoint row.
RESOURCE_LIMIT = 1.05
TIMER = "import time\n{setup}_start = time.perf_counter()\n{imports}\nprint(time.perf_counter() - _start)\n"


def import_seconds(contender: Contender, client: Path) -> float:
    """Seconds one fresh interpreter takes for the contender's imports (its setup not counted)."""
    env = {**os.environ, "PYTHONPATH": str(client)}
    completed = subprocess.run(
        [sys.executable, "-c", TIMER.format(setup=contender.setup, imports=contender.imports)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(completed.stdout.strip().splitlines()[-1])


def sampler(contender: Contender, client: Path) -> Sampler:
    return lambda: import_seconds(contender, client)


def measure(client: Path, rounds: int) -> tuple[list[Section], list[Goal]]:
    if not compileall.compile_dir(client / "cekura_client", quiet=1):
        raise RuntimeError(f"the client in {client} does not compile")
    for contender in IMPORTS.values():
        import_seconds(contender, client)
    samples = round_robin(
        {name: sampler(contender, client) for name, contender in IMPORTS.items()}, rounds, BLOCKS
    )
    section = Section(
        title="Import in a fresh interpreter",
        columns=["import", "median ms", "vs httpx"],
        rows=[
            {
                "import": name,
                "median ms": samples.median(name) * 1e3,
                "vs httpx": samples.ratio(name, contender.baseline),
            }
            for name, contender in IMPORTS.items()
        ],
        note=f"{rounds} rounds of {BLOCKS} fresh interpreters each, interleaved, order rotated; start-up "
        "excluded. A row marked `click not installed` is compared with httpx so.",
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
