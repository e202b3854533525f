"""`nox -s update` end to end on the mirror's history: 2026-07-01 -> 2026-08-07 -> current.

The expected counts are computed here from the raw documents, without the toolchain: which
api_key operations and reachable schemas each version has, and which top-level properties and
enum values of the schemas common to two versions differ.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from mirror import mirror_dir
from update_driver import TODAY, prepare

from scripts.core import paths
from scripts.core.atomic_install import JOURNAL_FILE
from scripts.core.errors import ToolchainError
from scripts.core.jsonio import sha256_hex
from scripts.core.openapi_document import iter_operations
from scripts.core.yamlio import load_yaml
from scripts.patch.overlay import StaleAction, StaleOverlayError
from scripts.patch.patch_spec import PatchLayout
from scripts.update.update_spec import STAGE_NAME, Outcome, UpdateLayout, origin_note, run
from scripts.upstream.lock import Lock, LockedFile, read_lock, write_lock

PASS = (sys.executable, "-c", "pass")
FAIL = (sys.executable, "-c", "raise SystemExit(3)")
LINE = re.compile(
    r"^- \*\*(?P<verdict>\w+)\*\* `(?P<where>[^`]+)`(?: `(?P<pointer>[^`]+)`)?: (?P<kind>[\w-]+), "
)


def api_key_operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, path): operation
        for path, method, operation in iter_operations(document)
        if any("api_key" in requirement for requirement in operation.get("security") or [])
    }


def reachable_schemas(document: dict[str, Any]) -> dict[str, Any]:
    """Component schemas the api_key operations reach through `$ref`s, transitively."""
    schemas = document["components"]["schemas"]
    found: dict[str, Any] = {}
    pending: list[Any] = list(api_key_operations(document).values())
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending += node
        elif isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[-1]
                if name not in found:
                    found[name] = schemas[name]
                    pending.append(schemas[name])
            pending += list(node.values())
    return found


def expected_counts(old: dict[str, Any], new: dict[str, Any]) -> Counter[str]:
    old_ops, new_ops = api_key_operations(old), api_key_operations(new)
    old_schemas, new_schemas = reachable_schemas(old), reachable_schemas(new)
    counts: Counter[str] = Counter(
        {
            "api-added": len(new_ops.keys() - old_ops.keys()),
            "api-removed": len(old_ops.keys() - new_ops.keys()),
            "schema-added": len(new_schemas.keys() - old_schemas.keys()),
            "schema-removed": len(old_schemas.keys() - new_schemas.keys()),
        }
    )
    for name in old_schemas.keys() & new_schemas.keys():
        a, b = old_schemas[name], new_schemas[name]
        if a.get("type") != b.get("type"):
            continue
        old_props, new_props = a.get("properties") or {}, b.get("properties") or {}
        counts["property-added"] += len(new_props.keys() - old_props.keys())
        counts["property-removed"] += len(old_props.keys() - new_props.keys())
        old_enum = {json.dumps(v) for v in a.get("enum") or [] if v is not None}
        new_enum = {json.dumps(v) for v in b.get("enum") or [] if v is not None}
        counts["enum-value-added"] += len(new_enum - old_enum)
        counts["enum-value-removed"] += len(old_enum - new_enum)
    return counts


def entry_counts(entry: str) -> Counter[str]:
    """The same counts, read from the spec layer of a changelog entry."""
    spec_layer = entry.split("### Spec", 1)[1].split("### Python surface", 1)[0]
    counts: Counter[str] = Counter()
    for match in filter(None, map(LINE.match, spec_layer.splitlines())):
        kind, pointer, where = match["kind"], match["pointer"] or "", match["where"]
        if kind in ("api-added", "api-removed", "schema-added", "schema-removed"):
            counts[kind] += 1
        elif where.startswith("schema ") and "." not in pointer and pointer:
            if kind.startswith("schema-property-added"):
                counts["property-added"] += 1
            elif kind == "schema-property-removed":
                counts["property-removed"] += 1
        elif where.startswith("schema ") and not pointer and kind.startswith("schema-enum-value-"):
            counts[kind.removeprefix("schema-")] += 1
    return counts


def make_layout(tmp_path: Path, upstream: bytes) -> UpdateLayout:
    """A spec/ of its own (the document only, no pages, the project's scope) locked at `upstream`,
    with a copy of the real overlays."""
    spec = tmp_path / "spec"
    patch = PatchLayout(
        sources_file=spec / "sources.yaml",
        lock_file=spec / "lock.json",
        cache_dir=spec / "upstream",
        overlays_dir=spec / "overlays",
        output=spec / "build" / "openapi.json",
        report_file=spec / "build" / "patch-report.md",
    )
    patch.cache_dir.mkdir(parents=True)
    shutil.copytree(paths.OVERLAYS_DIR, patch.overlays_dir)
    patch.sources_file.write_text(
        "scope: {security_scheme: api_key}\n"
        "document: {url: 'https://docs.cekura.ai/openapi.json', file: openapi.json}\n"
    )
    (patch.cache_dir / "openapi.json").write_bytes(upstream)
    locked = LockedFile(
        "https://docs.cekura.ai/openapi.json", sha256_hex(upstream), len(upstream), "2026-01-01"
    )
    write_lock(patch.lock_file, Lock(sources={"openapi.json": locked}))
    generated = tmp_path / "generated"
    (generated / "cekura_client").mkdir(parents=True)
    (generated / "cekura_client" / "previous.txt").write_text("the client before the update\n")
    return UpdateLayout(
        patch=patch, generated_dir=generated, changelog=spec / "CHANGELOG.md", staging_parent=tmp_path
    )


def snapshot(layout: UpdateLayout) -> dict[str, bytes]:
    roots = [layout.patch.sources_file.parent, layout.generated_dir]
    return {str(f): f.read_bytes() for root in roots for f in sorted(root.rglob("*")) if f.is_file()}


# Each update patches and generates the full client, once per version of the history.
pytestmark = pytest.mark.client_build


@pytest.fixture(scope="module")
def versions(mirror: Path) -> dict[str, Path]:
    return {
        "2026-07-01": mirror / "history" / "openapi-2026-07-01.json",
        "2026-08-07": mirror / "history" / "openapi-2026-08-07.json",
        "current": mirror / "openapi.json",
    }


def load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return loaded


def test_update_through_the_history(tmp_path: Path, versions: dict[str, Path]) -> None:
    layout = make_layout(tmp_path, versions["2026-07-01"].read_bytes())
    first = run(layout, origin=str(versions["2026-08-07"]), check=PASS, today="2026-08-07")
    second = run(layout, origin=str(versions["current"]), check=PASS, today="2026-08-18")
    assert (first.outcome, second.outcome) == (Outcome.BREAKING, Outcome.BREAKING)
    assert run(layout, origin=str(versions["current"]), check=PASS).outcome == Outcome.NO_CHANGE

    text = layout.changelog.read_text("utf-8")
    entries = text.split("\n## ")[1:]
    assert len(entries) == 2 and entries[0].startswith("2026-08-07: spec sha256 ed1871248ea0")
    for entry, (old, new) in zip(
        entries, [("2026-07-01", "2026-08-07"), ("2026-08-07", "current")], strict=True
    ):
        expected = expected_counts(load(versions[old]), load(versions[new]))
        assert entry_counts(entry) == +expected, (old, new)
    # 2026-07-01 no longer patches with today's overlays, so the Python layer says what it compared.
    assert "current overlays do not apply to the previous one" in entries[0]
    assert "current overlays do not apply" not in entries[1]

    lock = read_lock(layout.patch.lock_file)
    assert lock.sources["openapi.json"].sha256 == sha256_hex(versions["current"].read_bytes())
    assert lock.patched["sha256"] == sha256_hex(layout.patch.output.read_bytes())
    assert (layout.generated_dir / "cekura_client" / "api").is_dir()
    assert not (layout.generated_dir / "cekura_client" / "previous.txt").exists()


def history_versions() -> list[Path]:
    history = mirror_dir() / "history"
    return sorted(history.glob("*.json")) if history.is_dir() else []


def drop_actions(overlays_dir: Path, stale: Sequence[StaleAction]) -> None:
    """Delete the listed actions from the overlay files, and a file left with none."""
    for file in sorted({action.file for action in stale}):
        path = overlays_dir / file
        raw = load_yaml(path.read_text("utf-8"))
        dropped = {action.index for action in stale if action.file == file}
        raw["actions"] = [a for index, a in enumerate(raw["actions"], 1) if index not in dropped]
        if raw["actions"]:
            path.write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")  # JSON is YAML 1.2
        else:
            path.unlink()


# What each earlier version needs dropped: every action, listed in the first failure at once.
DROPPED = {
    "openapi-2026-07-01.json": [
        ("21-run-scenario-result-runs-list.yaml", 1),
        ("21-run-scenario-result-runs-list.yaml", 2),
        ("22-run-scenario-result-name-optional.yaml", 1),
        ("24-provider-config-any-of.yaml", 3),
    ],
}


@pytest.mark.slow
@pytest.mark.parametrize("version", history_versions(), ids=lambda path: path.name)
def test_an_earlier_version_updates_once_the_listed_actions_are_dropped(
    tmp_path: Path, mirror: Path, version: Path
) -> None:
    layout = make_layout(tmp_path, (mirror / "openapi.json").read_bytes())
    before = snapshot(layout)
    expected = DROPPED.get(version.name, [])
    if expected:
        with pytest.raises(StaleOverlayError) as raised:
            run(layout, origin=str(version), check=PASS, today="2026-12-01")
        assert [(action.file, action.index) for action in raised.value.actions] == expected
        assert snapshot(layout) == before and not (tmp_path / STAGE_NAME).exists()
        drop_actions(layout.patch.overlays_dir, raised.value.actions)
    result = run(layout, origin=str(version), check=PASS, today="2026-12-01")
    assert result.outcome in (Outcome.COMPATIBLE, Outcome.BREAKING)
    assert read_lock(layout.patch.lock_file).sources["openapi.json"].sha256 == sha256_hex(
        version.read_bytes()
    )
    assert f"Document from the file `{version.name}` (sha256 `{sha256_hex(version.read_bytes())}`)." in (
        layout.changelog.read_text("utf-8")
    )


def test_failing_tests_put_everything_back(tmp_path: Path, versions: dict[str, Path]) -> None:
    layout = make_layout(tmp_path, versions["2026-08-07"].read_bytes())
    before = snapshot(layout)
    with pytest.raises(ToolchainError, match=r"checks failed.*nothing was installed"):
        run(layout, origin=str(versions["current"]), check=FAIL)
    assert snapshot(layout) == before


def test_the_checks_are_given_the_client_the_update_built(tmp_path: Path, versions: dict[str, Path]) -> None:
    # Run in the staging area: the tree named must be what the tests there would build themselves.
    reuse_or_fail = (
        "import os, pathlib, sys; sys.path.insert(0, 'tests'); "
        "from prebuilt_client import PREBUILT_ENV, reusable; "
        "tree = pathlib.Path(os.environ[PREBUILT_ENV]); "
        "sys.exit(0 if tree == pathlib.Path.cwd() / 'generated' and reusable(tree) else 4)"
    )
    layout = make_layout(tmp_path, versions["2026-08-07"].read_bytes())
    result = run(layout, origin=str(versions["current"]), check=(sys.executable, "-c", reuse_or_fail))
    assert result.outcome == Outcome.BREAKING


# Atomic update: a small project of its own (tests/update/update_driver.py), interrupted at each phase.

INSTALLED = ("spec/lock.json", "spec/CHANGELOG.md", "spec/upstream", "spec/build", "generated")
BEFORE_COMMIT = ("fetched", "staged", "patched", "generated", "compared", "checking", "checked")
DURING_INSTALL = (
    "committed",
    "moved upstream",
    "moved build",
    "moved generated",
    "moved CHANGELOG.md",
    "moved lock.json",
)
DRIVER = Path(__file__).with_name("update_driver.py")
# Every phase gets a SIGINT; SIGTERM (a CI runner stopping the job) and SIGKILL a few, for time.
SIGNALS = [
    pytest.param(phase, signal.SIGINT, id=f"{phase}-SIGINT") for phase in (*BEFORE_COMMIT, *DURING_INSTALL)
] + [
    pytest.param(phase, signal.SIGTERM, id=f"{phase}-SIGTERM")
    for phase in ("generated", "checking", "committed", "moved generated")
]
KILLED_AT = ("committed", "moved generated", "moved lock.json")
SLEEPING_CHECK = (
    sys.executable,
    "-c",
    "import pathlib, sys, time; pathlib.Path(sys.argv[1]).write_text('checking'); time.sleep(60)",
)


def installed_state(root: Path) -> dict[str, bytes]:
    """Every file the update installs, by path relative to the project."""
    files: dict[str, bytes] = {}
    for name in INSTALLED:
        entry = root / name
        found = [entry] if entry.is_file() else sorted(entry.rglob("*")) if entry.is_dir() else []
        files |= {
            f.relative_to(root).as_posix(): f.read_bytes()
            for f in found
            if f.is_file() and "__pycache__" not in f.parts
        }
    return files


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The installed files before and after an uninterrupted update (the same inputs and date)."""
    root = tmp_path_factory.mktemp("reference")
    layout = prepare(root)
    before = installed_state(root)
    result = run(layout, origin=str(root / "next.json"), check=PASS, today=TODAY)
    assert result.outcome == Outcome.COMPATIBLE
    after = installed_state(root)
    assert after != before and not (root / STAGE_NAME).exists()
    return before, after


def start_driver(root: Path, phase: str, check: Sequence[str]) -> subprocess.Popen[str]:
    command = [sys.executable, str(DRIVER), str(root), phase, *check]
    env = {**os.environ, "PYTHONPATH": str(paths.ROOT)}
    return subprocess.Popen(command, cwd=paths.ROOT, env=env, stderr=subprocess.PIPE, text=True)


def wait_for(path: Path, process: subprocess.Popen[str], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, f"the update ended before pausing: {process.communicate()}"
        assert time.monotonic() < deadline, f"the update never reached {path.name}"
        time.sleep(0.02)


def interrupt_at(root: Path, phase: str, signum: int) -> tuple[int, str]:
    """Run the update, send `signum` when it reaches `phase`, let it go on; its exit code and stderr."""
    checking = phase == "checking"
    check = [*SLEEPING_CHECK, str(root / "paused")] if checking else list(PASS)
    process = start_driver(root, "none" if checking else phase, check)
    wait_for(root / "paused", process)
    process.send_signal(signum)
    (root / "resume").write_text("", encoding="utf-8")
    _, stderr = process.communicate(timeout=60)
    return process.returncode, stderr


def test_the_checks_run_on_the_staged_update_before_anything_is_installed(
    tmp_path: Path, states: tuple[dict[str, bytes], dict[str, bytes]]
) -> None:
    _, after = states
    layout = prepare(tmp_path)
    # The check runs in the staging area: the new lock is there, the project still has the old one.
    probe = (
        "import pathlib, sys; "
        "assert pathlib.Path(sys.argv[1]).read_bytes() == bytes.fromhex(sys.argv[2]), 'installed early'; "
        "assert pathlib.Path('spec/lock.json').read_bytes() != bytes.fromhex(sys.argv[2]); "
        "assert pathlib.Path('generated/cekura_client/api/gadgets').is_dir()"
    )
    lock = layout.patch.lock_file
    check = (sys.executable, "-c", probe, str(lock), lock.read_bytes().hex())
    assert run(layout, origin=str(tmp_path / "next.json"), check=check, today=TODAY).outcome == 10
    assert installed_state(tmp_path) == after


@pytest.mark.parametrize(("phase", "signum"), SIGNALS)
def test_an_interrupt_leaves_all_old_with_the_update_pending_or_all_new(
    tmp_path: Path, states: tuple[dict[str, bytes], dict[str, bytes]], phase: str, signum: int
) -> None:
    before, after = states
    layout = prepare(tmp_path)
    code, stderr = interrupt_at(tmp_path, phase, signum)
    assert code == 128 + signum, stderr
    assert not (tmp_path / STAGE_NAME / JOURNAL_FILE).exists()
    if phase in DURING_INSTALL:
        # Held back until the install was complete: all new.
        assert "interrupted; the new version had been installed" in stderr
        assert installed_state(tmp_path) == after
        return
    assert "interrupted; nothing was installed" in stderr
    assert installed_state(tmp_path) == before
    assert not (tmp_path / STAGE_NAME).exists()
    # The update is still to be done: running it again installs it, it does not say "nothing changed".
    assert run(layout, origin=str(tmp_path / "next.json"), check=PASS, today=TODAY).outcome == 10
    assert installed_state(tmp_path) == after


@pytest.mark.parametrize("phase", KILLED_AT)
def test_a_kill_during_the_install_is_finished_at_the_next_start(
    tmp_path: Path,
    states: tuple[dict[str, bytes], dict[str, bytes]],
    phase: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, after = states
    layout = prepare(tmp_path)
    process = start_driver(tmp_path, phase, PASS)
    wait_for(tmp_path / "paused", process)
    process.kill()
    process.communicate(timeout=60)
    assert (tmp_path / STAGE_NAME / JOURNAL_FILE).is_file()
    # The checks passed before the journal was written: the next start completes the install.
    assert run(layout, origin=str(tmp_path / "next.json"), check=PASS, today=TODAY).outcome == 0
    assert "finished installing the update an interrupted run had committed" in capsys.readouterr().err
    assert installed_state(tmp_path) == after
    assert not (tmp_path / STAGE_NAME).exists()


def test_a_kill_before_the_commit_is_discarded_at_the_next_start(
    tmp_path: Path, states: tuple[dict[str, bytes], dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    before, after = states
    layout = prepare(tmp_path)
    process = start_driver(tmp_path, "checked", PASS)
    wait_for(tmp_path / "paused", process)
    process.kill()
    process.communicate(timeout=60)
    assert installed_state(tmp_path) == before and (tmp_path / STAGE_NAME).is_dir()
    assert run(layout, origin=str(tmp_path / "next.json"), check=PASS, today=TODAY).outcome == 10
    assert "removed the staging area an interrupted run left" in capsys.readouterr().err
    assert installed_state(tmp_path) == after


def test_failing_checks_install_nothing(
    tmp_path: Path, states: tuple[dict[str, bytes], dict[str, bytes]]
) -> None:
    before, _ = states
    layout = prepare(tmp_path)
    with pytest.raises(ToolchainError, match=r"checks failed on the staged update.*nothing was installed"):
        run(layout, origin=str(tmp_path / "next.json"), check=FAIL, today=TODAY)
    assert installed_state(tmp_path) == before
    assert not (tmp_path / STAGE_NAME).exists()


def test_the_changelog_names_a_from_file_by_name_and_hash_and_a_url_as_given(tmp_path: Path) -> None:
    layout = prepare(tmp_path)
    origin = tmp_path / "next.json"
    run(layout, origin=str(origin), check=PASS, today=TODAY)
    changelog = layout.changelog.read_text("utf-8")
    digest = sha256_hex(origin.read_bytes())
    assert f"Document from the file `next.json` (sha256 `{digest}`)." in changelog
    assert str(tmp_path) not in changelog
    url = "https://example.com/specs/openapi.json?v=2"
    assert origin_note(url, b"{}") == f"Document from `{url}`."


def test_a_second_update_at_the_same_time_is_refused_and_touches_nothing(
    tmp_path: Path, states: tuple[dict[str, bytes], dict[str, bytes]]
) -> None:
    before, _ = states
    layout = prepare(tmp_path)
    process = start_driver(tmp_path, "checked", PASS)
    wait_for(tmp_path / "paused", process)
    try:
        with pytest.raises(ToolchainError, match=r"another update is running in .*; wait for it to finish"):
            run(layout, origin=str(tmp_path / "next.json"), check=PASS, today=TODAY)
        assert installed_state(tmp_path) == before
        assert (tmp_path / STAGE_NAME / "image").is_dir()  # the running update's work is left alone
    finally:
        (tmp_path / "resume").write_text("", encoding="utf-8")
        process.communicate(timeout=60)
    assert process.returncode == 10
