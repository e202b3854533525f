"""Fixtures for the contract tests: the generated client and the mock server."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from contract import spec
from scripts.mock_server.app import MockApp
from scripts.mock_server.serve import RunningMock, running_mock


@pytest.fixture(scope="session")
def client_package(generated_project: Path) -> Path:
    """The generated client is importable as `cekura_client` (built by the shared fixture)."""
    return generated_project


@pytest.fixture(scope="session")
def mock_server() -> Iterator[RunningMock]:
    """A mock server on a free loopback port, for the whole session; it accepts `spec.MOCK_API_KEY` only."""
    app = MockApp(spec.index(), seed=0, api_keys=[spec.MOCK_API_KEY])
    app.book.prepare()
    with running_mock(app) as server:
        yield server
