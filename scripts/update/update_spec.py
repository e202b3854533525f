"""`nox -s update`: accept a new upstream document, with a changelog entry saying what changed.

Steps: fetch the declared sources (the document from `--from PATH_OR_URL` instead, if given) and
stop if every hash equals the lock's. Otherwise build the new state in a staging area
(`.generate-update/image/`, a copy of the project's code with the new `spec/` and `generated/`):
patch the new document (a stale overlay fails the update, naming every stale action), regenerate
the client, compare the locked and the new document (`scripts/update/changelog.py`), and run the checks
there (`scripts/update/update_checks.py`: by default the tests the spec can break, in parallel; `--full`
the whole suite; `--check COMMAND` any command). Only when they pass are `spec/upstream/`,
`spec/build/`, `generated/`, `spec/CHANGELOG.md` and `spec/lock.json` put in place, as one step
(`scripts/core/atomic_install.py`): an interrupt at any moment leaves them all old or all new, and the
next start finishes or discards what an interrupted run left. Nothing is installed on failure.

Exit codes, for CI:

| code | meaning |
| ---: | --- |
| 0 | no change: the upstream is the locked version |
| 10 | changes, all compatible for a client (in the spec and the Python surface) |
| 20 | at least one breaking change |
| 1 | failure, nothing changed (2: bad command-line arguments) |
| 130, 143 | interrupted (SIGINT, SIGTERM): all old, or all new if the interrupt came after the install |
"""

import argparse
import datetime
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from enum import IntEnum
from pathlib import Path
from types import FrameType
from typing import Any

import httpx

from scripts.core import paths
from scripts.core.atomic_install import JOURNAL_FILE, UPDATE_STAGE, Move, exclusive, install, recover
from scripts.core.errors import PatchError, ToolchainError
from scripts.core.jsonio import sha256_hex, write_all_atomic
from scripts.generate import generate_client as generation_step
from scripts.generate.generate_client import GENERATED_DIR, GENERATOR_CONFIG, OVERRIDES_DIR, build_client
from scripts.generate.generate_fingerprint import current_inputs, write_inputs
from scripts.generate.generate_manifest import write_manifest
from scripts.generate.sdk_surface import input_digests
from scripts.patch.normalizers.api_key_scope import load_scope
from scripts.patch.overlay import StaleOverlayError
from scripts.patch.patch_spec import PatchLayout, load_upstream, patch_document
from scripts.patch.patch_spec import run as run_patch
from scripts.update.changelog import CHANGELOG_FILE, Comparison, appended, compare, heading, render_entry
from scripts.update.spec_view import comparison_view
from scripts.update.update_checks import changed_operations, default_check, full_check, parse_check
from scripts.upstream.fetch_spec import (
    MIRROR_ENV,
    Fetched,
    RetryPolicy,
    check_content,
    download,
    fetch_all,
    policy_from_env,
    updated_lock,
)
from scripts.upstream.lock import Lock, read_lock
from scripts.upstream.sources import Source, load_sources

STAGE_NAME = UPDATE_STAGE.name
GENERATION_STEP = Path(generation_step.__file__).resolve()  # one of the generation's inputs
# Left out of the image: version control, build outputs and caches (the checks make their own).
NOT_COPIED = (
    ".git", ".nox", "generated", "dist", "reports", "__pycache__", "*.pyc",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".schemathesis", "*.egg-info",
)  # fmt: skip
# spec/ entries the update writes itself (the rest of spec/ is copied into the image as it is).
UPDATED_SPEC_ENTRIES = ("upstream", "build", "lock.json", "CHANGELOG.md")
# Names the freshly built client to the checks (read by the tests' `generated_project` fixture).
PREBUILT_CLIENT_ENV = "CEKURA_PREBUILT_CLIENT"


class Outcome(IntEnum):
    NO_CHANGE = 0
    COMPATIBLE = 10
    BREAKING = 20


FAILURE = 1

Check = Sequence[str] | Callable[[dict[str, Any], set[str], Path], Sequence[str]]


