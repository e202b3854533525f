"""`nox -s update` end to end on the mirror's history: 2026-07-01 -> 2026-08-07 -> current.

The expected counts are computed here from the raw documents, without the toolchain: which
api_key operations and reachable schemas each version has, and which top-level properties and
enum values of the schemas common to two versions differ.
"""

import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from scripts.core import paths
from scripts.core.errors import PatchError, ToolchainError
from scripts.core.jsonio import sha256_hex
from scripts.core.openapi_document import iter_operations
from scripts.patch.patch_spec import PatchLayout
from scripts.update.update_spec import Outcome, UpdateLayout, run
from scripts.upstream.lock import Lock, LockedFile, read_lock, write_lock

PASS = (sys.executable, "-c", "pass")
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
    """A spec/ of its own (the document only, no pages) locked at `upstream`, with the real overlays."""
    spec = tmp_path / "spec"
    patch = PatchLayout(
        sources_file=spec / "sources.yaml",
        lock_file=spec / "lock.json",
        cache_dir=spec / "upstream",
        overlays_dir=paths.OVERLAYS_DIR,
        output=spec / "build" / "openapi.json",
        report_file=spec / "build" / "patch-report.md",
    )
    patch.cache_dir.mkdir(parents=True)
    patch.sources_file.write_text(
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


def test_a_stale_overlay_fails_naming_its_file_and_changes_nothing(
    tmp_path: Path, versions: dict[str, Path]
) -> None:
    layout = make_layout(tmp_path, versions["2026-08-07"].read_bytes())
    before = snapshot(layout)
    with pytest.raises(PatchError, match=r"03-api-key-operations-only\.yaml.*22-run-scenario-result-name"):
        run(layout, origin=str(versions["2026-07-01"]), check=PASS)
    assert snapshot(layout) == before
    assert not list(tmp_path.glob(".generate-update-*"))


def test_failing_tests_put_everything_back(tmp_path: Path, versions: dict[str, Path]) -> None:
    layout = make_layout(tmp_path, versions["2026-08-07"].read_bytes())
    before = snapshot(layout)
    with pytest.raises(ToolchainError, match=r"tests failed.*put back"):
        run(layout, origin=str(versions["current"]), check=(sys.executable, "-c", "raise SystemExit(3)"))
    assert snapshot(layout) == before
