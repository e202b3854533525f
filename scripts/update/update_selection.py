"""A pytest plugin for `nox -s update`: keep only the contract cells of the selected operations.

Loaded with `-p scripts.update_selection --update-operations=FILE` (FILE: a JSON list of
operationIds, written by `scripts/update/update_checks.py`). Tests parametrized with a contract `cell`
(anything with an `operation_id`) run only for the listed operations; every other test runs.
"""

import json
from pathlib import Path

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-operations",
        metavar="FILE",
        help="JSON list of operationIds whose contract cells run (the others are deselected)",
    )


def _operation_of(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    cell = callspec.params.get("cell") if callspec is not None else None
    operation = getattr(cell, "operation_id", None)
    return operation if isinstance(operation, str) else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    option = config.getoption("--update-operations")
    if not option:
        return
    selected = set(json.loads(Path(option).read_text("utf-8")))
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        operation = _operation_of(item)
        (dropped if operation is not None and operation not in selected else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
