"""Regeneration: our full pipeline against the bare generator, a no-op run, and output size.

Every run is a subprocess writing into its own temporary tree; `generated/` is never touched. The
full pipeline is what `nox -s generate` runs after fetching when an input changed:
`scripts.patch.patch_spec`, then `scripts.generate.generate_client` (generator with our config and
templates, ruff post hooks, headers, overrides), both with `--force`. The no-op run is the same
two steps without it, when nothing changed: each finds its inputs unchanged and writes nothing.
The bare generator is
`openapi-python-client generate` with its defaults (its own ruff post hooks included), run on the
locked upstream document, the input the pipeline itself starts from: that is the baseline of the
goals. It also runs on the patched document, an informative row that separates what the patches
change from what our templates and overrides change.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from scripts.bench.report import Goal, Section
from scripts.bench.timing import Samples, round_robin
from scripts.core import paths
from scripts.core.errors import ToolchainError
from scripts.upstream.lock import cache_problem, read_lock
from scripts.upstream.sources import load_sources

PATCH = [sys.executable, "-m", "scripts.patch.patch_spec"]
GENERATE = [sys.executable, "-m", "scripts.generate.generate_client"]
FULL, NOOP, BARE_UPSTREAM, BARE_PATCHED = (
    "full pipeline",
    "no-op regeneration",
    "bare upstream",
    "bare patched",
)
SKIPPED_OPERATION = re.compile(r"^WARNING parsing .* Endpoint will not be generated\.$", re.MULTILINE)
SKIPPED_SCHEMA = re.compile(r"^Unable to parse schema ", re.MULTILINE)


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mib: float
    output: str


def environment() -> dict[str, str]:
    """The generator's post hooks call `ruff`: the one installed beside this interpreter."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    return {**os.environ, "PATH": path, "RUFF_NO_CACHE": "true"}


def run_measured(command: list[str]) -> Run:
    """Run `command`, returning its wall time and its peak resident memory.

    The peak comes from `scripts.bench.peak_memory`, which starts the command from a small process:
    taken here, it would include this process's own peak, inherited across `fork`. The wall time
    includes the launcher's start-up, a few tens of milliseconds.
    """
    with tempfile.TemporaryDirectory() as tmp:
        peak_file, log_file = Path(tmp) / "peak", Path(tmp) / "log"
        launcher = [sys.executable, "-m", "scripts.bench.peak_memory", str(peak_file), "--"]
        with log_file.open("wb") as log:
            start = time.perf_counter()
            completed = subprocess.run(
                launcher + command, cwd=paths.ROOT, env=environment(), stdout=log, stderr=log, check=False
            )
            seconds = time.perf_counter() - start
        output = log_file.read_bytes().decode("utf-8", "replace")
        if completed.returncode != 0:
            last = output.strip().splitlines()[-1] if output.strip() else "no output"
            raise ToolchainError(f"bench step `{' '.join(command[2:4])}` failed: {last}")
        return Run(seconds, int(peak_file.read_text("utf-8")) / 1024, output)


def run_steps(*commands: list[str]) -> Run:
    runs = [run_measured(command) for command in commands]
    output = "".join(run.output for run in runs)
    return Run(sum(run.seconds for run in runs), max(run.peak_mib for run in runs), output)


