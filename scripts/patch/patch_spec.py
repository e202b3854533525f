"""`nox -s patch`: repair the locked upstream document into `spec/build/openapi.json`.

Steps, in order: verify the cached upstream against the lock; apply `spec/overlays/*.yaml` in
file-name order; run the normalizers in `NORMALIZERS` order; write the patched document and a
report of what each patch changed, together, only if every step succeeded. The patched
document's hash is recorded in the lock; `--locked` instead fails when it differs, which is
how CI proves the committed lock reproduces.

When nothing the patch depends on changed (the locked upstream files, `spec/sources.yaml`, the
overlays, the code of the layers of `scripts/` the step runs (`PATCH_LAYERS`) and the versions of
the libraries that parse overlays) and the built document still has the lock's hash, the step says
so and writes nothing: most of a no-op regeneration was this step redoing the same work. `--force`
patches anyway.
"""

import argparse
import copy
import json
import platform
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scripts.core import paths
from scripts.core.errors import PatchError, ToolchainError
from scripts.core.fingerprint import (
    changed_inputs,
    file_digest,
    inputs_json,
    stored_inputs,
    tool_version,
    tree_digest,
)
from scripts.core.jsonio import dump_json, sha256_hex, write_all_atomic
from scripts.core.openapi_document import iter_operations
from scripts.patch.normalizers import (
    api_key_scope,
    dedupe_type_lists,
    deprecation_notes,
    drop_invalid_examples,
    hoist_inline_schemas,
    nullable_to_type_union,
    one_of_with_any_member,
    operation_names,
    operation_references,
    prune_unreferenced,
    resource_tags,
    strip_vendor_extensions,
    write_only_not_required,
)
from scripts.patch.overlay import apply_overlays
from scripts.patch.page_drift import page_differences
from scripts.patch.page_drift import report_lines as page_report_lines
from scripts.upstream.assemble_pages import assemble_pages
from scripts.upstream.lock import Lock, cache_problem, read_lock
from scripts.upstream.sources import Source, load_sources

Normalizer = Callable[[dict[str, Any]], list[str]]

INPUTS_FILE = ".patch-inputs.json"
# The packages of scripts/ the patch step imports: a change elsewhere (bench, generate, ...) cannot
# change the patched document, so it does not re-patch.
PATCH_LAYERS = ("core", "upstream", "patch")
VERSIONED_LIBRARIES = ("jsonpath-rfc9535", "ruamel.yaml")

NORMALIZERS: tuple[tuple[str, Normalizer], ...] = (
    ("strip_vendor_extensions", strip_vendor_extensions.normalize),
    ("dedupe_type_lists", dedupe_type_lists.normalize),
    ("nullable_to_type_union", nullable_to_type_union.normalize),
    ("one_of_with_any_member", one_of_with_any_member.normalize),
    ("write_only_not_required", write_only_not_required.normalize),
    ("prune_unreferenced", prune_unreferenced.normalize),
    ("operation_references", operation_references.normalize),
    ("operation_names", operation_names.normalize),
    ("resource_tags", resource_tags.normalize),
    ("deprecation_notes", deprecation_notes.normalize),
    ("hoist_inline_schemas", hoist_inline_schemas.normalize),
    ("drop_invalid_examples", drop_invalid_examples.normalize),
)


@dataclass(frozen=True)
class PatchResult:
    document: dict[str, Any]
    report: list[str]


def patch_document(
    upstream: dict[str, Any],
    overlay_files: Sequence[Path],
    normalizers: Sequence[tuple[str, Normalizer]] = NORMALIZERS,
    scope: str | None = None,
) -> PatchResult:
    """Apply the scope (the security scheme the client uses, if any), overlays, then normalizers,
    to a copy of `upstream`."""
    document = copy.deepcopy(upstream)
    report = []
    if scope is not None:
        report += ["## Scope", "", *(f"- {line}" for line in api_key_scope.normalize(document, scope)), ""]
    report += ["## Overlays", ""]
    report += [f"- {line}" for line in apply_overlays(document, overlay_files)]
    report += ["", "## Normalizers", ""]
    for name, normalize in normalizers:
        lines = normalize(document)
        report += [f"- {name}: {line}" for line in lines] or [f"- {name}: nothing to change"]
    return PatchResult(document=document, report=report)


def check_cache(sources: Sequence[Source], lock: Lock, cache_dir: Path) -> None:
    """Every cached file must match the lock, so a patch never runs on an unreviewed upstream."""
    for source in sources:
        problem = cache_problem(source, lock, cache_dir)
        if problem:
            raise ToolchainError(f"{problem}; run `nox -s fetch` to restore it")


def load_upstream(sources: Sequence[Source], lock: Lock, cache_dir: Path) -> dict[str, Any]:
    """The upstream document, once the cache is checked against the lock."""
    check_cache(sources, lock, cache_dir)
    return read_upstream(sources, cache_dir)


def read_upstream(sources: Sequence[Source], cache_dir: Path) -> dict[str, Any]:
    """The cached monolithic document if declared, else the pages assembled."""
    documents = [s for s in sources if s.kind == "document"]
    if documents:
        loaded: dict[str, Any] = json.loads((cache_dir / documents[0].file).read_text("utf-8"))
        return loaded
    pages = [(s.file, (cache_dir / s.file).read_text("utf-8")) for s in sources]
    return assemble_pages(sorted(pages))


