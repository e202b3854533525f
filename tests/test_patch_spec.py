"""The patch step as a whole: overlays then normalizers, and nothing written on failure."""

import json
from pathlib import Path
from typing import Any

import pytest

from scripts.errors import PatchError, ToolchainError
from scripts.jsonio import dump_json, sha256_hex
from scripts.lock import Lock, LockedFile, read_lock, write_lock
from scripts.normalizers import strip_vendor_extensions
from scripts.patch_spec import PatchLayout, patch_document, run

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
    """A spec/ of its own: sources, a locked cached upstream and one overlay."""
    layout = PatchLayout(
        sources_file=tmp_path / "sources.yaml",
        lock_file=tmp_path / "lock.json",
        cache_dir=tmp_path / "upstream",
        overlays_dir=tmp_path / "overlays",
        output=tmp_path / "build" / "openapi.json",
        report_file=tmp_path / "build" / "report.md",
    )
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
