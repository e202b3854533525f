"""`paginate` and `apaginate` at their edges: the smallest page and cap, a cap on a page boundary,
the default page size, and `next` links that cannot be followed; requests counted at a loopback server."""

import asyncio
import importlib
from types import ModuleType
from typing import Any

import pytest

from .runtime_helpers import API_KEY, MODES
from .scripted_server import Reply, Seen, serve

RUNS_PATH = "/test_framework/v1/runs/"


@pytest.fixture(scope="module")
def runs_list(cekura: ModuleType) -> ModuleType:
    return importlib.import_module("cekura_client.api.runs.runs_list")


def pages_of(total: int) -> Any:
    """DRF pages over `total` runs (ids from 1), sized by the request's own `page_size`."""

    def answer(seen: Seen) -> Reply:
        page, size = int(seen.query["page"][0]), int(seen.query["page_size"][0])
        first = (page - 1) * size + 1
        last = min(first + size - 1, total)
        more = last < total
        body = {
            "count": total,
            "next": f"http://api.invalid{RUNS_PATH}?page={page + 1}&page_size={size}" if more else None,
            "previous": None,
            "results": [{"id": run_id, "status": "completed"} for run_id in range(first, last + 1)],
        }
        return Reply(200, body)

    return answer


def collect(mode: str, cekura: ModuleType, runs_list: ModuleType, **arguments: Any) -> list[int]:
    if mode == "sync":
        return [run.id for run in cekura.paginate(runs_list.sync_detailed, **arguments)]

    async def gather() -> list[int]:
        return [run.id async for run in cekura.apaginate(runs_list.asyncio_detailed, **arguments)]

    return asyncio.run(gather())


def collect_until_error(
    mode: str, cekura: ModuleType, runs_list: ModuleType, **arguments: Any
) -> tuple[list[int], BaseException]:
    """The ids given before the iteration raised, and what it raised."""
    ids: list[int] = []

    async def gather() -> None:
        async for run in cekura.apaginate(runs_list.asyncio_detailed, **arguments):
            ids.append(run.id)

    try:
        if mode == "sync":
            ids.extend(run.id for run in cekura.paginate(runs_list.sync_detailed, **arguments))
        else:
            asyncio.run(gather())
    except Exception as error:
        return ids, error
    raise AssertionError(f"no error after {ids}")


def pages_asked(requests: list[Seen]) -> list[tuple[str, str]]:
    return [(seen.query["page"][0], seen.query["page_size"][0]) for seen in requests]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("options", "ids", "asked"),
    [
        # The smallest page size is allowed: one run per request.
        ({"page_size": 1}, [1, 2, 3], [("1", "1"), ("2", "1"), ("3", "1")]),
        # A cap of 0 asks for nothing at all.
        ({"page_size": 2, "max_items": 0}, [], []),
        # A cap of 1 stops after the first item, with one request.
        ({"page_size": 2, "max_items": 1}, [1], [("1", "2")]),
        # A cap that ends on a page boundary does not ask for the next page.
        ({"page_size": 1, "max_items": 2}, [1, 2], [("1", "1"), ("2", "1")]),
        # A cap above the total yields everything, and stops where `next` is null.
        ({"page_size": 2, "max_items": 50}, [1, 2, 3], [("1", "2"), ("2", "2")]),
        # Without a page size, 100 per page.
        ({}, [1, 2, 3], [("1", "100")]),
    ],
)
def test_edges_of_page_size_and_max_items(
    mode: str,
    cekura: ModuleType,
    runs_list: ModuleType,
    options: dict[str, Any],
    ids: list[int],
    asked: list[tuple[str, str]],
) -> None:
    with serve(pages_of(3)) as server:
        client = cekura.Cekura(api_key=API_KEY, base_url=server.url)
        assert collect(mode, cekura, runs_list, client=client, **options) == ids
    assert pages_asked(server.requests) == asked


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"page_size": 0}, "page_size must be 1 or more, not 0"),
        ({"page_size": -5}, "page_size must be 1 or more, not -5"),
        ({"max_items": -1}, r"max_items must be 0 or more \(or None for all\), not -1"),
    ],
)
def test_bad_limits_are_refused_before_any_request(
    mode: str, cekura: ModuleType, runs_list: ModuleType, options: dict[str, Any], message: str
) -> None:
    with serve(pages_of(3)) as server:
        client = cekura.Cekura(api_key=API_KEY, base_url=server.url)
        with pytest.raises(ValueError, match=f"^{message}$"):
            collect(mode, cekura, runs_list, client=client, **options)
    assert server.requests == []


