"""The patch step as a whole: overlays then normalizers, and nothing written on failure."""

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from scripts.core.errors import PatchError, ToolchainError
from scripts.core.jsonio import dump_json, sha256_hex
from scripts.patch.normalizers import strip_vendor_extensions
from scripts.patch.patch_spec import PatchLayout, patch_document, run
from scripts.upstream.lock import Lock, LockedFile, read_lock, write_lock

UPSTREAM: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "x-mint": {},
    "paths": {"/a/": {"get": {"operationId": "a", "responses": {"200": {"description": "ok"}}}}},
}
OVERLAY = """overlay: 1.0.0
info: {title: t, version: 1.0.0}
actions:
  - target: "$.paths['/a/'].get"
    description: Add a summary.
    update: {summary: A}
"""


def make_layout(tmp_path: Path) -> PatchLayout:
    """A spec/ of its own: sources, a locked cached upstream, one overlay and a toolchain file."""
    layout = PatchLayout(
        sources_file=tmp_path / "sources.yaml",
        lock_file=tmp_path / "lock.json",
        cache_dir=tmp_path / "upstream",
        overlays_dir=tmp_path / "overlays",
        output=tmp_path / "build" / "openapi.json",
        report_file=tmp_path / "build" / "report.md",
        toolchain_dirs=(tmp_path / "scripts" / "patch",),
    )
    layout.toolchain_dirs[0].mkdir(parents=True)
    (layout.toolchain_dirs[0] / "normalize.py").write_text("STEP = 1\n")
    layout.sources_file.write_text("document: {url: 'https://example.test/openapi.json'}\n")
    raw = dump_json(UPSTREAM)
    layout.cache_dir.mkdir()
    (layout.cache_dir / "openapi.json").write_bytes(raw)
    locked = LockedFile(
        url="https://example.test/openapi.json",
        sha256=sha256_hex(raw),
        size=len(raw),
        fetched="2026-08-18",
    )
    write_lock(layout.lock_file, Lock(sources={"openapi.json": locked}))
    layout.overlays_dir.mkdir()
    (layout.overlays_dir / "01-summary.yaml").write_text(OVERLAY)
    return layout


def test_overlays_then_normalizers_in_order(tmp_path: Path) -> None:
    overlay = tmp_path / "01.yaml"
    overlay.write_text(OVERLAY)
    result = patch_document(UPSTREAM, [overlay], [("strip", strip_vendor_extensions.normalize)])
    assert result.document["paths"]["/a/"]["get"]["summary"] == "A"
    assert "x-mint" not in result.document and "x-mint" in UPSTREAM  # the input is not mutated
    assert result.report == [
        "## Overlays",
        "",
        "- 01.yaml #1 (Add a summary.): updated 1 node(s)",
        "",
        "## Normalizers",
        "",
        "- strip: removed vendor extensions: x-mint (1)",
    ]


def test_run_writes_document_report_and_patched_hash(tmp_path: Path) -> None:
    layout = make_layout(tmp_path)
    run(layout)
    data = layout.output.read_bytes()
    assert json.loads(data)["paths"]["/a/"]["get"]["summary"] == "A"
    assert "01-summary.yaml #1" in layout.report_file.read_text()
    assert read_lock(layout.lock_file).patched == {"sha256": sha256_hex(data), "size": len(data)}
    run(layout, locked=True)  # the lock now reproduces


def test_a_stale_overlay_fails_and_leaves_previous_outputs(tmp_path: Path) -> None:
    layout = make_layout(tmp_path)
    run(layout)
    before = {p: p.read_bytes() for p in (layout.output, layout.report_file, layout.lock_file)}
    (layout.overlays_dir / "02-stale.yaml").write_text(OVERLAY.replace("/a/", "/gone/"))
    with pytest.raises(PatchError, match=r"02-stale\.yaml, action 1: .* matches nothing"):
        run(layout)
    assert {p: p.read_bytes() for p in before} == before


