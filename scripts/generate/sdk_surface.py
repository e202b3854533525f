"""The post-generation step: what the generated package gets beyond the generator's output.

Written from the patched document and the generated endpoint modules, into the package:
- the resource tree of `Cekura()` and `AsyncCekura()` (`scripts/generate/resource_tree.py`);
- `deprecated_operations.py`: each deprecated operation and what to use instead
  (`scripts/patch/deprecations.py`);
- `wait_rules.py`: when a polled operation is done, from its response's enum
  (`scripts/generate/wait_states.py`);
- `api.md`: every operation, by resource (`scripts/generate/api_reference.py`);
- `non_blank_fields.py`: the form body properties whose schema forbids a blank string
  (`scripts/generate/non_blank_fields.py`);
- the project's `README.md` (the wheel's description): the package's `README.md`, from `overrides/`.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from scripts.core.errors import ToolchainError
from scripts.core.fingerprint import file_digest
from scripts.generate import api_reference, non_blank_fields, resource_tree, wait_states
from scripts.patch import deprecations

STEPS = (
    *(
        Path(m.__file__ or "")
        for m in (resource_tree, deprecations, wait_states, api_reference, non_blank_fields)
    ),
    Path(__file__),
)
HEADER = resource_tree.HEADER


def write_sdk_surface(package: Path, document_path: Path) -> int:
    """Write everything above into `package`; return the number of resource methods."""
    document: dict[str, Any] = json.loads(document_path.read_text(encoding="utf-8"))
    notices = deprecations.notices(document)
    (package / "deprecated_operations.py").write_text(deprecated_table(notices), encoding="utf-8")
    rules = wait_states.render(wait_states.wait_rules(document))
    (package / "wait_rules.py").write_text(HEADER + rules, encoding="utf-8")
    blank_rules = non_blank_fields.render(non_blank_fields.non_blank_table(package, document))
    (package / "non_blank_fields.py").write_text(HEADER + blank_rules, encoding="utf-8")
    resources = resource_tree.build_tree(package, document, notices)
    count = resource_tree.write_tree(package, resources)
    (package / "api.md").write_text(api_reference.render(resources, notices), encoding="utf-8")
    format_python(package.parent, [f"{package.name}/resources", f"{package.name}/resource_client.py"])
    readme = package / "README.md"  # from overrides/: the package's own, also the wheel's description
    if readme.is_file():
        (package.parent / "README.md").write_text(readme.read_text(encoding="utf-8"), encoding="utf-8")
    return count


def format_python(project: Path, targets: list[str]) -> None:
    """Fix what ruff fixes in `targets` (unused and unsorted imports), with the project's settings.

    Not `ruff format`: it would put each parameter of the 1,634 one-line signatures on its own line
    (0.3 MB more).
    """
    ruff = Path(sys.executable).parent / "ruff"
    command = [str(ruff) if ruff.exists() else "ruff", "check", "--fix-only", "--quiet"]
    env = {**os.environ, "RUFF_NO_CACHE": "true"}
    completed = subprocess.run(
        [*command, *targets], cwd=project, capture_output=True, text=True, check=False, env=env
    )
    if completed.returncode != 0:
        output = (completed.stderr or completed.stdout).strip()
        raise ToolchainError(f"ruff failed on the resource tree: {output}")


def deprecated_table(notices: dict[str, str]) -> str:
    entries = "".join(f"    {name!r}: {text!r},\n" for name, text in notices.items())
    return (
        f'{HEADER}"""The deprecated operations (by module name) and what to use instead."""\n\n'
        f"DEPRECATED: dict[str, str] = {{\n{entries}}}\n"
    )


def input_digests() -> dict[str, str]:
    """The digests of this step's modules, for the no-op check of `nox -s generate`."""
    return {f"post-generation step {path.name}": file_digest(path) for path in STEPS}