def test_an_operation_with_page_but_no_page_size_is_refused(cekura: ModuleType) -> None:
    def only_page(*, client: Any, page: int) -> Any:
        raise AssertionError("must not be called")

    def only_page_size(*, client: Any, page_size: int) -> Any:
        raise AssertionError("must not be called")

    for operation in (only_page, only_page_size):
        with pytest.raises(TypeError, match="it is not a paginated list operation"):
            next(cekura.paginate(operation, client=None))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("next_link", "error"),
    [
        (f"http://api.invalid{RUNS_PATH}?page_size=2", "has no page number"),
        (f"http://api.invalid{RUNS_PATH}?page=two", "has no page number"),
        (f"http://api.invalid{RUNS_PATH}?page=1", "names a page already read"),
        ("", None),
        (None, None),
    ],
)
def test_next_links_that_cannot_be_followed(
    mode: str, cekura: ModuleType, runs_list: ModuleType, next_link: str | None, error: str | None
) -> None:
    body = {"count": 9, "next": next_link, "previous": None, "results": [{"id": 1, "status": "completed"}]}
    with serve(lambda seen: Reply(200, body)) as server:
        client = cekura.Cekura(api_key=API_KEY, base_url=server.url)
        if error is None:  # an empty or null `next`: the last page
            assert collect(mode, cekura, runs_list, client=client) == [1]
        else:  # the page's items first: they were read whole
            ids, raised = collect_until_error(mode, cekura, runs_list, client=client)
            assert ids == [1]
            assert isinstance(raised, cekura.errors.MalformedResponseError)
            assert error in str(raised)
    assert len(server.requests) == 1


def test_a_link_back_to_an_earlier_page_stops_after_the_pages_read(
    cekura: ModuleType, runs_list: ModuleType
) -> None:
    def answer(seen: Seen) -> Reply:
        page = int(seen.query["page"][0])
        following = {1: 2, 2: 3, 3: 2}[page]
        link = f"http://api.invalid{RUNS_PATH}?page={following}"
        return Reply(200, {"count": 9, "next": link, "previous": None, "results": [{"id": page}]})

    with serve(answer) as server:
        client = cekura.Cekura(api_key=API_KEY, base_url=server.url)
        ids, raised = collect_until_error("sync", cekura, runs_list, client=client)
    assert ids == [1, 2, 3]
    assert isinstance(raised, cekura.errors.MalformedResponseError)
    assert "page=2' names a page already read" in str(raised)
    assert pages_asked(server.requests) == [("1", "100"), ("2", "100"), ("3", "100")]


@pytest.mark.parametrize("mode", MODES)
def test_a_success_without_a_page_is_an_unexpected_status(
    mode: str, cekura: ModuleType, runs_list: ModuleType
) -> None:
    """A 2xx the operation does not document parses to nothing: an error, not an empty iteration."""
    with serve(lambda seen: Reply(202, {"queued": True})) as server:
        client = cekura.Cekura(api_key=API_KEY, base_url=server.url)
        with pytest.raises(cekura.errors.UnexpectedStatus) as raised:
            collect(mode, cekura, runs_list, client=client)
    assert raised.value.status_code == 202
    assert isinstance(raised.value, cekura.CekuraError)
    assert len(server.requests) == 1
