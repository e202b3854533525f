"""A client tree the tests may use instead of building their own: the one `nox -s update` just built.

Building the full client takes a quarter of a minute or more, and under `pytest -n N` every
worker built its own: the update's checks built it three times after the update had built it
once. The update names its tree in `PREBUILT_ENV`; `generated_project` copies it when it is
exactly what the current inputs give (`reusable`), and builds its own otherwise.
"""

from pathlib import Path

from scripts.core import paths
from scripts.core.fingerprint import changed_inputs
from scripts.generate import generate_client
from scripts.generate.generate_client import GENERATOR_CONFIG, OVERRIDES_DIR, TEMPLATES_DIR
from scripts.generate.generate_fingerprint import FINGERPRINT_FILE, current_inputs, stored_inputs
from scripts.generate.generate_manifest import MANIFEST_FILE, tree_problems
from scripts.generate.sdk_surface import input_digests
from scripts.update.update_spec import PREBUILT_CLIENT_ENV as PREBUILT_ENV

__all__ = ["PREBUILT_ENV", "RECORDS", "repository_inputs", "reusable"]

RECORDS = (FINGERPRINT_FILE, MANIFEST_FILE)  # what `generate` adds to a tree `build_client` wrote


def repository_inputs() -> dict[str, str]:
    """The fingerprint `nox -s generate` gives a tree built now from this checkout."""
    step = Path(generate_client.__file__)
    return (
        current_inputs(paths.PATCHED_DOCUMENT, TEMPLATES_DIR, OVERRIDES_DIR, GENERATOR_CONFIG, step)
        | input_digests()
    )


def reusable(tree: Path) -> bool:
    """True if `tree` was generated from the current inputs and is unaltered since (its manifest)."""
    if not (tree / "cekura_client").is_dir():
        return False
    return not changed_inputs(stored_inputs(tree), repository_inputs()) and not tree_problems(tree)