@dataclass(frozen=True)
class UpdateLayout:
    """Where the update reads and writes (the repository's unless a test says otherwise)."""

    patch: PatchLayout = field(default_factory=PatchLayout)
    generated_dir: Path = GENERATED_DIR
    overrides_dir: Path = OVERRIDES_DIR
    changelog: Path = CHANGELOG_FILE
    staging_parent: Path = paths.ROOT

    @property
    def stage(self) -> Path:
        return self.staging_parent / STAGE_NAME


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


def origin_note(origin: str, data: bytes) -> str:
    """How the changelog names a `--from` source: a URL as given, a file by its name and hash.

    A local path says nothing to other readers of a committed file and may reveal the machine's
    layout; the name and sha256 identify the document anywhere.
    """
    if origin.startswith(("http://", "https://")):
        return f"Document from `{origin}`."
    return f"Document from the file `{Path(origin).name}` (sha256 `{sha256_hex(data)}`)."


def patch_staged(staged: PatchLayout) -> None:
    """Run the patch step on the staged cache. Stale overlay actions are listed all at once by the
    patch step itself (`StaleOverlayError`); any other failure is said to be the new document's."""
    try:
        run_patch(staged)
    except StaleOverlayError:
        raise
    except PatchError as exc:
        raise PatchError(f"the new document does not patch: {exc}") from exc


def client_documents(
    old_upstream: dict[str, Any],
    new_upstream: dict[str, Any],
    new_patched: dict[str, Any],
    overlays: Sequence[Path],
    scope: str | None,
) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    """What the Python layer compares: both patched documents, or both views if the old one cannot patch."""
    try:
        return patch_document(old_upstream, overlays, scope=scope).document, new_patched, None
    except ToolchainError as exc:
        note = (
            "The Python surface is compared on the unpatched documents: the current overlays do not "
            f"apply to the previous one ({exc})."
        )
        return comparison_view(old_upstream), comparison_view(new_upstream), note


def copy_project(layout: UpdateLayout, image: Path) -> None:
    """The project as the checks see it (code, tests, configuration), without its build outputs,
    caches and the files the update replaces."""
    ignore = shutil.ignore_patterns(*NOT_COPIED)
    for entry in sorted(paths.ROOT.iterdir()):
        if (
            entry.name in NOT_COPIED
            or entry.name in ("spec", "overrides")
            or entry.name.startswith(".generate")
        ):
            continue
        if entry.is_dir():
            shutil.copytree(entry, image / entry.name, ignore=ignore, symlinks=True)
        elif entry.is_file():
            shutil.copyfile(entry, image / entry.name)
    shutil.copytree(layout.overrides_dir, image / "overrides", ignore=ignore)
    spec = layout.patch
    (image / "spec").mkdir()
    for entry in sorted(paths.SPEC_DIR.iterdir()) if paths.SPEC_DIR.is_dir() else []:
        if entry.name not in UPDATED_SPEC_ENTRIES and entry.name not in ("overlays", "sources.yaml"):
            copy = shutil.copytree if entry.is_dir() else shutil.copyfile
            copy(entry, image / "spec" / entry.name)
    shutil.copytree(spec.overlays_dir, image / "spec" / "overlays", ignore=ignore)
    shutil.copyfile(spec.sources_file, image / "spec" / "sources.yaml")


def image_layout(layout: UpdateLayout, image: Path) -> PatchLayout:
    return replace(
        layout.patch,
        sources_file=image / "spec" / "sources.yaml",
        lock_file=image / "spec" / "lock.json",
        cache_dir=image / "spec" / "upstream",
        overlays_dir=image / "spec" / "overlays",
        output=image / "spec" / "build" / layout.patch.output.name,
        report_file=image / "spec" / "build" / layout.patch.report_file.name,
        toolchain_dirs=tuple(image / "scripts" / d.name for d in layout.patch.toolchain_dirs),
    )


