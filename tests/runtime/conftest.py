"""Fixtures for the client runtime tests: the generated package, and retry waits recorded, not slept."""

import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .runtime_helpers import API_KEY, RecordedWaits


@pytest.fixture(scope="session")
def cekura(generated_project: Path) -> ModuleType:
    """The generated `cekura_client` package, overrides included."""
    return importlib.import_module("cekura_client")


@pytest.fixture
def waits() -> RecordedWaits:
    return RecordedWaits()


@pytest.fixture
def client_for(cekura: ModuleType, waits: RecordedWaits) -> Any:
    """`client_for(url, **options)`: a `Cekura` client for a loopback server that records its waits."""
    retries = importlib.import_module("cekura_client.retries")

    def make(url: str, **options: Any) -> Any:
        policy = retries.RetryPolicy(sleep=waits.sleep, async_sleep=waits.async_sleep)
        return cekura.Cekura(api_key=API_KEY, base_url=url, retry_policy=policy, **options)

    return make
