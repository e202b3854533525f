"""Iterate over every item of a paginated list operation, following the API's `next` links.

Cekura's list operations answer Django REST framework pages (`count`, `next`, `previous`,
`results`; the generated models are named `Paginated...List`) and take `page` and `page_size`.
`paginate(scenarios_list.sync_detailed, client=client, agent_id=7)` calls the operation for page 1,
yields the parsed items of `results`, then asks for the page that `next` names, until `next` is
null or `max_items` were yielded; `apaginate` does the same with `asyncio_detailed`.

`next` is an absolute URL built by the server; only its `page` number is used, and each page is
requested through the generated function on the client's own base URL, so a `next` pointing at
another host (a proxy's internal name, plain http) never receives the API key.
"""

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, Protocol, TypeVar

import httpx

from cekura_client.errors import UnexpectedStatus
from cekura_client.status_errors import raise_for_status

DEFAULT_PAGE_SIZE = 100

ItemT = TypeVar("ItemT")


class Page(Protocol[ItemT]):
    """A parsed DRF page (`Paginated...List`)."""

    @property
    def results(self) -> list[ItemT]: ...
    @property
    def next_(self) -> object: ...


class PageResponse(Protocol[ItemT]):
    """What `sync_detailed` of a paginated operation returns (the generated `Response`)."""

    @property
    def status_code(self) -> int: ...
    @property
    def content(self) -> bytes: ...
    @property
    def headers(self) -> Any: ...
    @property
    def parsed(self) -> Page[ItemT] | None: ...


def paginate(
    operation: Callable[..., PageResponse[ItemT]],
    *,
    client: Any,
    page_size: int = DEFAULT_PAGE_SIZE,
    max_items: int | None = None,
    **params: Any,
) -> Iterator[ItemT]:
    """Every item of `operation` (a `sync_detailed`) for `params`, page after page, at most `max_items`."""
    _check(operation, page_size, max_items, params)
    page_number: int | None = 1
    remaining = max_items
    requested: set[int] = set()
    while page_number is not None and remaining != 0:
        requested.add(page_number)
        page = _page_of(operation(client=client, page=page_number, page_size=page_size, **params))
        yield from page.results[:remaining]
        remaining = None if remaining is None else max(remaining - len(page.results), 0)
        page_number = _next_page_number(page.next_, requested)


async def apaginate(
    operation: Callable[..., Awaitable[PageResponse[ItemT]]],
    *,
    client: Any,
    page_size: int = DEFAULT_PAGE_SIZE,
    max_items: int | None = None,
    **params: Any,
) -> AsyncIterator[ItemT]:
    """`paginate` for an `asyncio_detailed` operation."""
    _check(operation, page_size, max_items, params)
    page_number: int | None = 1
    remaining = max_items
    requested: set[int] = set()
    while page_number is not None and remaining != 0:
        requested.add(page_number)
        page = _page_of(await operation(client=client, page=page_number, page_size=page_size, **params))
        for item in page.results[:remaining]:
            yield item
        remaining = None if remaining is None else max(remaining - len(page.results), 0)
        page_number = _next_page_number(page.next_, requested)


def _check(
    operation: Callable[..., Any], page_size: int, max_items: int | None, params: dict[str, Any]
) -> None:
    name = getattr(operation, "__qualname__", repr(operation))
    parameters = inspect.signature(operation).parameters
    if "page" not in parameters or "page_size" not in parameters:
        raise TypeError(f"{name} takes no page and page_size: it is not a paginated list operation")
    if "page" in params:
        raise TypeError("paginate() chooses the pages itself: leave out page=")
    if page_size < 1:
        raise ValueError(f"page_size must be 1 or more, not {page_size}")
    if max_items is not None and max_items < 0:
        raise ValueError(f"max_items must be 0 or more (or None for all), not {max_items}")


def _page_of(response: PageResponse[ItemT]) -> Page[ItemT]:
    raise_for_status(response)
    if response.parsed is None:
        raise UnexpectedStatus(int(response.status_code), response.content)
    return response.parsed


def _next_page_number(next_url: object, requested: set[int]) -> int | None:
    """The page number in `next`, None when there is no next page."""
    if not isinstance(next_url, str) or not next_url:
        return None
    page = httpx.URL(next_url).params.get("page")
    if page is None or not page.isdigit():
        raise ValueError(f"cannot follow the next page link {next_url!r}: it has no page number")
    if int(page) in requested:
        raise ValueError(f"the next page link {next_url!r} names a page already read: stopping")
    return int(page)