def install_moves(layout: UpdateLayout, staged: PatchLayout, image: Path, stage: Path) -> list[Move]:
    """The image's new outputs onto the project's, the lock last (a half-done install fails loudly)."""
    spec = layout.patch
    if spec.report_file.parent != spec.output.parent:
        raise ToolchainError("the patched document and its report must share one build directory")
    pairs = [
        (staged.cache_dir, spec.cache_dir),
        (staged.output.parent, spec.output.parent),
        (image / "generated", layout.generated_dir),
        (image / "spec" / "CHANGELOG.md", layout.changelog),
        (staged.lock_file, spec.lock_file),
    ]
    return [Move(new, target, stage / "previous" / new.name) for new, target in pairs]


def check_environment(prebuilt: Path | None = None) -> dict[str, str]:
    """The checks' environment: the tests find the spec mirror beside the project by default, which
    the image is not, so that default is passed on explicitly; `prebuilt` is the client the update
    built, which the tests copy instead of building it once per pytest worker."""
    env = dict(os.environ)
    env.pop(PREBUILT_CLIENT_ENV, None)
    if prebuilt is not None:
        env[PREBUILT_CLIENT_ENV] = str(prebuilt)
    default_mirror = paths.ROOT.parent / "shared" / "cekura-spec"
    if not env.get(MIRROR_ENV) and default_mirror.is_dir():
        env[MIRROR_ENV] = str(default_mirror)
    return env


def run(
    layout: UpdateLayout = UpdateLayout(),
    *,
    origin: str | None = None,
    mirror: str | None = None,
    policy: RetryPolicy | None = None,
    check: Check = default_check,
    today: str | None = None,
    on_phase: Callable[[str], None] = lambda phase: None,
) -> UpdateResult:
    """Update the spec and the client as the module docstring says; raise ToolchainError on failure."""
    layout.staging_parent.mkdir(parents=True, exist_ok=True)
    with exclusive(layout.stage):
        return _run_locked(
            layout, origin=origin, mirror=mirror, policy=policy, check=check, today=today, on_phase=on_phase
        )


def _run_locked(
    layout: UpdateLayout,
    *,
    origin: str | None,
    mirror: str | None,
    policy: RetryPolicy | None,
    check: Check,
    today: str | None,
    on_phase: Callable[[str], None],
) -> UpdateResult:
    recovered = recover(layout.stage)
    if recovered:
        print(f"update: {recovered}", file=sys.stderr)
    spec = layout.patch
    sources = load_sources(spec.sources_file)
    lock = read_lock(spec.lock_file)
    old_upstream = load_upstream(sources, lock, spec.cache_dir)
    fetched = fetch_new(sources, lock, origin=origin, mirror=mirror, policy=policy or policy_from_env())
    on_phase("fetched")
    date = today or datetime.datetime.now(datetime.UTC).date().isoformat()
    new_lock = updated_lock(lock, fetched, date)
    if new_lock.sources == lock.sources:
        return UpdateResult(Outcome.NO_CHANGE)
    stage = layout.stage
    image = stage / "image"
    try:
        image.mkdir(parents=True)
        copy_project(layout, image)
        staged = image_layout(layout, image)
        write_all_atomic(
            {staged.lock_file: new_lock.to_json()}
            | {staged.cache_dir / item.source.file: item.data for item in fetched}
        )
        on_phase("staged")
        new_upstream = load_upstream(sources, new_lock, staged.cache_dir)
        patch_staged(staged)
        on_phase("patched")
        new_patched = load_json(staged.output)
        generated = image / "generated"
        generation = build_client(staged.output, generated, image / "overrides")
        write_inputs(
            generated,
            current_inputs(
                staged.output,
                image / "templates",
                image / "overrides",
                image / GENERATOR_CONFIG.name,
                image / GENERATION_STEP.relative_to(paths.ROOT),
            )
            | input_digests(),
        )
        write_manifest(generated)
        on_phase("generated")
        overlays = sorted(staged.overlays_dir.glob("*.yaml"))
        scope = load_scope(staged.sources_file)
        old_client, new_client, note = client_documents(
            old_upstream, new_upstream, new_patched, overlays, scope
        )
        comparison = compare(
            comparison_view(old_upstream), comparison_view(new_upstream), old_client, new_client
        )
        document = next(item for item in fetched if item.source.kind == "document") if origin else None
        entry = render_entry(
            _title(lock, new_lock, sources, date),
            comparison,
            [origin_note(origin, document.data) if origin and document else "", note or ""],
        )
        existing = layout.changelog.read_text("utf-8") if layout.changelog.exists() else None
        (image / "spec" / "CHANGELOG.md").write_text(appended(existing, entry), encoding="utf-8")
        on_phase("compared")
        command = (
            list(check(new_client, changed_operations(old_client, new_client), stage))
            if callable(check)
            else list(check)
        )
        # The tests reuse this client rather than build their own, unless it drew warnings (which
        # their own build fails on) or differs from what they would build (`tests/prebuilt_client.py`).
        prebuilt = None if generation.warnings else generated
        completed = subprocess.run(command, cwd=image, env=check_environment(prebuilt), check=False)
        if completed.returncode != 0:
            raise ToolchainError(
                f"the checks failed on the staged update (`{' '.join(command)}` exited "
                f"{completed.returncode}); nothing was installed"
            )
        on_phase("checked")
        install(stage, install_moves(layout, staged, image, stage), on_phase)
    finally:
        if not (stage / JOURNAL_FILE).exists():
            shutil.rmtree(stage, ignore_errors=True)
    outcome = Outcome.BREAKING if comparison.breaking else Outcome.COMPATIBLE
    return UpdateResult(outcome, comparison, entry)


