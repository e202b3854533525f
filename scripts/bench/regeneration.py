"""Regeneration: our full pipeline against the bare generator, a no-op run, and output size.

All three work on the patched document (the upstream one does not generate cleanly), in
subprocesses, each into its own temporary tree; `generated/` is never touched. The full pipeline is
what `nox -s generate` runs after fetching: `scripts.patch_spec`, then `scripts.generate_client`
(generator with our config and templates, ruff post hooks, headers, overrides). The no-op run is
the same two steps when nothing changed. The bare generator is `openapi-python-client generate`
with its defaults (its own ruff post hooks included).
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from scripts import paths
from scripts.bench.report import Goal, Section
from scripts.bench.timing import Samples, round_robin
from scripts.errors import ToolchainError

PATCH = [sys.executable, "-m", "scripts.patch_spec"]
GENERATE = [sys.executable, "-m", "scripts.generate_client"]


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
    """Run `command`, returning its wall time and its peak resident memory (from `wait4`)."""
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=paths.ROOT, env=environment(), stdout=log, stderr=log)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
    if process.returncode != 0:
        last = output.strip().splitlines()[-1] if output.strip() else "no output"
        raise ToolchainError(f"bench step `{' '.join(command[2:4])}` failed: {last}")
    return Run(seconds, usage.ru_maxrss / 1024, output)


def run_steps(*commands: list[str]) -> Run:
    runs = [run_measured(command) for command in commands]
    output = "".join(run.output for run in runs)
    return Run(sum(run.seconds for run in runs), max(run.peak_mib for run in runs), output)


def package_size(package: Path) -> tuple[int, int]:
    """Bytes and number of files of a package tree (bytecode caches excluded)."""
    files = [p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return sum(p.stat().st_size for p in files), len(files)


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
        self.bare = workdir / "bare"
        self.peaks: dict[str, list[float]] = {"full pipeline": [], "no-op regeneration": [], "bare": []}

        self.noop_seconds: list[float] = []

    def full(self) -> float:
        """Time a forced full run, then (untimed in the result) the no-op run right after it."""
        run = run_steps(PATCH, [*GENERATE, "--force", "--output", str(self.client)])
        self.peaks["full pipeline"].append(run.peak_mib)
        self.noop_seconds.append(self.noop())
        return run.seconds

    def noop(self) -> float:
        """Run right after a full run, so that only an edit made in between can make it regenerate."""
        run = run_steps(PATCH, [*GENERATE, "--output", str(self.client)])
        if "up to date" not in run.output:
            raise ToolchainError(f"the no-op regeneration regenerated: {run.output.strip().splitlines()[-1]}")
        self.peaks["no-op regeneration"].append(run.peak_mib)
        return run.seconds

    def bare_generator(self) -> float:
        shutil.rmtree(self.bare, ignore_errors=True)
        command = [
            sys.executable, "-m", "openapi_python_client", "generate",
            "--path", str(paths.PATCHED_DOCUMENT), "--output-path", str(self.bare), "--meta", "pdm",
        ]  # fmt: skip
        run = run_measured(command)
        self.peaks["bare"].append(run.peak_mib)
        return run.seconds


def measure(workdir: Path, rounds: int) -> tuple[Regeneration, list[Section], list[Goal]]:
    regeneration = Regeneration(workdir)
    rotated = round_robin({"full pipeline": regeneration.full, "bare": regeneration.bare_generator}, rounds)
    samples = Samples({**rotated.by_name, "no-op regeneration": regeneration.noop_seconds})
    labels = {
        "full pipeline": "full pipeline (patch, generate, headers, overrides, format)",
        "no-op regeneration": "no-op regeneration (patch, then generate finds nothing changed)",
        "bare": "bare `openapi-python-client generate` (defaults)",
    }
    timing = Section(
        title="Regeneration",
        columns=["run", "median s", "vs bare", "peak MiB"],
        rows=[
            {
                "run": labels[name],
                "median s": samples.median(name),
                "vs bare": samples.ratio(name, "bare"),
                "peak MiB": max(regeneration.peaks[name]),
            }
            for name in labels
        ],
        note=f"{rounds} rounds; the full and bare runs alternate in order, the no-op run follows each full "
        "run; ratios are medians of same-round ratios. Both generators read the patched document.",
        samples=samples.by_name,
    )
    ours_bytes, ours_files = package_size(regeneration.client / "cekura_client")
    bare_bytes, bare_files = package_size(bare_package(regeneration.bare))
    size = Section(
        title="Generated package size",
        columns=["package", "bytes", "files", "bytes vs bare"],
        rows=[
            {"package": "cekura_client", "bytes": ours_bytes, "files": ours_files,
             "bytes vs bare": ours_bytes / bare_bytes},
            {"package": "bare generator", "bytes": bare_bytes, "files": bare_files, "bytes vs bare": 1.0},
        ],
    )  # fmt: skip
    goals = [
        Goal("full pipeline vs bare generator", samples.ratio("full pipeline", "bare"), 1.5, "x"),
        Goal("no-op regeneration", samples.median("no-op regeneration"), 2.0, " s"),
        Goal("generated package bytes vs bare", ours_bytes / bare_bytes, 0.6, "x"),
    ]
    return regeneration, [timing, size], goals
