"""What a generation depends on, hashed, so `nox -s generate` can skip when nothing changed.

The fingerprint covers every input that shapes the output: the patched document, the custom
templates, the overrides, the generator config, the generation step's own code, the modules the
generator's process runs with (its entry point and the templates' data), and the versions
of openapi-python-client and of ruff (its post hooks format the output). It is stored in the
generated tree (`generated/.inputs.json`), written before the new tree is swapped in, so a failed
run never leaves a fingerprint that claims an up-to-date client.
"""

from pathlib import Path

from scripts.core import fingerprint
from scripts.core.errors import ToolchainError
from scripts.core.fingerprint import file_digest, tool_version, tree_digest

FINGERPRINT_FILE = ".inputs.json"
VERSIONED_TOOLS = ("openapi-python-client", "ruff")
# Run inside the generator's process: what the templates print is computed there, and the
# generator parses with `endpoint_sort`.
GENERATOR_PROCESS = tuple(
    Path(__file__).with_name(name) for name in ("generator_entry.py", "template_data.py", "endpoint_sort.py")
)


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
    inputs.update({f"generator process {path.name}": file_digest(path) for path in GENERATOR_PROCESS})
    inputs.update({f"{tool} version": tool_version(tool) for tool in VERSIONED_TOOLS})
    return inputs


def stored_inputs(tree: Path) -> dict[str, str]:
    """The fingerprint saved in the generated `tree`; empty when there is none or it is unreadable."""
    return fingerprint.stored_inputs(tree / FINGERPRINT_FILE)


def write_inputs(tree: Path, inputs: dict[str, str]) -> None:
    (tree / FINGERPRINT_FILE).write_bytes(fingerprint.inputs_json(inputs))
