"""`nox -s update`: accept a new upstream document, with a changelog entry saying what changed.

Steps: fetch the declared sources (the document from `--from PATH_OR_URL` instead, if given) and
stop if every hash equals the lock's; patch the new document (an overlay action that no longer
matches fails the update, naming every stale overlay file); regenerate the client; compare the
locked and the new document (`scripts/update/changelog.py`); then put `spec/upstream/`,
`spec/lock.json`, `spec/build/`, `spec/CHANGELOG.md` and `generated/` in place together and
run the test suite. Everything is staged in a temporary directory first; if any step fails,
the tests included, `spec/` and `generated/` are left, or put back, as they were.

Exit codes, for CI:

| code | meaning |
| ---: | --- |
| 0 | no change: the upstream is the locked version |
| 10 | changes, all compatible for a client (in the spec and the Python surface) |
| 20 | at least one breaking change |
| 1 | failure, nothing changed (2: bad command-line arguments) |
"""

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import IntEnum
from pathlib import Path
from typing import Any

import httpx

from scripts.core import paths
from scripts.core.errors import PatchError, ToolchainError
from scripts.core.jsonio import write_all_atomic
from scripts.generate.generate_client import GENERATED_DIR, OVERRIDES_DIR, build_client
from scripts.patch.overlay import apply_overlay, load_overlay
from scripts.patch.patch_spec import PatchLayout, load_upstream, patch_document
from scripts.patch.patch_spec import run as run_patch
from scripts.update.changelog import CHANGELOG_FILE, Comparison, appended, compare, heading, render_entry
from scripts.update.spec_view import comparison_view
from scripts.upstream.fetch_spec import (
    MIRROR_ENV,
    Fetched,
    RetryPolicy,
    check_content,
    download,
    fetch_all,
    updated_lock,
)
from scripts.upstream.lock import Lock, read_lock
from scripts.upstream.sources import Source, load_sources

DEFAULT_CHECK = (sys.executable, "-m", "pytest", "-q")


class Outcome(IntEnum):
    NO_CHANGE = 0
    COMPATIBLE = 10
    BREAKING = 20


FAILURE = 1


@dataclass(frozen=True)
class UpdateLayout:
    """Where the update reads and writes (the repository's unless a test says otherwise)."""

    patch: PatchLayout = field(default_factory=PatchLayout)
    generated_dir: Path = GENERATED_DIR
    overrides_dir: Path = OVERRIDES_DIR
    changelog: Path = CHANGELOG_FILE
    staging_parent: Path = paths.ROOT


@dataclass(frozen=True)
class UpdateResult:
    outcome: Outcome
    comparison: Comparison | None = None
    entry: str = ""


def fetch_new(
    sources: Sequence[Source], lock: Lock, *, origin: str | None, mirror: str | None, policy: RetryPolicy
) -> list[Fetched]:
    """Every source as upstream (or the mirror) has it now; the document from `origin` if given."""
    if origin is None:
        return fetch_all(sources, lock, mirror=mirror, update=True, policy=policy)
    others = [source for source in sources if source.kind != "document"]
    fetched = fetch_all(others, lock, mirror=mirror, update=True, policy=policy)
    with httpx.Client(timeout=policy.timeout_seconds, follow_redirects=True) as client:
        for source in sources:
            if source.kind == "document":
                data = download(origin, client, policy)
                check_content(source, data)
                fetched.insert(0, Fetched(source=source, data=data))
    return fetched


def stale_overlays(document: dict[str, Any], overlay_files: Sequence[Path]) -> list[str]:
    """The problem of every overlay that fails on `document` (each applied to the previous result)."""
    problems = []
    for path in overlay_files:
        try:
            apply_overlay(document, load_overlay(path))
        except PatchError as exc:
            problems.append(str(exc))
    return problems


def patch_staged(layout: PatchLayout, staged: PatchLayout, upstream: dict[str, Any]) -> None:
    """Run the patch step on the staged cache; a stale overlay fails naming all stale files."""
    try:
        run_patch(staged)
    except PatchError as exc:
        problems = stale_overlays(upstream, sorted(layout.overlays_dir.glob("*.yaml"))) or [str(exc)]
        raise PatchError(
            "the new document does not patch: "
            + "; ".join(problems)
            + "; revise or delete those overlays in spec/overlays/, then update again"
        ) from exc


def client_documents(
    old_upstream: dict[str, Any],
    new_upstream: dict[str, Any],
    new_patched: dict[str, Any],
    overlays: Sequence[Path],
) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    """What the Python layer compares: both patched documents, or both views if the old one cannot patch."""
    try:
        return patch_document(old_upstream, overlays).document, new_patched, None
    except ToolchainError as exc:
        note = (
            "The Python surface is compared on the unpatched documents: the current overlays do not "
            f"apply to the previous one ({exc})."
        )
        return comparison_view(old_upstream), comparison_view(new_upstream), note