def _title(lock: Lock, new_lock: Lock, sources: Sequence[Source], date: str) -> str:
    document = next((s.file for s in sources if s.kind == "document"), sources[0].file)
    old, new = lock.sources.get(document), new_lock.sources[document]
    return heading(date, new.sha256, old.sha256 if old else "none", old.fetched if old else "never")


def load_json(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return loaded


@contextmanager
def interrupts_as_exceptions() -> Iterator[list[int]]:
    """SIGTERM raises KeyboardInterrupt like SIGINT does, so a stopped CI job cleans up too.

    Yields the list the received signal numbers are appended to.
    """
    received: list[int] = []

    def interrupt(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


INSTALLING = ("committed", "moved", "installed")


def execute(layout: UpdateLayout, *, on_phase: Callable[[str], None] | None = None, **options: Any) -> int:
    """Run the update and print its outcome; the exit code as the module docstring says."""
    phases: list[str] = []

    def note(phase: str) -> None:
        phases.append(phase)
        if on_phase is not None:
            on_phase(phase)

    with interrupts_as_exceptions() as received:
        try:
            result = run(layout, on_phase=note, **options)
        except ToolchainError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return FAILURE
        except KeyboardInterrupt:
            installed = bool(phases) and phases[-1].startswith(INSTALLING)
            print(
                "update: interrupted; "
                + ("the new version had been installed" if installed else "nothing was installed"),
                file=sys.stderr,
            )
            return 128 + (received[0] if received else signal.SIGINT)
    if result.comparison is None:
        print("update: the upstream is the locked version; nothing changed")
    else:
        print(result.entry.split("\n### ", 1)[0].strip())
        print(f"update: appended the entry to {layout.changelog.name} (exit {int(result.outcome)})")
    return int(result.outcome)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="nox -s update --", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--from", dest="origin", metavar="PATH_OR_URL", help="read the new document from here"
    )
    checks = parser.add_mutually_exclusive_group()
    checks.add_argument("--full", action="store_true", help="run the whole test suite as the check")
    checks.add_argument("--check", metavar="COMMAND", help="run this command as the check instead")
    parser.add_argument(
        "--jobs", default="auto", metavar="N", help="pytest workers for the checks (default: one per core)"
    )
    args = parser.parse_args(argv)
    if not (args.jobs == "auto" or args.jobs.isdigit()):
        parser.error(f"--jobs {args.jobs!r}: give a number of workers or `auto`")
    check: Check
    if args.check is not None:
        try:
            check = parse_check(args.check)
        except ValueError as exc:
            parser.error(str(exc))
    elif args.full:
        check = full_check(args.jobs)
    else:
        check = functools.partial(default_check, jobs=args.jobs)
    return execute(UpdateLayout(), origin=args.origin, mirror=os.environ.get(MIRROR_ENV) or None, check=check)


if __name__ == "__main__":
    sys.exit(main())
