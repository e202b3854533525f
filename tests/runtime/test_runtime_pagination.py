"""`paginate` and `apaginate` over a loopback server answering DRF pages."""

import asyncio
import importlib
import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from .runtime_helpers import API_KEY, MODES
from .scripted_server import Reply, Seen, serve

RUNS_PATH = "/test_framework/v1/runs/"
PAGES = 3
ELSEWHERE = "http://internal.invalid:8000"  # a `next` host the client must not follow
KEY_HEADER = "x-cekura-api-key"


@pytest.fixture(scope="module")
def runs_list(cekura: ModuleType) -> ModuleType:
    return importlib.import_module("cekura_client.api.runs.runs_list")


def runs_pages(page_size: int, failing_page: int | None = None) -> Callable[[Seen], Reply]:
    """DRF's PageNumberPagination over `PAGES` pages of `page_size` runs, ids from 1."""
    total = PAGES * page_size

    def answer(seen: Seen) -> Reply:
        page = int(seen.query["page"][0])
        if page == failing_page:
            return Reply(500, {"detail": "database unavailable"})
        first = (page - 1) * page_size + 1
        results = [{"id": run_id, "status": "completed"} for run_id in range(first, first + page_size)]
        link = f"{ELSEWHERE}{RUNS_PATH}?page={{}}&page_size={page_size}&result__agent_id=7"
        body = {
            "count": total,
            "next": link.format(page + 1) if page < PAGES else None,
            "previous": link.format(page - 1) if page > 1 else None,
            "results": results,
        }
        return Reply(200, body)

    return answer


def collect(mode: str, cekura: ModuleType, runs_list: ModuleType, **arguments: Any) -> list[Any]:
    if mode == "sync":
        return list(cekura.paginate(runs_list.sync_detailed, **arguments))

    async def gather() -> list[Any]:
        return [item async for item in cekura.apaginate(runs_list.asyncio_detailed, **arguments)]

    return asyncio.run(gather())


@pytest.mark.parametrize("mode", MODES)
def test_every_item_of_three_pages_in_order(mode: str, cekura: ModuleType, runs_list: ModuleType) -> None:
    with serve(runs_pages(page_size=2)) as server:
        client = cekura.Cekura(api_key=API_KEY, base_url=server.url)
        runs = collect(mode, cekura, runs_list, client=client, page_size=2, result_agent_id=7)
    assert [run.id for run in runs] == [1, 2, 3, 4, 5, 6]
    assert {type(run).__name__ for run in runs} == {"RunList"}
    assert [seen.query for seen in server.requests] == [
        {"page": [str(page)], "page_size": ["2"], "result__agent_id": ["7"]} for page in (1, 2, 3)
    ]
    assert {seen.path for seen in server.requests} == {RUNS_PATH}
    assert {seen.headers[KEY_HEADER] for seen in server.requests} == {API_KEY}


@pytest.mark.parametrize("mode", MODES)
def test_max_items_stops_early(mode: str, cekura: ModuleType, runs_list: ModuleType) -> None:
    with serve(runs_pages(page_size=2)) as server:
        client = cekura.Cekura(api_key=API_KEY, base_url=server.url)
        runs = collect(mode, cekura, runs_list, client=client, page_size=2, max_items=3)
    assert [run.id for run in runs] == [1, 2, 3]
    assert len(server.requests) == 2


@pytest.mark.parametrize("mode", MODES)
def test_an_error_page_raises_its_typed_error(mode: str, cekura: ModuleType, runs_list: ModuleType) -> None:
    with serve(runs_pages(page_size=2, failing_page=2)) as server:
        client = cekura.Cekura(api_key=API_KEY, base_url=server.url, max_retries=0)
        with pytest.raises(cekura.ServerError, match=r"^500 Internal Server Error: database unavailable$"):
            collect(mode, cekura, runs_list, client=client, page_size=2)


def test_a_next_link_to_a_page_already_read_stops_with_an_error(
    cekura: ModuleType, runs_list: ModuleType
) -> None:
    looping = {"count": 9, "next": f"{ELSEWHERE}{RUNS_PATH}?page=1", "previous": None, "results": [{"id": 1}]}
    with serve(lambda seen: Reply(200, looping)) as server:
        client = cekura.Cekura(api_key=API_KEY, base_url=server.url)
        with pytest.raises(cekura.MalformedResponseError, match="names a page already read"):
            list(cekura.paginate(runs_list.sync_detailed, client=client))
    assert len(server.requests) == 1


def test_an_operation_without_pages_is_refused(cekura: ModuleType) -> None:
    retrieve = importlib.import_module("cekura_client.api.runs.runs_retrieve")
    with pytest.raises(TypeError, match="takes no page and page_size: it is not a paginated list operation"):
        next(cekura.paginate(retrieve.sync_detailed, client=None))


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"page": 2}, TypeError, "leave out page="),
        ({"page_size": 0}, ValueError, "page_size must be 1 or more, not 0"),
        ({"max_items": -1}, ValueError, "max_items must be 0 or more"),
    ],
)
def test_bad_arguments_are_refused(
    cekura: ModuleType, runs_list: ModuleType, arguments: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        next(cekura.paginate(runs_list.sync_detailed, client=None, **arguments))


def test_every_paginated_list_operation_takes_page_and_page_size(
    cekura: ModuleType, patched_document: dict[str, Any]
) -> None:
    """The helpers work for an operation only if it takes both; a spec change breaking that shows here."""
    paginated = []
    for item in patched_document["paths"].values():
        get = item.get("get", {})
        schema = get.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
        reference = schema.get("schema", {}).get("$ref", "")
        if reference.rsplit("/", 1)[-1].startswith("Paginated"):
            names = {parameter.get("name") for parameter in get.get("parameters", [])}
            paginated.append((get["operationId"], {"page", "page_size"} <= names))
    assert len(paginated) >= 20, json.dumps(paginated)
    assert [operation for operation, has_both in paginated if not has_both] == []
