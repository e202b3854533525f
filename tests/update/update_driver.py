"""Runs `nox -s update` on a small project of its own, pausing at a chosen phase so a test can interrupt it.

`python tests/update/update_driver.py ROOT PAUSE_AT [CHECK...]`: ROOT holds a project made by `prepare`
(locked at `document(1)`); the update reads `ROOT/next.json` (`document(2)`). At phase PAUSE_AT
the driver writes `ROOT/paused` and waits (up to a minute) for `ROOT/resume`: the test sends its
signal meanwhile. The exit code is the update's.
"""

import sys
import time
from pathlib import Path
from typing import Any

from scripts.core.jsonio import dump_json, sha256_hex
from scripts.patch.patch_spec import PatchLayout
from scripts.patch.patch_spec import run as run_patch
from scripts.update.update_spec import UpdateLayout, execute
from scripts.upstream.lock import Lock, LockedFile, write_lock

TODAY = "2026-09-01"
URL = "https://docs.cekura.ai/openapi.json"


def _retrieve(tag: str) -> dict[str, Any]:
    return {
        "get": {
            "operationId": f"{tag}-retrieve",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "security": [{"api_key": []}],
            "responses": {
                "200": {
                    "description": "",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Widget"}}},
                }
            },
        }
    }


def document(version: int) -> dict[str, Any]:
    """A small API: version 1 has one operation, version 2 adds a second (a compatible change)."""
    paths = {"/test_framework/v1/widgets/{id}/": _retrieve("widgets")}
    if version >= 2:
        paths["/test_framework/v1/gadgets/{id}/"] = _retrieve("gadgets")
    widget = {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        "required": ["id"],
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Cekura", "version": "v1"},
        "paths": paths,
        "components": {
            "schemas": {"Widget": widget},
            "securitySchemes": {"api_key": {"type": "apiKey", "in": "header", "name": "X-CEKURA-API-KEY"}},
        },
    }


def layout_at(root: Path) -> UpdateLayout:
    spec = root / "spec"
    patch = PatchLayout(
        sources_file=spec / "sources.yaml",
        lock_file=spec / "lock.json",
        cache_dir=spec / "upstream",
        overlays_dir=spec / "overlays",
        output=spec / "build" / "openapi.json",
        report_file=spec / "build" / "patch-report.md",
    )
    return UpdateLayout(
        patch=patch, generated_dir=root / "generated", changelog=spec / "CHANGELOG.md", staging_parent=root
    )


def prepare(root: Path) -> UpdateLayout:
    """A project locked and patched at `document(1)`, with a client and a changelog, and `next.json`."""
    layout = layout_at(root)
    patch = layout.patch
    patch.overlays_dir.mkdir(parents=True)
    patch.sources_file.write_text(f"document: {{url: '{URL}', file: openapi.json}}\n", encoding="utf-8")
    upstream = dump_json(document(1))
    patch.cache_dir.mkdir()
    (patch.cache_dir / "openapi.json").write_bytes(upstream)
    write_lock(
        patch.lock_file,
        Lock({"openapi.json": LockedFile(URL, sha256_hex(upstream), len(upstream), "2026-08-01")}),
    )
    run_patch(patch)
    (layout.generated_dir / "cekura_client").mkdir(parents=True)
    (layout.generated_dir / "cekura_client" / "previous.py").write_text("# the client before\n", "utf-8")
    layout.changelog.write_text("# Spec changelog\n", encoding="utf-8")
    (root / "next.json").write_bytes(dump_json(document(2)))
    return layout


def pause_at(root: Path, wanted: str) -> Any:
    def on_phase(phase: str) -> None:
        if phase != wanted:
            return
        (root / "paused").write_text(phase, encoding="utf-8")
        deadline = time.monotonic() + 60
        while not (root / "resume").exists() and time.monotonic() < deadline:
            time.sleep(0.02)

    return on_phase


def main(argv: list[str]) -> int:
    root, wanted, *check = argv
    layout = layout_at(Path(root))
    return execute(
        layout,
        origin=str(Path(root) / "next.json"),
        check=check,
        today=TODAY,
        on_phase=pause_at(Path(root), wanted),
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
