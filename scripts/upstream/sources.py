"""The committed list of upstream sources (`spec/sources.yaml`): the document and documentation pages."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scripts.core.errors import ToolchainError
from scripts.core.yamlio import YAMLError, load_yaml


@dataclass(frozen=True)
class Source:
    """One upstream file: where it lives (`url`) and its name in the cache and in mirrors (`file`)."""

    kind: str  # "document" or "page"
    url: str
    file: str


def load_sources(path: Path) -> list[Source]:
    """Read `spec/sources.yaml`: an optional `document` and an optional list of `pages`."""
    try:
        raw: Any = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as exc:
        raise ToolchainError(f"cannot read sources file {path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise ToolchainError(f"{path}: expected a mapping with 'document' and/or 'pages'")
    sources: list[Source] = []
    if raw.get("document") is not None:
        sources.append(_source("document", raw["document"], path))
    for entry in raw.get("pages") or []:
        sources.append(_source("page", entry, path))
    if not sources:
        raise ToolchainError(f"{path}: declares no source; add a 'document' or 'pages'")
    names = [s.file for s in sources]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ToolchainError(f"{path}: file names must be unique, repeated: {', '.join(duplicates)}")
    return sources


def _source(kind: str, entry: Any, path: Path) -> Source:
    if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
        raise ToolchainError(f"{path}: each {kind} needs a 'url' (and optionally a 'file')")
    url: str = entry["url"]
    file = entry.get("file") or url.rstrip("/").rsplit("/", 1)[-1]
    if not isinstance(file, str) or file.startswith("/") or ".." in Path(file).parts:
        raise ToolchainError(f"{path}: {kind} file name {file!r} must be a relative path")
    return Source(kind=kind, url=url, file=file)
