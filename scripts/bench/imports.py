"""Import cost in a fresh interpreter: the generated client against the official SDK and httpx.

Each sample is a new interpreter that times only its imports (`perf_counter` around them), so
interpreter start-up is left out and nothing is cached in memory between samples. The client's
bytecode is compiled beforehand (`compileall`), as pip compiles an installed package and as the
SDK and httpx are: importing once would not write it where `PYTHONDONTWRITEBYTECODE` is set.

An interpreter imports in steps and prints the time at the end of each: `import httpx` first,
then the client and one endpoint (which would have imported httpx first anyway), then the resource
module. So a ratio is taken inside one interpreter, a few milliseconds apart: on this kind of
shared machine one interpreter's import is up to a third slower than the next one's, which
ratios between interpreters would carry.

`import httpx` also imports httpx's command line (click, rich, pygments) whenever click is
installed, as it is here (the test tools need it): about 40% of the import. The goals are measured
so, as the issue that set them measured; one more interpreter hides click, as in an environment
without it, and compares the client with httpx there.
"""

import compileall
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from scripts.bench.report import Cell, Goal, Section
from scripts.bench.timing import Samples

HTTPX = "httpx"
ENDPOINT = "cekura_client + call_logs_list"
RESOURCE = "cekura_client + call_logs_list + resources.call_logs"
SDK = "official SDK (`from cekura import Cekura`)"
BARE = ", click not installed"
HIDE_CLICK = "import sys\nsys.modules['click'] = None\n"  # from then on `import click` raises ImportError
LIMIT = 1.2
# The resource tree "adds nothing measurable" when its row is within this of the endpoint row.
RESOURCE_LIMIT = 1.05


@dataclass(frozen=True)
class Interpreter:
    """One fresh interpreter's imports, timed at the end of each step (a row name, its statements)."""

    steps: tuple[tuple[str, str], ...]
    setup: str = ""
    """Run before the clock starts."""

    def script(self) -> str:
        lines = ["import time", self.setup, "_start = time.perf_counter()"]
        for _, imports in self.steps:
            lines += [imports, "print(time.perf_counter() - _start)"]
        return "\n".join(lines) + "\n"


ENDPOINT_IMPORTS = "import cekura_client\nimport cekura_client.api.call_logs.call_logs_list"
# What `Cekura().call_logs.list` loads: the resource module, and the endpoint on the first call.
RESOURCE_IMPORTS = "import cekura_client.resources.call_logs"
INTERPRETERS = (
    Interpreter(((HTTPX, "import httpx"), (ENDPOINT, ENDPOINT_IMPORTS), (RESOURCE, RESOURCE_IMPORTS))),
    Interpreter(((f"{HTTPX} (the SDK's interpreter)", "import httpx"), (SDK, "from cekura import Cekura"))),
    Interpreter(((HTTPX + BARE, "import httpx"), (ENDPOINT + BARE, ENDPOINT_IMPORTS)), setup=HIDE_CLICK),
)


def step_seconds(interpreter: Interpreter, client: Path) -> dict[str, float]:
    """Seconds from the first import to the end of each step, in one fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": str(client)}
    completed = subprocess.run(
        [sys.executable, "-c", interpreter.script()], env=env, capture_output=True, text=True, check=True
    )
    times = [float(line) for line in completed.stdout.split()]
    return {name: seconds for (name, _), seconds in zip(interpreter.steps, times, strict=True)}


def sample_rounds(client: Path, rounds: int) -> Samples:
    """Every interpreter once per round, the order rotated from round to round."""
    names = [name for interpreter in INTERPRETERS for name, _ in interpreter.steps]
    by_name: dict[str, list[float]] = {name: [] for name in names}
    for round_index in range(rounds):
        shift = round_index % len(INTERPRETERS)
        for interpreter in INTERPRETERS[shift:] + INTERPRETERS[:shift]:
            for name, seconds in step_seconds(interpreter, client).items():
                by_name[name].append(seconds)
    return Samples(by_name)


def measure(client: Path, rounds: int) -> tuple[list[Section], list[Goal]]:
    if not compileall.compile_dir(client / "cekura_client", quiet=1):
        raise RuntimeError(f"the client in {client} does not compile")
    for interpreter in INTERPRETERS:
        step_seconds(interpreter, client)
    samples = sample_rounds(client, rounds)
    rows: list[dict[str, Cell]] = []
    for interpreter in INTERPRETERS:
        baseline = interpreter.steps[0][0]
        for name, _ in interpreter.steps:
            low, high = samples.spread(name, baseline)
            rows.append(
                {
                    "import": name,
                    "median ms": samples.median(name) * 1e3,
                    "vs httpx (same interpreter)": samples.ratio(name, baseline),
                    "spread": f"{low:.3g}-{high:.3g}",
                }
            )
    section = Section(
        title="Import in a fresh interpreter",
        columns=["import", "median ms", "vs httpx (same interpreter)", "spread"],
        rows=rows,
        note=f"{rounds} rounds of {len(INTERPRETERS)} fresh interpreters, order rotated; start-up excluded. "
        "Each interpreter imports httpx, then what its next row names, and so on; a row's time runs "
        "from the first import to the end of its own, and its ratio is to the httpx row above it, "
        "in the same interpreter.",
        samples=samples.by_name,
    )
    goals = [
        samples.ratio_goal("import cekura_client + one endpoint vs `import httpx`", ENDPOINT, HTTPX, LIMIT),
        samples.ratio_goal(
            "import through the resource tree vs the endpoint alone", RESOURCE, ENDPOINT, RESOURCE_LIMIT
        ),
    ]
    return [section], goals
