"""`nox -s generate`: build the client from `spec/build/openapi.json` into `generated/`.

The generator writes into a temporary directory; `generated/` is replaced only when generation
succeeded, so a failed run leaves the previous client as it was.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scripts import paths
from scripts.errors import ToolchainError

GENERATOR_CONFIG = paths.ROOT / "openapi-python-client.yaml"
GENERATED_DIR = paths.ROOT / "generated"


@dataclass(frozen=True)
class GeneratorRun:
    output: Path
    warnings: list[str]


def run_generator(document: Path, output: Path, config: Path = GENERATOR_CONFIG) -> GeneratorRun:
    """Run openapi-python-client; return its warnings (the generator still produced a client)."""
    if not document.is_file():
        raise ToolchainError(f"{document} is missing; run `nox -s patch` first")
    command = [
        sys.executable, "-m", "openapi_python_client", "generate",
        "--path", str(document), "--config", str(config),
        "--meta", "pdm", "--output-path", str(output),
    ]  # fmt: skip
    # The generator's post hooks run ruff: find the one installed beside this interpreter.
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}
    completed = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    log = completed.stdout + completed.stderr
    if completed.returncode != 0 or not (output / "cekura_client").is_dir():
        last = next((line for line in reversed(log.splitlines()) if line.strip()), "no output")
        raise ToolchainError(f"openapi-python-client failed (exit {completed.returncode}): {last}")
    return GeneratorRun(output=output, warnings=generator_warnings(log))


def generator_warnings(log: str) -> list[str]:
    """The generator's warning headlines (`WARNING parsing ...`, `Unable to parse ...`)."""
    return [
        line.strip()
        for line in log.splitlines()
        if line.startswith(("WARNING", "Unable to parse", "Warning(s) encountered"))
    ]


def swap_in(new: Path, target: Path) -> None:
    """Replace `target` by `new`, keeping the old tree until the new one is in place."""
    backup = target.with_name(f".{target.name}.previous")
    shutil.rmtree(backup, ignore_errors=True)
    if target.exists():
        target.rename(backup)
    try:
        new.rename(target)
    except OSError:
        if backup.exists():
            backup.rename(target)
        raise
    shutil.rmtree(backup, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    del argv
    try:
        with tempfile.TemporaryDirectory(dir=paths.ROOT, prefix=".generate-") as tmp:
            run = run_generator(paths.PATCHED_DOCUMENT, Path(tmp) / "generated")
            swap_in(run.output, GENERATED_DIR)
    except ToolchainError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for warning in run.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    modules = len(list((GENERATED_DIR / "cekura_client" / "api").rglob("*.py")))
    print(f"generated {GENERATED_DIR.relative_to(paths.ROOT)}/cekura_client ({modules} api modules)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
