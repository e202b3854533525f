"""Declared pages are compared with the document: the patch report lists those that differ."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from scripts.core.errors import PatchError
from scripts.core.jsonio import sha256_hex
from scripts.patch.page_drift import page_difference
from scripts.patch.patch_spec import PatchLayout, run
from scripts.upstream.lock import Lock, LockedFile, write_lock

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/test_framework/v1/widgets/": {
            "post": {
                "operationId": "widgets-create",
                "x-mint": {"href": "/widgets"},
                "security": [{"session": []}, {"api_key": []}],
                "requestBody": {
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Widget"}}}
                },
                "responses": {"201": {"description": "created"}},
            }
        }
    },
    "components": {
        "schemas": {"Widget": {"type": "object", "properties": {"name": {"type": "string"}}}},
        "securitySchemes": {"api_key": {"type": "apiKey", "in": "header", "name": "X-CEKURA-API-KEY"}},
    },
}


def page_of(document: dict[str, Any], method: str, path: str) -> str:
    """A documentation page as the docs site renders it from `document` (JSON is YAML 1.2)."""
    rendered = copy.deepcopy(document)
    operation = rendered["paths"][path][method]
    operation.pop("x-mint", None)
    operation["security"] = [{"api_key": []}]
    fence = json.dumps({**rendered, "paths": {path: {method: operation}}}, indent=2)
    return f"# Create a widget\n\n````yaml {method} {path}\n{fence}\n````\n"


PATH = "/test_framework/v1/widgets/"


def test_a_page_rendered_from_the_document_agrees_with_it() -> None:
    assert page_difference(DOCUMENT, "widgets-create.md", page_of(DOCUMENT, "post", PATH)) is None


def test_a_page_with_a_field_the_document_lacks_is_named_with_where() -> None:
    newer = copy.deepcopy(DOCUMENT)
    newer["components"]["schemas"]["Widget"]["properties"]["mock_tool_names"] = {"type": "array"}
    newer["paths"][PATH]["post"]["summary"] = "Create"
    assert page_difference(DOCUMENT, "widgets-create.md", page_of(newer, "post", PATH)) == (
        f"page widgets-create.md: POST {PATH} differs from the document: the operation (first difference "
        "at /summary); schema Widget (first difference at /properties/mock_tool_names)"
    )


def test_a_page_for_an_operation_the_document_lacks_is_named() -> None:
    other = copy.deepcopy(DOCUMENT)
    other["paths"]["/test_framework/v1/gadgets/"] = other["paths"].pop(PATH)
    text = page_of(other, "post", "/test_framework/v1/gadgets/")
    assert page_difference(DOCUMENT, "gadgets.md", text) == (
        "page gadgets.md: POST /test_framework/v1/gadgets/ is not in the document"
    )


def locked_layout(tmp_path: Path, files: dict[str, bytes], sources: str) -> PatchLayout:
    layout = PatchLayout(
        sources_file=tmp_path / "sources.yaml",
        lock_file=tmp_path / "lock.json",
        cache_dir=tmp_path / "upstream",
        overlays_dir=tmp_path / "overlays",
        output=tmp_path / "build" / "openapi.json",
        report_file=tmp_path / "build" / "patch-report.md",
    )
    layout.overlays_dir.mkdir()
    layout.sources_file.write_text(sources, encoding="utf-8")
    for name, data in files.items():
        (layout.cache_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (layout.cache_dir / name).write_bytes(data)
    locked = {
        name: LockedFile(f"https://x/{name}", sha256_hex(data), len(data), "2026-08-18")
        for name, data in files.items()
    }
    write_lock(layout.lock_file, Lock(sources=locked))
    return layout


def test_the_patch_report_lists_the_published_pages_that_differ_and_strict_mode_fails(
    tmp_path: Path, mirror: Path
) -> None:
    pages = ["run-evaluator-pipecat.md", "scenarios-external-retrieve.md", "run-evaluator-vapi-webrtc.md"]
    files = {"openapi.json": (mirror / "openapi.json").read_bytes()}
    files |= {f"pages/{page}": (mirror / "pages" / page).read_bytes() for page in pages}
    sources = (
        "scope: {security_scheme: api_key}\n"
        "document: {url: 'https://x/openapi.json', file: openapi.json}\n"
        "pages:\n" + "".join(f"  - {{url: 'https://x/{p}', file: pages/{p}}}\n" for p in pages)
    )
    layout = locked_layout(tmp_path, files, sources)
    with pytest.raises(PatchError) as strict:
        run(layout, strict_pages=True)
    assert str(strict.value).startswith("2 page(s) differ from the document (--strict-pages): ")
    assert not layout.output.exists()

    run(layout)
    report = layout.report_file.read_text("utf-8")
    section = report.split("## Pages\n", 1)[1].split("\n## ", 1)[0]
    listed = [line for line in section.splitlines() if line.startswith("- ")]
    assert [line.split()[2].rstrip(":") for line in listed] == [
        "run-evaluator-pipecat.md",
        "run-evaluator-vapi-webrtc.md",
    ]
    assert all("/properties/mock_tool_names" in line for line in listed)
    assert "2 of 3 pages differ from the document" in section


def test_pages_alone_are_not_compared(tmp_path: Path) -> None:
    text = page_of(DOCUMENT, "post", PATH).encode()
    layout = locked_layout(
        tmp_path, {"pages/w.md": text}, "pages:\n  - {url: 'https://x/w.md', file: pages/w.md}\n"
    )
    run(layout, strict_pages=True)
    assert "## Pages" not in layout.report_file.read_text("utf-8")
    assert list(json.loads(layout.output.read_text("utf-8"))["paths"]) == [PATH]
