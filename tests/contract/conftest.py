"""Fixtures for the contract tests: the generated client, the mock server and the Django app."""

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


@pytest.fixture(scope="session")
def django_app(client_package: Path) -> Iterator[str]:
    """The Django REST framework app that routes every operation of the patched document and answers
    with what it read (`spec_routes.py`), on a free loopback port; yields its base URL."""
    from drf_server import serve
    from spec_routes import operation_urlconf

    with serve(operation_urlconf(spec.index())) as base_url:
        yield base_url


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The `schemathesis run` test first: in full it is the longest (about 10 minutes), so under
    xdist one worker starts it while the others share the rest, instead of it running alone at the end."""
    items.sort(key=lambda item: item.path.name != "test_schemathesis_cli.py")