def summary(document: dict[str, Any]) -> list[str]:
    operations = [op for _, _, op in iter_operations(document)]
    tags = {tag for op in operations for tag in op.get("tags", [])}
    schemas = document.get("components", {}).get("schemas", {})
    return [
        f"- operations: {len(operations)} in {len(document.get('paths', {}))} paths",
        f"- resource tags: {len(tags)}",
        f"- component schemas: {len(schemas)}",
    ]


@dataclass(frozen=True)
class PatchLayout:
    """Where the patch step reads and writes (the repository's `spec/` unless a test says otherwise)."""

    sources_file: Path = paths.SOURCES_FILE
    lock_file: Path = paths.LOCK_FILE
    cache_dir: Path = paths.UPSTREAM_DIR
    overlays_dir: Path = paths.OVERLAYS_DIR
    output: Path = paths.PATCHED_DOCUMENT
    report_file: Path = paths.PATCH_REPORT
    toolchain_dirs: tuple[Path, ...] = tuple(paths.ROOT / "scripts" / layer for layer in PATCH_LAYERS)

    @property
    def inputs_file(self) -> Path:
        """The digests of the inputs the built document was made from, beside it."""
        return self.output.parent / INPUTS_FILE


def patch_inputs(layout: PatchLayout, lock: Lock) -> dict[str, str]:
    """The digest of each input of the patch step, keyed by a name a person can act on."""
    locked_sources = {name: locked.sha256 for name, locked in lock.sources.items()}
    inputs = {
        "locked upstream": sha256_hex(json.dumps(locked_sources, sort_keys=True).encode()),
        "sources file": file_digest(layout.sources_file),
        "overlays": tree_digest(layout.overlays_dir),
        "python version": platform.python_version(),
    }
    inputs.update({f"scripts/{d.name} code": tree_digest(d) for d in layout.toolchain_dirs})
    inputs.update({f"{name} version": tool_version(name) for name in VERSIONED_LIBRARIES})
    return inputs


def up_to_date(layout: PatchLayout, lock: Lock, inputs: dict[str, str]) -> bool:
    """True when the built document was made from `inputs` and still has the lock's hash."""
    if changed_inputs(stored_inputs(layout.inputs_file), inputs):
        return False
    if not (layout.output.is_file() and layout.report_file.is_file()):
        return False
    data = layout.output.read_bytes()
    return lock.patched == {"sha256": sha256_hex(data), "size": len(data)}


def run(
    layout: PatchLayout = PatchLayout(),
    *,
    locked: bool = False,
    force: bool = False,
    strict_pages: bool = False,
) -> PatchResult | None:
    """Patch the cached upstream; write the document, report and lock only if all steps pass.

    None when nothing changed since the last patch (see the module docstring) and not `force`.
    """
    lock = read_lock(layout.lock_file)
    sources = load_sources(layout.sources_file)
    check_cache(sources, lock, layout.cache_dir)
    inputs = patch_inputs(layout, lock)
    if not force and up_to_date(layout, lock, inputs):
        return None
    upstream = read_upstream(sources, layout.cache_dir)
    differences = page_differences(sources, layout.cache_dir, upstream)
    if strict_pages and differences:
        raise PatchError(
            f"{len(differences)} page(s) differ from the document (--strict-pages): " + "; ".join(differences)
        )
    result = patch_document(
        upstream,
        sorted(layout.overlays_dir.glob("*.yaml")),
        scope=api_key_scope.load_scope(layout.sources_file),
    )
    data = dump_json(result.document)
    digest = sha256_hex(data)
    patched = {"sha256": digest, "size": len(data)}
    if locked and lock.patched != patched:
        raise PatchError(
            f"the patched document (sha256 {digest[:16]}…) differs from the lock's "
            f"({str(lock.patched.get('sha256', 'none'))[:16]}…); run `nox -s patch` and commit "
            "spec/lock.json"
        )
    report = [
        "# Patch report",
        "",
        f"Patched document sha256 `{digest}`.",
        "",
        *summary(result.document),
        "",
        *page_report_lines(sources, differences),
        *result.report,
    ]
    files = {
        layout.output: data,
        layout.report_file: ("\n".join(report) + "\n").encode("utf-8"),
        layout.inputs_file: inputs_json(inputs),
    }
    if lock.patched != patched:
        files[layout.lock_file] = Lock(sources=lock.sources, patched=patched).to_json()
    write_all_atomic(files)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nox -s patch --", description=__doc__)
    parser.add_argument(
        "--locked", action="store_true", help="fail if the result differs from the lock's hash"
    )
    parser.add_argument("--force", action="store_true", help="patch even when no input changed")
    parser.add_argument(
        "--strict-pages", action="store_true", help="fail if a declared page differs from the document"
    )
    args = parser.parse_args(argv)
    try:
        result = run(
            locked=args.locked, force=args.force or args.strict_pages, strict_pages=args.strict_pages
        )
    except ToolchainError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if result is None:
        built = paths.PATCHED_DOCUMENT.relative_to(paths.ROOT)
        print(f"{built} is up to date: no input changed (`--force` patches anyway)")
        return 0
    print("\n".join(summary(result.document)))
    written = (paths.PATCHED_DOCUMENT, paths.PATCH_REPORT)
    print("wrote " + " and ".join(str(p.relative_to(paths.ROOT)) for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
