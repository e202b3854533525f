"""`nox -s build`: a wheel and an sdist of the generated client (`cekura-client`) in `dist/`.

Version scheme: the document's `info.version` is always `v1`, so the package version is the date
the lock accepted the spec (the document's `fetched` date in `spec/lock.json`, UTC), as
`YYYY.M.D` (PEP 440, no leading zeros: `2026.11.21`). If `spec/CHANGELOG.md` records several
accepted versions on that date, the N-th after the first is `YYYY.M.D.N`. Every accepted spec
gets a later date or a higher N, so versions only grow; rebuilding the same lock gives the same
version. The client is generated afresh from `spec/build/openapi.json` for the build, the
metadata (version, description naming the spec's sha256) is set in its pyproject, and the
pinned pdm-backend builds it without build isolation, so nothing unpinned is downloaded.
`py.typed` ships in the package.
"""

import datetime
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from scripts.core import paths
from scripts.core.errors import ToolchainError
from scripts.generate.generate_client import build_client
from scripts.update.changelog import CHANGELOG_FILE, accepted_versions
from scripts.upstream.lock import Lock, read_lock
from scripts.upstream.sources import load_sources

DIST_DIR = paths.ROOT / "dist"


def dist_version(spec_date: str, spec_sha256: str, changelog: str) -> str:
    """`YYYY.M.D`, or `YYYY.M.D.N` for the N-th later spec accepted that day (module docstring)."""
    try:
        day = datetime.date.fromisoformat(spec_date)
    except ValueError as exc:
        raise ToolchainError(f"spec/lock.json: fetch date {spec_date!r} is not an ISO date") from exc
    same_day = [sha for date, sha in accepted_versions(changelog) if date == spec_date]
    serial = next((i for i, sha in enumerate(same_day) if spec_sha256.startswith(sha)), 0)
    base = f"{day.year}.{day.month}.{day.day}"
    return f"{base}.{serial}" if serial else base


def locked_document(lock: Lock) -> tuple[str, str]:
    """(date, sha256) of the locked upstream document."""
    document = next((s.file for s in load_sources(paths.SOURCES_FILE) if s.kind == "document"), "")
    locked = lock.sources.get(document)
    if locked is None:
        raise ToolchainError("spec/lock.json locks no document; run `nox -s fetch -- --update` first")
    return locked.fetched, locked.sha256


def set_metadata(pyproject: str, version: str, spec_sha256: str) -> str:
    """Put the version and a description naming the spec into the generator's pyproject."""
    description = (
        f"Typed client for the Cekura API, generated from its OpenAPI document (sha256 {spec_sha256[:12]})"
    )
    replaced, count = re.subn(r'(?m)^version = ".*"$', f'version = "{version}"', pyproject, count=1)
    replaced, described = re.subn(
        r'(?m)^description = ".*"$', f'description = "{description}"', replaced, count=1
    )
    if not (count and described):
        raise ToolchainError(
            "the generated pyproject.toml has no `version`/`description` line; check the generator"
        )
    return replaced


def build_distributions(project: Path, out: Path) -> list[Path]:
    """Run the PEP 517 build (pdm-backend, no isolation) of `project`; return the files in `out`."""
    command = [
        sys.executable,
        "-m",
        "build",
        "--no-isolation",
        "--sdist",
        "--wheel",
        "--outdir",
        str(out),
        str(project),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        last = next(
            (line for line in reversed((completed.stdout + completed.stderr).splitlines()) if line.strip()),
            "",
        )
        raise ToolchainError(f"building the package failed (exit {completed.returncode}): {last}")
    return sorted(out.iterdir())


def build(project: Path, version: str, spec_sha256: str, dist: Path) -> list[Path]:
    """Stamp `project` (a generated tree, changed in place) and build it; copy the files into `dist`."""
    pyproject = project / "pyproject.toml"
    pyproject.write_text(set_metadata(pyproject.read_text("utf-8"), version, spec_sha256), encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="cekura-dist-") as tmp:
        built = build_distributions(project, Path(tmp))
        dist.mkdir(parents=True, exist_ok=True)
        return [Path(shutil.copy2(file, dist / file.name)) for file in built]


def main(argv: Sequence[str] | None = None) -> int:
    del argv
    try:
        date, sha256 = locked_document(read_lock(paths.LOCK_FILE))
        changelog = CHANGELOG_FILE.read_text("utf-8") if CHANGELOG_FILE.exists() else ""
        version = dist_version(date, sha256, changelog)
        with tempfile.TemporaryDirectory(prefix="cekura-build-") as tmp:
            project = Path(tmp) / "generated"
            build_client(paths.PATCHED_DOCUMENT, project)
            files = build(project, version, sha256, DIST_DIR)
    except ToolchainError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for file in files:
        print(f"built {file.relative_to(paths.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
