"""Iterate over every item of a paginated list operation, following the API's `next` links.

Cekura's list operations answer Django REST framework pages (`count`, `next`, `previous`,
`results`; the generated models are named `Paginated...List`) and take `page` and `page_size`.
`paginate(scenarios_list.sync_detailed, client=client, agent_id=7)` calls the operation for page 1,
yields the parsed items of `results`, then asks for the page that `next` names, until `next` is
null or `max_items` were yielded; `apaginate` does the same with `asyncio_detailed`.

`next` is an absolute URL built by the server; only its `page` number is used, and each page is
requested through the generated function on the client's own base URL, so a `next` pointing at
another host (a proxy's internal name, plain http) never receives the API key. A `next` link that
cannot be followed is a `MalformedResponseError`, raised after the items of the page that holds it.
"""

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, Protocol, TypeVar

import httpx

from cekura_client.errors import MalformedResponseError, UnexpectedStatus
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
    cursor = _Cursor(max_items)
    while cursor.page_number is not None:
        response = operation(client=client, page=cursor.page_number, page_size=page_size, **params)
        yield from cursor.advance(_page_of(response), response)
    cursor.raise_if_stopped()


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
    cursor = _Cursor(max_items)
    while cursor.page_number is not None:
        response = await operation(client=client, page=cursor.page_number, page_size=page_size, **params)
        for item in cursor.advance(_page_of(response), response):
            yield item
    cursor.raise_if_stopped()


class _Cursor:
    """Where `paginate` and `apaginate` are: the next page to ask for, and how many items may follow."""

    def __init__(self, max_items: int | None) -> None:
        self.page_number: int | None = 1 if max_items != 0 else None
        self._remaining = max_items
        self._requested: set[int] = set()
        self._stopped_by: MalformedResponseError | None = None

    def advance(self, page: "Page[ItemT]", response: "PageResponse[ItemT]") -> list[ItemT]:
        """The items of `page` still wanted; moves to the page its `next` link names, if any.

        A `next` link that names no page number, or one already read, ends the iteration with a
        `MalformedResponseError` (`raise_if_stopped`), once this page's items are given: they were
        read whole, and a caller keeps them.
        """
        assert self.page_number is not None
        self._requested.add(self.page_number)
        items = page.results[: self._remaining]
        if self._remaining is not None:
            self._remaining -= len(items)
        more = self._remaining is None or self._remaining > 0
        try:
            self.page_number = _next_page_number(page.next_, self._requested) if more else None
        except ValueError as error:
            status, content, headers = int(response.status_code), response.content, response.headers
            self._stopped_by = MalformedResponseError(status, content, headers, message=str(error))
            self.page_number = None
        return items

    def raise_if_stopped(self) -> None:
        """Raise the error of a `next` link that could not be followed, after the items before it."""
        if self._stopped_by is not None:
            raise self._stopped_by


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
