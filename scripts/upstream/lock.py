"""The committed lock (`spec/lock.json`): what was fetched, its hash, and what the patch step built."""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from scripts.core.errors import ToolchainError
from scripts.core.jsonio import dump_json, sha256_hex, write_atomic
from scripts.upstream.sources import Source


@dataclass(frozen=True)
class LockedFile:
    url: str
    sha256: str
    size: int
    fetched: str  # ISO date (UTC) of the fetch that produced this hash


@dataclass
class Lock:
    """Keyed by cache file name; `patched` describes the last `spec/build/openapi.json`."""

    sources: dict[str, LockedFile] = field(default_factory=dict)
    patched: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> bytes:
        return dump_json(
            {
                "sources": {name: asdict(entry) for name, entry in sorted(self.sources.items())},
                "patched": self.patched,
            }
        )


def read_lock(path: Path) -> Lock:
    """Read the lock; a missing lock is an empty one (the first fetch must be an update)."""
    if not path.exists():
        return Lock()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        sources = {name: LockedFile(**entry) for name, entry in raw.get("sources", {}).items()}
        return Lock(sources=sources, patched=dict(raw.get("patched", {})))
    except (OSError, ValueError, TypeError) as exc:
        raise ToolchainError(f"cannot read lock file {path}: {exc}; restore it from git") from exc


def write_lock(path: Path, lock: Lock) -> None:
    write_atomic(path, lock.to_json())


def cache_problem(source: Source, lock: Lock, cache_dir: Path) -> str | None:
    """Why the cached copy of `source` cannot be used (missing, or not the locked bytes), if so."""
    cached = cache_dir / source.file
    if not cached.is_file():
        return f"{cached} is missing"
    locked = lock.sources.get(source.file)
    if locked is None or sha256_hex(cached.read_bytes()) != locked.sha256:
        return f"{cached} does not match spec/lock.json"
    return None
