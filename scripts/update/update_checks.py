"""Which checks `nox -s update` runs on a staged update: those the new spec can break, in parallel.

The whole suite took most of an update's time, and most of it checks code the spec does not
shape (the runtime policies, the form encoder, the toolchain's own units). By default the update
runs, on every core (`pytest -n auto`):

- the tests of the patched document and of generation (`SPEC_TESTS`; but for `DESELECTED`, which
  no spec change can break), with the client the update built (each pytest worker built its own);
- the contract cells (request, response, malformed response, mock end to end) of every operation
  whose patched operation, or a component it references, changed;
- the same cells for a fixed sample of the unchanged operations (`SMOKE_OPERATIONS`), a smoke
  test of the rest.

Operations are matched by path and method; when the previous document no longer patches (the
changelog then compares unpatched views), every operation counts as changed.

`--full` runs the whole suite instead, `--check COMMAND` any command (run in the staging area);
`--jobs N` sets the number of pytest workers (`auto`: one per core).
"""

import json
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scripts.core.openapi_document import iter_operations, referenced_components

SPEC_TESTS = (
    "tests/patch/test_patched_document.py",
    "tests/generate/test_generate.py",
    "tests/generate/test_generate_noop.py",
    "tests/runtime/test_request_bodies.py",
)
# Left out by default: what no spec change can break, at the cost of a full generation.
DESELECTED = (
    # The skip-when-unchanged logic of `generate`; the update's own generation and
    # test_generate.py's rebuild already generate the new document.
    "tests/generate/test_generate_noop.py::test_unchanged_inputs_skip_then_force_regenerates",
)
CONTRACT_CELL_TESTS = (
    "tests/contract/test_request_conformance.py",
    "tests/contract/test_response_conformance.py",
    "tests/contract/test_mock_server.py",
)
SMOKE_OPERATIONS = 12
SELECTION_PLUGIN = "scripts.update.update_selection"
OPERATIONS_FILE = "update-operations.json"
PYTEST = (sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider")


def pytest_command(jobs: str) -> list[str]:
    """pytest on `jobs` workers (pytest-xdist's `-n`: `auto` is one per core, `0` runs in-process)."""
    return [*PYTEST, "-n", jobs]


def _fingerprint(document: dict[str, Any], operation: dict[str, Any]) -> str:
    """The operation with every component it reaches, as canonical JSON: equal means unchanged."""
    components = {
        f"{section}/{name}": document["components"][section][name]
        for section, name in referenced_components(document, operation)
    }
    return json.dumps([operation, components], sort_keys=True)


def changed_operations(old: dict[str, Any], new: dict[str, Any]) -> set[str]:
    """operationIds of the new document's operations that are new or differ from the old one's."""
    before = {(path, method): _fingerprint(old, op) for path, method, op in iter_operations(old)}
    return {
        str(op.get("operationId"))
        for path, method, op in iter_operations(new)
        if before.get((path, method)) != _fingerprint(new, op)
    }


def smoke_sample(unchanged: Sequence[str], size: int = SMOKE_OPERATIONS) -> list[str]:
    """An even spread of `size` unchanged operations (sorted, so the same on every run)."""
    ordered = sorted(unchanged)
    if len(ordered) <= size:
        return ordered
    step = len(ordered) / size
    return [ordered[int(index * step)] for index in range(size)]


def default_check(new: dict[str, Any], changed: set[str], stage: Path, jobs: str = "auto") -> list[str]:
    """The default command: spec tests, plus the contract cells of `changed` and of a smoke sample.

    The selected operationIds are written to `stage/OPERATIONS_FILE`, where the selection plugin
    (`scripts/update/update_selection.py`) reads them.
    """
    all_operations = [str(op.get("operationId")) for _, _, op in iter_operations(new)]
    selected = sorted(changed) + smoke_sample([o for o in all_operations if o not in changed])
    operations_file = stage / OPERATIONS_FILE
    operations_file.write_text(json.dumps(selected, indent=2) + "\n", encoding="utf-8")
    return [
        *pytest_command(jobs),
        "-p",
        SELECTION_PLUGIN,
        f"--update-operations={operations_file}",
        *(f"--deselect={test}" for test in DESELECTED),
        *SPEC_TESTS,
        *CONTRACT_CELL_TESTS,
    ]


def full_check(jobs: str = "auto") -> list[str]:
    return pytest_command(jobs)


def parse_check(command: str) -> list[str]:
    """`--check COMMAND`: split as a shell would, and refuse an empty one."""
    words = shlex.split(command)
    if not words:
        raise ValueError("--check needs a command, e.g. --check 'python -m pytest -q tests/test_generate.py'")
    return words
