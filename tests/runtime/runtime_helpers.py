"""Shared by the runtime tests: the test key, calling an operation sync or async, recorded retry waits."""

import asyncio
import importlib
from types import ModuleType
from typing import Any

API_KEY = "ck-test-4c1d9e"
MODES = ["sync", "async"]
CATEGORIES = "cekura_client.api.critical_metric_categories.critical_metric_categories_external_"
CATEGORIES_PATH = "/test_framework/v1/critical-metric-categories-external/"
EMPTY_PAGE: dict[str, Any] = {"count": 0, "next": None, "previous": None, "results": []}


def operation(name: str) -> ModuleType:
    """A generated operation module of the critical metric categories resource: `list`, `create`, ..."""
    return importlib.import_module(CATEGORIES + name)


def call(mode: str, module: ModuleType, **arguments: Any) -> Any:
    """The detailed response of `module` called synchronously or in a fresh event loop."""
    if mode == "sync":
        return module.sync_detailed(**arguments)
    return asyncio.run(module.asyncio_detailed(**arguments))


class RecordedWaits:
    """Stands in for `time.sleep` and `asyncio.sleep` in a `RetryPolicy`: records each wait."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