class Installed:
    """Files and the generated tree put in place, with what they replaced, so they can be put back."""

    def __init__(self, files: dict[Path, bytes], generated: Path, new_generated: Path, backup: Path) -> None:
        self.previous = {path: path.read_bytes() if path.exists() else None for path in files}
        self.generated, self.backup = generated, backup
        if generated.exists():
            generated.rename(backup)
        try:
            new_generated.rename(generated)
            write_all_atomic(files)
        except OSError:
            self.roll_back()
            raise

    def roll_back(self) -> None:
        write_all_atomic({path: data for path, data in self.previous.items() if data is not None})
        for path, data in self.previous.items():
            if data is None:
                path.unlink(missing_ok=True)
        if self.backup.exists():
            shutil.rmtree(self.generated, ignore_errors=True)
            self.backup.rename(self.generated)


def run(
    layout: UpdateLayout = UpdateLayout(),
    *,
    origin: str | None = None,
    mirror: str | None = None,
    policy: RetryPolicy | None = None,
    check: Sequence[str] = DEFAULT_CHECK,
    today: str | None = None,
) -> UpdateResult:
    """Update the spec and the client as the module docstring says; raise ToolchainError on failure."""
    spec = layout.patch
    sources = load_sources(spec.sources_file)
    lock = read_lock(spec.lock_file)
    old_upstream = load_upstream(sources, lock, spec.cache_dir)
    fetched = fetch_new(sources, lock, origin=origin, mirror=mirror, policy=policy or RetryPolicy())
    date = today or datetime.datetime.now(datetime.UTC).date().isoformat()
    new_lock = updated_lock(lock, fetched, date)
    if new_lock.sources == lock.sources:
        return UpdateResult(Outcome.NO_CHANGE)
    with tempfile.TemporaryDirectory(dir=layout.staging_parent, prefix=".generate-update-") as tmp:
        stage = Path(tmp)
        staged = replace(
            spec,
            lock_file=stage / "lock.json",
            cache_dir=stage / "upstream",
            output=stage / "build" / spec.output.name,
            report_file=stage / "build" / spec.report_file.name,
        )
        write_all_atomic(
            {staged.lock_file: new_lock.to_json()}
            | {staged.cache_dir / item.source.file: item.data for item in fetched}
        )
        new_upstream = load_upstream(sources, new_lock, staged.cache_dir)
        patch_staged(spec, staged, new_upstream)
        new_patched = load_json(staged.output)
        build_client(staged.output, stage / "generated", layout.overrides_dir)
        overlays = sorted(spec.overlays_dir.glob("*.yaml"))
        old_client, new_client, note = client_documents(old_upstream, new_upstream, new_patched, overlays)
        comparison = compare(
            comparison_view(old_upstream), comparison_view(new_upstream), old_client, new_client
        )
        entry = render_entry(
            _title(lock, new_lock, sources, date),
            comparison,
            [f"Document from `{origin}`." if origin else "", note or ""],
        )
        existing = layout.changelog.read_text("utf-8") if layout.changelog.exists() else None
        files = {
            spec.lock_file: staged.lock_file.read_bytes(),
            layout.changelog: appended(existing, entry).encode("utf-8"),
            spec.output: staged.output.read_bytes(),
            spec.report_file: staged.report_file.read_bytes(),
        } | {spec.cache_dir / item.source.file: item.data for item in fetched}
        installed = Installed(files, layout.generated_dir, stage / "generated", stage / "generated.previous")
        completed = subprocess.run(list(check), cwd=paths.ROOT, check=False)
        if completed.returncode != 0:
            installed.roll_back()
            raise ToolchainError(
                f"the tests failed on the updated client (`{' '.join(check)}` exited "
                f"{completed.returncode}); spec/ and generated/ were put back as they were"
            )
    outcome = Outcome.BREAKING if comparison.breaking else Outcome.COMPATIBLE
    return UpdateResult(outcome, comparison, entry)


def _title(lock: Lock, new_lock: Lock, sources: Sequence[Source], date: str) -> str:
    document = next((s.file for s in sources if s.kind == "document"), sources[0].file)
    old, new = lock.sources.get(document), new_lock.sources[document]
    return heading(date, new.sha256, old.sha256 if old else "none", old.fetched if old else "never")


def load_json(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return loaded


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="nox -s update --", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--from", dest="origin", metavar="PATH_OR_URL", help="read the new document from here"
    )
    args = parser.parse_args(argv)
    try:
        result = run(origin=args.origin, mirror=os.environ.get(MIRROR_ENV) or None)
    except ToolchainError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return FAILURE
    if result.comparison is None:
        print("update: the upstream is the locked version; nothing changed")
    else:
        print(result.entry.split("\n### ", 1)[0].strip())
        print(
            f"update: appended the entry to {CHANGELOG_FILE.relative_to(paths.ROOT)} "
            f"(exit {int(result.outcome)})"
        )
    return int(result.outcome)


if __name__ == "__main__":
    sys.exit(main())
