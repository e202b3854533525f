"""Shared fixtures: where the spec mirror is, and the patched document."""

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from mirror import mirror_dir
from prebuilt_client import PREBUILT_ENV, RECORDS, reusable

from scripts.core import paths
from scripts.generate.generate_client import build_client

# Override modules have no package here (they land in the generated `cekura_client`): tests import
# them by module name, as mypy names them (`import form_encoding`).
sys.path.insert(0, str(paths.ROOT / "overrides" / "cekura_client"))


CONTRACT_DIR = Path(__file__).parent / "contract"
# Fixtures that generate the full client from the patched document (a quarter of a minute or more).
CLIENT_BUILDS = frozenset({"generated_project"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its tier, so `-m "not contract and not client_build"` runs the fast one."""
    for item in items:
        if item.path.is_relative_to(CONTRACT_DIR):
            item.add_marker(pytest.mark.contract)
        if CLIENT_BUILDS & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.client_build)


def pytest_configure(config: pytest.Config) -> None:
    from contract import report_plugin  # imported here: the contract tests' own modules load lazily

    config.pluginmanager.register(report_plugin, "contract-report")


@pytest.fixture(scope="session")
def mirror() -> Path:
    path = mirror_dir()
    if not (path / "openapi.json").is_file():
        pytest.skip(f"spec mirror not found at {path} (set CEKURA_SPEC_MIRROR to a directory)")
    return path


@pytest.fixture(scope="session")
def patched_document() -> dict[str, Any]:
    """The output of `nox -s patch` (the tests session runs it before pytest)."""
    if not paths.PATCHED_DOCUMENT.is_file():
        pytest.fail(f"{paths.PATCHED_DOCUMENT} is missing: run the tests through `nox -s tests`")
    document: dict[str, Any] = json.loads(paths.PATCHED_DOCUMENT.read_text("utf-8"))
    return document


@pytest.fixture(scope="session")
def generated_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The client built once per test run from the patched document, importable as `cekura_client`.

    Built into a temporary directory rather than read from `generated/`, so the tests check what
    the current templates and overrides produce; a copy of the tree `nox -s update` names in
    `CEKURA_PREBUILT_CLIENT` when that is what they produce (`tests/prebuilt_client.py`).
    """
    if not paths.PATCHED_DOCUMENT.is_file():
        pytest.fail(f"{paths.PATCHED_DOCUMENT} is missing: run the tests through `nox -s tests`")
    output = tmp_path_factory.mktemp("client") / "generated"
    prebuilt = os.environ.get(PREBUILT_ENV)
    if prebuilt and reusable(Path(prebuilt)):
        # As `build_client` writes it: without `generate`'s fingerprint and manifest.
        shutil.copytree(prebuilt, output, ignore=shutil.ignore_patterns("__pycache__", *RECORDS))
    else:
        run = build_client(paths.PATCHED_DOCUMENT, output)
        assert run.warnings == [], run.warnings
    sys.path.insert(0, str(output))
    return output
