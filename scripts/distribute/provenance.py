"""What a copy of the client was built from: spec hashes and date, generator, project version and commit."""

import ast
import importlib.metadata
import subprocess
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from scripts.core import paths
from scripts.core.errors import ToolchainError
from scripts.upstream.lock import Lock
from scripts.upstream.sources import Source

GENERATOR = "openapi-python-client"


@dataclass(frozen=True)
class Provenance:
    spec_sha256: str  # the upstream document as locked
    spec_date: str  # the lock's date for it (when it was accepted)
    patched_sha256: str  # the patched document the client was generated from
    generator_version: str
    project_version: str
    project_commit: str

    def as_module(self) -> str:
        """A Python module holding the stamp as one dict literal, readable without importing it."""
        body = "\n".join(f"    {field.name!r}: {getattr(self, field.name)!r}," for field in fields(self))
        doc = '"""Where this copy of the Cekura client comes from (written by `nox -s vendor`)."""'
        return f"{doc}\n\nPROVENANCE = {{\n{body}\n}}\n"

    def stale_against(self, current: "Provenance") -> list[str]:
        """The fields that decide the generated code (spec, patch, generator) and differ from `current`."""
        keys = ("spec_sha256", "patched_sha256", "generator_version")
        return [
            f"{key} {getattr(self, key)[:16]} != {getattr(current, key)[:16]}"
            for key in keys
            if getattr(self, key) != getattr(current, key)
        ]


def read_provenance(module: Path) -> Provenance:
    """Parse a stamp written by `as_module`; a missing or altered one is an error saying so."""
    try:
        tree = ast.parse(module.read_text("utf-8"))
        assignment = next(
            n for n in tree.body if isinstance(n, ast.Assign) and ast.unparse(n.targets[0]) == "PROVENANCE"
        )
        return Provenance(**ast.literal_eval(assignment.value))
    except (OSError, SyntaxError, StopIteration, ValueError, TypeError) as exc:
        raise ToolchainError(
            f"{module}: no readable provenance stamp ({type(exc).__name__}); vendor the client again"
        ) from exc


def project_commit(root: Path = paths.ROOT) -> str:
    """The checked-out commit, or `unknown` outside a git work tree."""
    try:
        completed = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=False
        )
    except OSError:
        return "unknown"
    return completed.stdout.strip() if completed.returncode == 0 else "unknown"


def current_provenance(lock: Lock, sources: list[Source], commit: str) -> Provenance:
    """The stamp for a client generated now from the locked, patched document."""
    document = next((s.file for s in sources if s.kind == "document"), None)
    locked = lock.sources.get(document or "")
    if locked is None or not lock.patched.get("sha256"):
        raise ToolchainError(
            "spec/lock.json has no locked document or patched hash; run `nox -s patch` first"
        )
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    return Provenance(
        spec_sha256=locked.sha256,
        spec_date=locked.fetched,
        patched_sha256=str(lock.patched["sha256"]),
        generator_version=importlib.metadata.version(GENERATOR),
        project_version=str(project["version"]),
        project_commit=commit,
    )
