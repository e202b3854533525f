"""A pytest plugin: the mock Cekura API on a free loopback port for the test session, and a client for it.

Load it with `pytest -p scripts.mock_server.pytest_plugin` (or `pytest_plugins =
["scripts.mock_server.pytest_plugin"]` in a conftest). Fixtures:

- `cekura_mock` (session): the running mock, a `MockServer`: `base_url`, `api_key`, `reset()`,
  `add_fault("GET /test_framework/*: 503 x2")`, `requests()` (how many requests each
  `METHOD /path/` received) and `faults()` (how many got a fault).
- `cekura_base_url` (session): the mock's base URL.
- `cekura_client`: `Cekura(api_key=..., base_url=...)` for the mock, the mock reset to its
  seeded state first, so each test starts from the same objects.

Options: `--cekura-mock-seed N`, `--cekura-mock-items N`, `--cekura-mock-run-seconds S`,
`--cekura-mock-spec PATH` (the patched document; default `spec/build/openapi.json`), and
`--cekura-client-package NAME` for a client vendored under another import name
(`nox -s vendor -- DEST --package NAME`).
"""

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scripts.core import paths

from .app import MockApp
from .behaviour import Settings
from .openapi_index import OpenApiIndex
from .serve import RunningMock, running_mock

API_KEY = "mock-test-key"
DEFAULT_PACKAGE = "cekura_client"


class MockServer:
    """The session's mock: where it listens, the key it accepts, and its state, faults and counts."""

    def __init__(self, app: MockApp, running: RunningMock) -> None:
        self.app = app
        self.base_url = running.base_url
        self.api_key = API_KEY

    def reset(self) -> None:
        """The seeded objects again, the start rules only, every count at 0."""
        self.app.reset()

    def add_fault(self, rule: str) -> None:
        """A fault rule, `METHOD PATH-PATTERN: FAULT` (see `scripts/mock_server/faults.py`)."""
        self.app.faults.add(rule)

    def requests(self, label: str) -> int:
        """Requests received for `label` (`"GET /test_framework/v1/runs/"`), retries included."""
        return self.app.faults.requests[label]

    def faults(self, label: str) -> int:
        """Requests for `label` that got a fault."""
        return self.app.faults.faults[label]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("cekura-mock", "the mock Cekura API")
    defaults = Settings()
    group.addoption("--cekura-mock-seed", type=int, default=0, help="seed of the mock's bodies (default 0)")
    group.addoption("--cekura-mock-items", type=int, default=defaults.items, help="objects per list")
    group.addoption(
        "--cekura-mock-run-seconds", type=float, default=defaults.job_seconds, help="seconds a run takes"
    )
    group.addoption("--cekura-mock-spec", type=Path, default=None, help="the patched OpenAPI document")
    group.addoption(
        "--cekura-client-package", default=DEFAULT_PACKAGE, help="import name of the client package"
    )


@pytest.fixture(scope="session")
def cekura_mock(pytestconfig: pytest.Config) -> Iterator[MockServer]:
    spec = pytestconfig.getoption("cekura_mock_spec") or paths.PATCHED_DOCUMENT
    if not Path(spec).is_file():
        pytest.fail(f"{spec} not found: run `nox -s patch` first, or pass --cekura-mock-spec PATH")
    settings = Settings(
        items=pytestconfig.getoption("cekura_mock_items"),
        job_seconds=pytestconfig.getoption("cekura_mock_run_seconds"),
    )
    app = MockApp(
        OpenApiIndex.from_path(Path(spec)),
        seed=pytestconfig.getoption("cekura_mock_seed"),
        api_keys=[API_KEY],
        settings=settings,
    )
    with running_mock(app) as running:
        yield MockServer(app, running)


@pytest.fixture(scope="session")
def cekura_base_url(cekura_mock: MockServer) -> str:
    return cekura_mock.base_url


@pytest.fixture
def cekura_client(cekura_mock: MockServer, pytestconfig: pytest.Config) -> Iterator[Any]:
    """A `Cekura()` client for the mock, which is reset first; closed after the test."""
    package = importlib.import_module(pytestconfig.getoption("cekura_client_package"))
    cekura_mock.reset()
    client = package.Cekura(api_key=cekura_mock.api_key, base_url=cekura_mock.base_url)
    with client:
        yield client