def package_size(package: Path) -> tuple[int, int]:
    """Bytes and number of files of a package tree (bytecode caches excluded)."""
    files = [p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return sum(p.stat().st_size for p in files), len(files)


def locked_upstream_document(
    sources_file: Path = paths.SOURCES_FILE,
    lock_file: Path = paths.LOCK_FILE,
    cache_dir: Path = paths.UPSTREAM_DIR,
) -> Path:
    """The cached upstream document, checked against the lock as `patch_spec` checks it."""
    document = next((s for s in load_sources(sources_file) if s.kind == "document"), None)
    if document is None:
        raise ToolchainError(f"{sources_file} declares no monolithic document for the bare generator to read")
    problem = cache_problem(document, read_lock(lock_file), cache_dir)
    if problem:
        raise ToolchainError(f"{problem}; run `nox -s fetch` to restore it")
    return cache_dir / document.file


def skipped_by_generator(output: str) -> tuple[int, int]:
    """Operations and component schemas the generator left out with a warning, from its output."""
    return len(SKIPPED_OPERATION.findall(output)), len(SKIPPED_SCHEMA.findall(output))


def bare_package(output: Path) -> Path:
    """The bare generator names the package after the document title: the one package it wrote."""
    packages = [p.parent for p in output.glob("*/__init__.py")]
    if len(packages) != 1:
        raise ToolchainError(
            f"expected one package in the bare generator's output {output}, found {packages}"
        )
    return packages[0]


class Regeneration:
    """Owns the temporary trees; `client` is the full pipeline's output, for the other items."""

    def __init__(self, workdir: Path) -> None:
        self.client = workdir / "full"
        self.bare = {BARE_UPSTREAM: workdir / "bare-upstream", BARE_PATCHED: workdir / "bare-patched"}
        self.peaks: dict[str, list[float]] = {FULL: [], NOOP: [], BARE_UPSTREAM: [], BARE_PATCHED: []}
        self.skipped: dict[str, tuple[int, int]] = {}
        self.noop_seconds: list[float] = []

    def full(self) -> float:
        """Time a forced full run, then (untimed in the result) the no-op run right after it."""
        run = run_steps([*PATCH, "--force"], [*GENERATE, "--force", "--output", str(self.client)])
        self.peaks[FULL].append(run.peak_mib)
        self.noop_seconds.append(self.noop())
        return run.seconds

    def noop(self) -> float:
        """Run right after a full run, so that only an edit made in between can make it regenerate."""
        run = run_steps(PATCH, [*GENERATE, "--output", str(self.client)])
        if "up to date" not in run.output:
            raise ToolchainError(f"the no-op regeneration regenerated: {run.output.strip().splitlines()[-1]}")
        self.peaks[NOOP].append(run.peak_mib)
        return run.seconds

    def bare_on_upstream(self) -> float:
        return self.bare_generator(BARE_UPSTREAM, locked_upstream_document())

    def bare_on_patched(self) -> float:
        return self.bare_generator(BARE_PATCHED, paths.PATCHED_DOCUMENT)

    def bare_generator(self, name: str, document: Path) -> float:
        shutil.rmtree(self.bare[name], ignore_errors=True)
        command = [
            sys.executable, "-m", "openapi_python_client", "generate",
            "--path", str(document), "--output-path", str(self.bare[name]), "--meta", "pdm",
        ]  # fmt: skip
        run = run_measured(command)
        self.peaks[name].append(run.peak_mib)
        self.skipped[name] = skipped_by_generator(run.output)
        return run.seconds


LABELS = {
    FULL: "full pipeline (patch, generate, headers, overrides, format)",
    NOOP: "no-op regeneration (patch, then generate finds nothing changed)",
    BARE_UPSTREAM: "bare `openapi-python-client generate` (defaults), locked upstream document: baseline",
    BARE_PATCHED: "bare `openapi-python-client generate` (defaults), patched document: informative",
}
PACKAGE_LABELS = {
    FULL: "cekura_client (full pipeline)",
    BARE_UPSTREAM: "bare generator, locked upstream document: baseline",
    BARE_PATCHED: "bare generator, patched document: informative",
}


def measure(workdir: Path, rounds: int) -> tuple[Regeneration, list[Section], list[Goal]]:
    regeneration = Regeneration(workdir)
    contenders = {
        FULL: regeneration.full,
        BARE_UPSTREAM: regeneration.bare_on_upstream,
        BARE_PATCHED: regeneration.bare_on_patched,
    }
    samples = Samples({**round_robin(contenders, rounds).by_name, NOOP: regeneration.noop_seconds})
    timing = Section(
        title="Regeneration",
        columns=["run", "median s", "vs bare upstream", "vs bare patched", "peak MiB"],
        rows=[
            {
                "run": label,
                "median s": samples.median(name),
                "vs bare upstream": samples.ratio(name, BARE_UPSTREAM),
                "vs bare patched": samples.ratio(name, BARE_PATCHED),
                "peak MiB": max(regeneration.peaks[name]),
            }
            for name, label in LABELS.items()
        ],
        note=f"{rounds} rounds; the full run and the two bare runs rotate in order, the no-op run follows "
        "each full run; ratios are medians of same-round ratios. " + skipped_note(regeneration.skipped),
        samples=samples.by_name,
    )
    sizes = package_sizes(regeneration)
    goals = [
        Goal(
            "full pipeline vs bare generator (upstream document)",
            samples.ratio(FULL, BARE_UPSTREAM),
            1.5,
            "x",
        ),
        Goal("no-op regeneration", samples.median(NOOP), 2.0, " s"),
        Goal(
            "generated package bytes vs bare generator (upstream document)",
            sizes[FULL][0] / sizes[BARE_UPSTREAM][0],
            0.6,
            "x",
        ),
    ]
    return regeneration, [timing, size_section(sizes)], goals


def skipped_note(skipped: dict[str, tuple[int, int]]) -> str:
    """What the bare generator left out of its output, per document, from its warnings."""
    parts = [
        f"from the {name.removeprefix('bare ')} document it left out {operations} operations and "
        f"{schemas} component schemas it could not parse"
        for name, (operations, schemas) in skipped.items()
        if operations or schemas
    ]
    return ("The bare generator succeeds, but " + "; ".join(parts) + ".") if parts else ""


def package_sizes(regeneration: Regeneration) -> dict[str, tuple[int, int]]:
    trees = {
        FULL: regeneration.client / "cekura_client",
        BARE_UPSTREAM: bare_package(regeneration.bare[BARE_UPSTREAM]),
        BARE_PATCHED: bare_package(regeneration.bare[BARE_PATCHED]),
    }
    return {name: package_size(tree) for name, tree in trees.items()}


def size_section(sizes: dict[str, tuple[int, int]]) -> Section:
    """Bytes and files of each package (keyed like `PACKAGE_LABELS`), against both bare outputs."""
    upstream_bytes, patched_bytes = sizes[BARE_UPSTREAM][0], sizes[BARE_PATCHED][0]
    return Section(
        title="Generated package size",
        columns=["package", "bytes", "files", "bytes vs bare upstream", "bytes vs bare patched"],
        rows=[
            {"package": PACKAGE_LABELS[name], "bytes": size, "files": files,
             "bytes vs bare upstream": size / upstream_bytes, "bytes vs bare patched": size / patched_bytes}
            for name, (size, files) in sizes.items()
        ],
        note="The package directory only (bytecode caches excluded), not the bare generator's README and "
        "pyproject.",
    )  # fmt: skip
