"""Deprecated operations warn once per calling line, naming the successor; the others do not warn."""

import asyncio
import importlib
import json
import warnings
from pathlib import Path
from types import ModuleType

from scripts.core import paths
from scripts.core.openapi_document import iter_operations
from scripts.patch.normalizers.resource_tags import resource_tag

from .runtime_helpers import API_KEY
from .scripted_server import Reply, replies, serve

PAGE: dict[str, object] = {"count": 0, "next": None, "previous": None, "results": []}
RUNS_NOTICE = "runs_list is deprecated: use `client.runs.list_v2` (`api.runs.runs_list_v2`)"


def test_exactly_the_deprecated_operations_warn_in_every_function(generated_project: Path) -> None:
    document = json.loads(paths.PATCHED_DOCUMENT.read_text("utf-8"))
    deprecated = set()
    warning = set()
    for path, _, operation in iter_operations(document):
        name = str(operation["operationId"])
        if operation.get("deprecated"):
            deprecated.add(name)
        source = (generated_project / "cekura_client" / "api" / resource_tag(path) / f"{name}.py").read_text()
        if source.count(f'warn_deprecated("{name}")') == 4:  # sync, sync_detailed, asyncio, asyncio_detailed
            warning.add(name)
        else:
            assert "warn_deprecated(" not in source, name
    assert len(deprecated) == 23
    assert warning == deprecated


def test_a_deprecated_method_warns_once_per_calling_line(cekura: ModuleType) -> None:
    with serve(replies(Reply(200, PAGE))) as server:
        client = cekura.Cekura(api_key=API_KEY, base_url=server.url)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")
            for _ in range(3):
                client.runs.list()  # one line, three calls: one warning
            client.runs.list()  # another line: another warning
            client.runs.list_v2()  # the successor: none
    assert [(str(w.message), w.category, w.filename) for w in caught] == [
        (RUNS_NOTICE, DeprecationWarning, __file__),
        (RUNS_NOTICE, DeprecationWarning, __file__),
    ]


async def awaited(cekura: ModuleType, runs_list: ModuleType, url: str) -> None:
    """The async forms, awaited from this file, as a caller's coroutine does."""
    client = cekura.AsyncCekura(api_key=API_KEY, base_url=url)
    await runs_list.asyncio(client=client)
    await runs_list.asyncio_detailed(client=client)
    await client.runs.list()


def test_the_module_functions_warn_at_the_caller_too(cekura: ModuleType) -> None:
    runs_list = importlib.import_module("cekura_client.api.runs.runs_list")
    with serve(replies(Reply(200, PAGE))) as server:
        client = cekura.Cekura(api_key=API_KEY, base_url=server.url)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            runs_list.sync(client=client)
            runs_list.sync_detailed(client=client)
            asyncio.run(awaited(cekura, runs_list, server.url))
    ours = [w for w in caught if w.category is DeprecationWarning]  # not the event loops' ResourceWarnings
    assert [(str(w.message), w.filename) for w in ours] == [(RUNS_NOTICE, __file__)] * 5, [
        (w.category, str(w.message)) for w in caught
    ]


def test_the_docstrings_say_so(cekura: ModuleType) -> None:
    runs_list = importlib.import_module("cekura_client.api.runs.runs_list")
    resources = importlib.import_module("cekura_client.resources.runs")
    notice = "Deprecated: use `client.runs.list_v2` (`api.runs.runs_list_v2`)."
    assert notice in (runs_list.sync_detailed.__doc__ or "")
    assert notice in (resources.RunsResource.list.__doc__ or "")
    assert "Deprecated" not in (resources.RunsResource.list_v2.__doc__ or "")
