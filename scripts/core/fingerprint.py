"""Digests of a step's inputs, so `nox -s patch` and `nox -s generate` can skip when none changed.

A step stores the digest of each input, keyed by a name a person can act on, beside its output;
the next run compares them with the current ones and names those that changed.
"""

import hashlib
import json
from importlib import metadata
from pathlib import Path


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_digest(root: Path) -> str:
    """One hash over every file's relative path and bytes, so a rename or an edit both count."""
    digest = hashlib.sha256()
    files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def tool_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def stored_inputs(file: Path) -> dict[str, str]:
    """The digests saved in `file`; empty when there is none or it is unreadable (redo the step)."""
    try:
        stored = json.loads(file.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(stored, dict):
        return {}
    return {str(key): str(value) for key, value in stored.items()}


def changed_inputs(stored: dict[str, str], current: dict[str, str]) -> list[str]:
    """The names of the inputs whose digest differs (all of them when nothing was stored)."""
    return [name for name, digest in current.items() if stored.get(name) != digest]


def inputs_json(inputs: dict[str, str]) -> bytes:
    """How the digests are stored: the file `stored_inputs` reads."""
    return (json.dumps(inputs, indent=2) + "\n").encode("utf-8")
