"""Where the tests find the offline spec mirror."""

import os
from pathlib import Path

from scripts import paths


def mirror_dir() -> Path:
    """The offline mirror: CEKURA_SPEC_MIRROR when it is a directory, else ../shared/cekura-spec."""
    configured = os.environ.get("CEKURA_SPEC_MIRROR", "")
    if configured and not configured.startswith(("http://", "https://")):
        return Path(configured).resolve()
    return paths.ROOT.parent / "shared" / "cekura-spec"
