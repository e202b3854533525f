"""A response is parsed with the cyclic garbage collector paused, and the collector comes back as it was.

The page is large enough that parsing it without the pause runs the collector many times (the first
test checks that, so the second cannot pass vacuously); through the client, the same parse runs at
most one: the collection that takes in the new objects once the collector is back on.
"""

import gc
import importlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import httpx
import pytest

from .runtime_helpers import MODES, call, operation
from .scripted_server import Reply, replies, serve

ITEMS = 3000


def page(items: int) -> bytes:
    results = [
        {"id": index, "metric": 7, "agent": None, "category": f"c{index}", "priority": "high", "note": "x"}
        for index in range(items)
    ]
    return json.dumps({"count": items, "next": None, "previous": None, "results": results}).encode()


@contextmanager
def counted_collections() -> Iterator[list[int]]:
    """The number of collections the collector runs inside the block, in a one-item list."""
    count = [0]

    def on_collection(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            count[0] += 1

    gc.callbacks.append(on_collection)
    try:
        yield count
    finally:
        gc.callbacks.remove(on_collection)


@pytest.fixture(scope="module")
def response_body(cekura: ModuleType) -> ModuleType:
    return importlib.import_module("cekura_client.response_body")


@pytest.fixture(scope="module")
def page_model(cekura: ModuleType) -> Any:
    return importlib.import_module("cekura_client.models").PaginatedCriticalMetricCategoryList


def test_a_large_page_parsed_without_the_pause_runs_the_collector(
    response_body: ModuleType, page_model: Any
) -> None:
    body = page(ITEMS)
    assert gc.isenabled()
    with counted_collections() as count:
        page_model.from_dict(response_body.decode_json(body))
    assert count[0] >= 5


def test_the_client_parses_the_same_page_without_a_collection(
    response_body: ModuleType, page_model: Any, cekura: ModuleType
) -> None:
    body = page(ITEMS)
    client = cekura.Client(base_url="http://127.0.0.1")
    with counted_collections() as count:
        parsed = response_body.parse_response(
            client, httpx.Response(200, content=body), {200: page_model.from_dict}
        )
    assert count[0] <= 1
    assert len(parsed.results) == ITEMS and parsed.results[0].additional_properties == {"note": "x"}
    assert gc.isenabled()


@pytest.mark.parametrize("mode", MODES)
def test_after_a_call_the_collector_is_on_again(mode: str, client_for: Any) -> None:
    with serve(replies(Reply(200, raw=page(50), headers={"Content-Type": "application/json"}))) as server:
        response = call(mode, operation("list"), client=client_for(server.url))
    assert len(response.parsed.results) == 50
    assert gc.isenabled()


def test_a_collector_the_application_turned_off_stays_off(
    response_body: ModuleType, page_model: Any, cekura: ModuleType
) -> None:
    client = cekura.Client(base_url="http://127.0.0.1")
    gc.disable()
    try:
        response_body.parse_response(
            client, httpx.Response(200, content=page(5)), {200: page_model.from_dict}
        )
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_body_that_does_not_parse_still_turns_the_collector_back_on(
    response_body: ModuleType, page_model: Any, cekura: ModuleType
) -> None:
    client = cekura.Client(base_url="http://127.0.0.1")
    errors = importlib.import_module("cekura_client.errors")
    with pytest.raises(errors.MalformedResponseError):
        response_body.parse_response(
            client, httpx.Response(200, content=b'{"results": 5}'), {200: page_model.from_dict}
        )
    assert gc.isenabled()


def test_concurrent_parses_share_one_pause_and_the_last_turns_the_collector_on(cekura: ModuleType) -> None:
    pause = importlib.import_module("cekura_client.collector_pause")
    first_inside, second_done, seen_after_second = threading.Event(), threading.Event(), []

    def first() -> None:
        with pause.collector_paused():
            first_inside.set()
            second_done.wait(5)
            seen_after_second.append(gc.isenabled())

    thread = threading.Thread(target=first)
    thread.start()
    first_inside.wait(5)
    with pause.collector_paused():
        assert not gc.isenabled()
    second_done.set()
    thread.join(5)
    assert seen_after_second == [False]  # the second parse ended first and left the collector off
    assert gc.isenabled()
