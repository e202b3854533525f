"""The hash of every file `nox -s generate` wrote, so a no-op run can tell its output is intact.

The input fingerprint (`generate_fingerprint.py`) says whether a regeneration would give another
tree; this manifest says whether the tree on disk is still the one generated. A module edited by
hand, corrupted, deleted or added inside the package makes the next `generate` regenerate instead
of calling the tree up to date. Checking costs one read of the tree (about 6 MB).
"""

import hashlib
import json
from pathlib import Path

MANIFEST_FILE = ".manifest.json"
PACKAGE = "cekura_client"


def _package_files(tree: Path) -> list[Path]:
    """The package's files, without bytecode caches (importing or installing the tree adds those)."""
    return sorted(p for p in (tree / PACKAGE).rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def write_manifest(tree: Path) -> None:
    """Record the sha256 of every file of the package in `tree`."""
    hashes = {
        path.relative_to(tree).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in _package_files(tree)
    }
    (tree / MANIFEST_FILE).write_text(json.dumps(hashes, indent=0, sort_keys=True) + "\n", encoding="utf-8")


def tree_problems(tree: Path) -> list[str]:
    """How the package in `tree` differs from its manifest (empty: intact); a missing manifest is one."""
    try:
        recorded = json.loads((tree / MANIFEST_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return [f"no readable {MANIFEST_FILE}"]
    if not isinstance(recorded, dict):
        return [f"no readable {MANIFEST_FILE}"]
    present = {path.relative_to(tree).as_posix(): path for path in _package_files(tree)}
    problems = [f"{name} is missing" for name in sorted(recorded.keys() - present.keys())]
    problems += [f"{name} was added" for name in sorted(present.keys() - recorded.keys())]
    problems += [
        f"{name} was changed"
        for name in sorted(recorded.keys() & present.keys())
        if hashlib.sha256(present[name].read_bytes()).hexdigest() != recorded[name]
    ]
    return problems
