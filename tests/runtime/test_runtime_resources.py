"""The resource tree: every operation is `client.<resource>.<method>`, calling its module's function."""

import asyncio
import importlib
import inspect
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from scripts.core import paths
from scripts.core.openapi_document import iter_operations
from scripts.patch.normalizers.resource_tags import resource_tag

from .runtime_helpers import API_KEY
from .scripted_server import Reply, replies, serve

OPERATION_COUNT = 817


def operations() -> list[tuple[str, str]]:
    """(resource, operationId) of every operation of the patched document."""
    document = json.loads(paths.PATCHED_DOCUMENT.read_text("utf-8"))
    return [(resource_tag(path), str(op["operationId"])) for path, _, op in iter_operations(document)]


def sentinel_arguments(function: Any) -> tuple[list[object], dict[str, object]]:
    """A distinct object for every parameter but `self`/`client`: positional ones, keyword ones."""
    positional: list[object] = []
    keywords: dict[str, object] = {}
    for name, parameter in inspect.signature(function).parameters.items():
        if name in ("self", "client"):
            continue
        value = object()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            keywords[name] = value
        else:
            positional.append(value)
    return positional, keywords


def recorders(seen: list[Any]) -> tuple[Any, Any]:
    """Stand-ins for a module's `sync` and `asyncio` that record how they were called."""

    def record(*args: object, **kwargs: object) -> object:
        seen.append(("sync", args, kwargs))
        return "result"

    async def arecord(*args: object, **kwargs: object) -> object:
        seen.append(("asyncio", args, kwargs))
        return "result"

    return record, arecord


def test_every_operation_is_a_method_that_calls_its_module(
    cekura: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Walks all 817: the method exists on both clients, has the module's parameters, and passes
    each argument unchanged, with the client, to the module's `sync` (or `asyncio`)."""
    resource_call = importlib.import_module("cekura_client.resource_call")
    client = cekura.Cekura(api_key=API_KEY, base_url="http://127.0.0.1:9")
    async_client = cekura.AsyncCekura(api_key=API_KEY, base_url="http://127.0.0.1:9")
    walked = 0
    for resource, operation in operations():
        module = importlib.import_module(f"cekura_client.api.{resource}.{operation}")
        method_name = operation.removeprefix(f"{resource}_")
        method = getattr(getattr(client, resource), method_name)
        async_method = getattr(getattr(async_client, resource), method_name)
        expected = [n for n in inspect.signature(module.sync).parameters if n != "client"]
        assert list(inspect.signature(method).parameters) == expected, operation
        assert list(inspect.signature(async_method).parameters) == expected, operation
        positional, keywords = sentinel_arguments(method)
        seen: list[tuple[str, tuple[object, ...], dict[str, object]]] = []

        record, arecord = recorders(seen)
        monkeypatch.setattr(module, "sync", record)
        monkeypatch.setattr(module, "asyncio", arecord)
        monkeypatch.setattr(resource_call, "as_body", lambda body, model: body)
        assert method(*positional, **keywords) == "result"
        assert asyncio.run(async_method(*positional, **keywords)) == "result"
        names = [n for n in expected if n not in keywords]
        passed = dict(zip(names, positional, strict=True)) | keywords
        assert seen == [
            ("sync", (), passed | {"client": client}),
            ("asyncio", (), passed | {"client": async_client}),
        ], operation
        monkeypatch.undo()
        walked += 1
    assert walked == OPERATION_COUNT


def test_a_resource_method_sends_the_request_and_returns_the_model(cekura: ModuleType) -> None:
    with serve(replies(Reply(200, {"id": 5, "category": "latency"}))) as server:
        client = cekura.Cekura(api_key=API_KEY, base_url=server.url)
        category = client.critical_metric_categories.external_retrieve(5)
        seen = server.requests[0]
    assert (category.id, category.category) == (5, "latency")
    assert (seen.method, seen.path) == ("GET", "/test_framework/v1/critical-metric-categories-external/5/")


def test_the_clients_are_the_generated_client(cekura: ModuleType) -> None:
    client = cekura.Cekura(api_key=API_KEY)
    assert isinstance(client, cekura.AuthenticatedClient)
    assert isinstance(cekura.AsyncCekura(api_key=API_KEY), cekura.AuthenticatedClient)
    assert API_KEY not in repr(client)
    with pytest.raises(ValueError, match="no Cekura API key"):
        cekura.AsyncCekura(api_key="")


def test_the_tree_is_loaded_lazily(generated_project: Path) -> None:
    """Importing the package and making a client imports no resource and no endpoint module."""
    code = (
        "import sys, cekura_client\n"
        "client = cekura_client.Cekura(api_key='k')\n"
        "prefixes = ('cekura_client.resources.', 'cekura_client.api.')\n"
        "ours = lambda: sorted(m for m in sys.modules if m.startswith(prefixes))\n"
        "before = ours()\n"
        "client.scenarios\n"
        "after = ours()\n"
        "print(before, after)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=generated_project, capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == "[] ['cekura_client.resources.scenarios']"
