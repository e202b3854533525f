"""Update time: `nox -s update` on a one-operation change, against the 2-minute goal.

The update runs in a temporary copy of the project (code, tests, `spec/` with its cache and lock;
no `generated/`), so the real `spec/` and `generated/` are never touched. Its new document is a
copy of the locked upstream document with one operation's description changed (a change that
every later step carries into the client: the function's docstring), read with `--from`. The
time is the update script's wall time, from start to installed: fetch of the other sources,
staging, patch, generation, changelog and the default checks (`scripts/update/update_checks.py`).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from scripts.bench.report import Goal, Section
from scripts.core import paths
from scripts.core.errors import ToolchainError
from scripts.core.openapi_document import iter_operations
from scripts.update.update_spec import NOT_COPIED, Outcome
from scripts.upstream.fetch_spec import MIRROR_ENV
from scripts.upstream.lock import read_lock
from scripts.upstream.sources import load_sources

GOAL_SECONDS = 120.0
CHANGE = " Changed for the update benchmark."
SCOPE_SCHEME = "api_key"
PYTEST_SUMMARY = re.compile(r"^=* ?(\d+ passed.*?)(?: in [\d.]+s.*)?=*$", re.MULTILINE)
# The update's staging area, caches and outputs of earlier runs are not part of the project copy.
NOT_IN_COPY = (*NOT_COPIED, ".generate*", "reports")


def copy_project(target: Path) -> Path:
    """The project as a fresh checkout plus a fetched `spec/` cache: what `nox -s update` starts from."""
    shutil.copytree(paths.ROOT, target, ignore=shutil.ignore_patterns(*NOT_IN_COPY), symlinks=True)
    return target


def changed_operation(document: dict[str, Any]) -> tuple[str, str]:
    """Append `CHANGE` to the description of the first in-scope operation (by path, then method)."""
    in_scope = sorted(
        (path, method)
        for path, method, operation in iter_operations(document)
        if any(SCOPE_SCHEME in requirement for requirement in operation.get("security") or [])
    )
    if not in_scope:
        raise ToolchainError(f"the locked document has no `{SCOPE_SCHEME}` operation to change")
    path, method = in_scope[0]
    operation = document["paths"][path][method]
    operation["description"] = str(operation.get("description", "")) + CHANGE
    return path, method


def one_operation_document(project: Path, output: Path) -> str:
    """Write the locked upstream document with one operation changed to `output`; `METHOD /path`."""
    sources = load_sources(project / "spec" / "sources.yaml")
    document_source = next((s for s in sources if s.kind == "document"), None)
    if document_source is None:
        raise ToolchainError("spec/sources.yaml declares no monolithic document to change")
    cached = project / "spec" / "upstream" / document_source.file
    if not cached.is_file() or document_source.file not in read_lock(project / "spec" / "lock.json").sources:
        raise ToolchainError(f"{cached.name} is not cached and locked: run `nox -s fetch` first")
    document = json.loads(cached.read_text("utf-8"))
    path, method = changed_operation(document)
    output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return f"{method.upper()} {path}"


def update_environment(environ: dict[str, str]) -> dict[str, str]:
    """`environ` for the update in the copy: this interpreter's tools first, and the mirror named
    so that it resolves from the copy too."""
    bin_dir = str(Path(sys.executable).parent)
    env = {**environ, "PATH": os.pathsep.join([bin_dir, environ.get("PATH", "")])}
    # The copy is not beside the mirror as this project is: name the mirror it would have used,
    # and a relative one (`../shared/cekura-spec`) from here, where it was given.
    default_mirror = paths.ROOT.parent / "shared" / "cekura-spec"
    mirror = env.get(MIRROR_ENV)
    if not mirror and default_mirror.is_dir():
        env[MIRROR_ENV] = str(default_mirror)
    elif mirror and "://" not in mirror and not Path(mirror).is_absolute():
        env[MIRROR_ENV] = str((paths.ROOT / mirror).resolve())
    return env


def run_update(project: Path, document: Path) -> tuple[float, int, str]:
    """Wall seconds, exit code and output of the update in `project`, reading `document`."""
    env = update_environment(dict(os.environ))
    command = [sys.executable, "-m", "scripts.update.update_spec", "--from", str(document)]
    start = time.perf_counter()
    completed = subprocess.run(
        command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False
    )
    seconds = time.perf_counter() - start
    return seconds, completed.returncode, completed.stdout.decode("utf-8", "replace")


def measure(workdir: Path) -> tuple[list[Section], list[Goal]]:
    """One timed update of a one-operation change (one round: an update takes about a minute)."""
    project = copy_project(workdir / "update-project")
    document = workdir / "openapi-one-operation-changed.json"
    where = one_operation_document(project, document)
    seconds, code, output = run_update(project, document)
    if code not in (Outcome.COMPATIBLE, Outcome.BREAKING):
        tail = "\n".join(output.strip().splitlines()[-5:]) or "no output"
        raise ToolchainError(f"the benchmark update exited {code}, not 10 or 20:\n{tail}")
    checks = PYTEST_SUMMARY.findall(output)
    section = Section(
        title="Update",
        columns=["run", "wall s", "exit code", "checks"],
        rows=[
            {
                "run": f"`scripts.update.update_spec --from` one changed operation ({where} description)",
                "wall s": seconds,
                "exit code": code,
                "checks": checks[-1] if checks else "-",
            }
        ],
        note="One run (an update takes about a minute), in a temporary copy of the project, with the "
        "default checks (`-n auto`); nox's own start-up and `fetch --if-needed` are not included.",
        samples={"update": [seconds]},
    )
    return [section], [Goal("`nox -s update` on a one-operation change", seconds, GOAL_SECONDS, " s")]


if __name__ == "__main__":
    import tempfile

    from scripts.bench import machine
    from scripts.bench.report import markdown

    with tempfile.TemporaryDirectory(prefix="cekura-bench-update-") as tmp:
        sections, goals = measure(Path(tmp))
    print(markdown(machine.describe(), sections, goals))
