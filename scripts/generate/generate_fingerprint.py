"""What a generation depends on, hashed, so `nox -s generate` can skip when nothing changed.

The fingerprint covers every input that shapes the output: the patched document, the custom
templates, the overrides, the generator config, the generation step's own code, and the versions
of openapi-python-client and of ruff (its post hooks format the output). It is stored in the
generated tree (`generated/.inputs.json`), written before the new tree is swapped in, so a failed
run never leaves a fingerprint that claims an up-to-date client.
"""

import hashlib
import json
from importlib import metadata
from pathlib import Path

from scripts.core.errors import ToolchainError

FINGERPRINT_FILE = ".inputs.json"
VERSIONED_TOOLS = ("openapi-python-client", "ruff")


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


def current_inputs(
    document: Path, templates: Path, overrides: Path, config: Path, step: Path
) -> dict[str, str]:
    """The digest of each input, keyed by a name a person can act on when it changed."""
    if not document.is_file():
        raise ToolchainError(f"{document} is missing; run `nox -s patch` first")
    inputs = {
        "patched document": file_digest(document),
        "templates": tree_digest(templates),
        "overrides": tree_digest(overrides),
        "generator config": file_digest(config),
        "generation step": file_digest(step),
    }
    inputs.update({f"{tool} version": tool_version(tool) for tool in VERSIONED_TOOLS})
    return inputs


def stored_inputs(tree: Path, name: str = FINGERPRINT_FILE) -> dict[str, str]:
    """The fingerprint saved in `tree`; empty when there is none or it is unreadable (rebuild)."""
    try:
        stored = json.loads((tree / name).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(stored, dict):
        return {}
    return {str(key): str(value) for key, value in stored.items()}


def changed_inputs(stored: dict[str, str], current: dict[str, str]) -> list[str]:
    """The names of the inputs whose digest differs (all of them when nothing was stored)."""
    return [name for name, digest in current.items() if stored.get(name) != digest]


def write_inputs(tree: Path, inputs: dict[str, str]) -> None:
    (tree / FINGERPRINT_FILE).write_text(json.dumps(inputs, indent=2) + "\n", encoding="utf-8")
