"""Deterministic JSON and atomic file writes: a crash or bad input never leaves a half-written file."""

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any


def dump_json(value: Any) -> bytes:
    """Serialise with key order kept, a fixed indent and a trailing newline, so output diffs cleanly."""
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`."""
    write_all_atomic({path: data})


def write_all_atomic(files: dict[Path, bytes]) -> None:
    """Write several files so that a failure while preparing them changes none.

    All temporary files are written first; only then are they renamed into place.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((tmp_name, path))
            with os.fdopen(fd, "wb") as tmp:
                tmp.write(data)
                tmp.flush()
                os.fsync(tmp.fileno())
        for tmp_name, path in staged:
            os.replace(tmp_name, path)
    finally:
        for tmp_name, _ in staged:
            Path(tmp_name).unlink(missing_ok=True)