def test_locked_run_refuses_a_different_result(tmp_path: Path) -> None:
    layout = make_layout(tmp_path)
    run(layout)
    (layout.overlays_dir / "01-summary.yaml").write_text(OVERLAY.replace("{summary: A}", "{summary: B}"))
    with pytest.raises(PatchError, match=r"differs from the lock.s .* commit spec/lock\.json"):
        run(layout, locked=True)


def test_a_cache_that_does_not_match_the_lock_is_refused(tmp_path: Path) -> None:
    layout = make_layout(tmp_path)
    (layout.cache_dir / "openapi.json").write_text("{}")
    with pytest.raises(ToolchainError, match=r"does not match spec/lock\.json; run `nox -s fetch`"):
        run(layout)
    assert not layout.output.exists()


def test_a_run_with_nothing_changed_writes_nothing(tmp_path: Path) -> None:
    layout = make_layout(tmp_path)
    assert run(layout) is not None
    outputs = (layout.output, layout.report_file, layout.lock_file, layout.inputs_file)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in outputs}
    assert run(layout) is None
    assert run(layout, locked=True) is None
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in outputs} == before
    assert run(layout, force=True) is not None


def _edit_overlay(layout: PatchLayout) -> None:
    (layout.overlays_dir / "01-summary.yaml").write_text(OVERLAY.replace("{summary: A}", "{summary: B}"))


def _edit_toolchain(layout: PatchLayout) -> None:
    (layout.toolchain_dirs[0] / "normalize.py").write_text("STEP = 2\n")


def _edit_sources(layout: PatchLayout) -> None:
    layout.sources_file.write_text(layout.sources_file.read_text() + "# reviewed\n")


def _edit_output(layout: PatchLayout) -> None:
    layout.output.write_text("{}")


def _lose_report(layout: PatchLayout) -> None:
    layout.report_file.unlink()


def _lose_inputs(layout: PatchLayout) -> None:
    layout.inputs_file.unlink()


@pytest.mark.parametrize(
    "change", [_edit_overlay, _edit_toolchain, _edit_sources, _edit_output, _lose_report, _lose_inputs]
)
def test_any_changed_input_or_output_patches_again(
    tmp_path: Path, change: Callable[[PatchLayout], None]
) -> None:
    layout = make_layout(tmp_path)
    run(layout)
    change(layout)
    result = run(layout)
    assert result is not None
    data = layout.output.read_bytes()
    assert read_lock(layout.lock_file).patched == {"sha256": sha256_hex(data), "size": len(data)}
    assert run(layout) is None


def test_code_of_a_layer_the_patch_does_not_run_does_not_patch_again(tmp_path: Path) -> None:
    layout = make_layout(tmp_path)
    run(layout)
    bench = tmp_path / "scripts" / "bench"
    bench.mkdir()
    (bench / "report.py").write_text("# a comment\n")
    assert run(layout) is None


def test_a_changed_upstream_patches_again(tmp_path: Path) -> None:
    layout = make_layout(tmp_path)
    run(layout)
    upstream = {**UPSTREAM, "info": {"title": "t", "version": "2"}}
    raw = dump_json(upstream)
    (layout.cache_dir / "openapi.json").write_bytes(raw)
    lock = read_lock(layout.lock_file)
    relocked = replace(lock.sources["openapi.json"], sha256=sha256_hex(raw), size=len(raw))
    write_lock(layout.lock_file, Lock(sources={"openapi.json": relocked}, patched=lock.patched))
    result = run(layout)
    assert result is not None
    assert json.loads(layout.output.read_bytes())["info"]["version"] == "2"


def test_the_skipped_run_is_refused_too_when_the_lock_says_otherwise(tmp_path: Path) -> None:
    layout = make_layout(tmp_path)
    run(layout)
    lock = read_lock(layout.lock_file)
    write_lock(layout.lock_file, Lock(sources=lock.sources, patched={"sha256": "0" * 64, "size": 1}))
    with pytest.raises(PatchError, match=r"differs from the lock"):
        run(layout, locked=True)
