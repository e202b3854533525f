"""Where the tests find the offline spec mirror, and the mirror's document as the client sees it."""

import json
import os
from pathlib import Path
from typing import Any

from scripts.core import paths
from scripts.update.spec_view import keep_api_key_operations

__all__ = ["keep_api_key_operations", "load_api_key_document", "load_document", "mirror_dir"]


def mirror_dir() -> Path:
    """The offline mirror: CEKURA_SPEC_MIRROR when it is a directory, else ../shared/cekura-spec."""
    configured = os.environ.get("CEKURA_SPEC_MIRROR", "")
    if configured and not configured.startswith(("http://", "https://")):
        return Path(configured).resolve()
    return paths.ROOT.parent / "shared" / "cekura-spec"


def load_document(mirror: Path) -> dict[str, Any]:
    """A fresh parse of `mirror/openapi.json` (the mirror, or a copy of it such as spec/upstream).

    Parsed anew on every call, not cached and deep-copied: callers mutate the result, and for this
    3 MB document `json.loads` takes about half the time `copy.deepcopy` of the parsed one does.
    """
    document: dict[str, Any] = json.loads((mirror / "openapi.json").read_text("utf-8"))
    return document


def load_api_key_document(mirror: Path) -> dict[str, Any]:
    """`load_document`, narrowed to the operations the api_key client can call."""
    document = load_document(mirror)
    keep_api_key_operations(document)
    return document
