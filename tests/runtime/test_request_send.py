"""An endpoint's request goes to the URL httpx itself would build (`request_send`).

`with_absolute_url` joins the path to the base URL and encodes the query before httpx sees them,
so httpx parses the URL once instead of three times. httpx's own join is the oracle: for any base
URL, encoded path and query the endpoints can produce, both give the same URL, byte for byte. A
request httpx would join in some other way must pass through untouched. That the URL reads as the
caller meant on the server is `test_request_urls`'s job (Django on loopback, through `send`).
"""

import asyncio
import importlib
from types import ModuleType
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st


@pytest.fixture(scope="module")
def request_send(cekura: ModuleType) -> ModuleType:
    return importlib.import_module("cekura_client.request_send")


def encoded_segment(text: str) -> str:
    """A path segment as `request_url.path_segment` writes one."""
    return quote(text, safe="")


segments = st.text(min_size=1).filter(lambda text: text not in {".", ".."} and "/" not in text)
paths = st.lists(segments.map(encoded_segment), min_size=1, max_size=4).map(
    lambda parts: "/" + "/".join(parts) + "/"
)
base_urls = st.builds(
    lambda scheme, userinfo, host, port, prefix, slash: (
        f"{scheme}://{userinfo}{host}{port}" + "".join("/" + encoded_segment(part) for part in prefix) + slash
    ),
    st.sampled_from(["http", "https"]),
    st.sampled_from(["", "user:secret@"]),
    st.sampled_from(["api.cekura.ai", "127.0.0.1", "[::1]", "bücher.example"]),
    st.sampled_from(["", ":8000", ":443"]),
    st.lists(segments, max_size=2),
    st.sampled_from(["", "/"]),
)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
query_params = st.dictionaries(st.text(), scalars | st.lists(scalars, max_size=3), max_size=4)


def wire_form(url: httpx.URL) -> tuple[str, bytes, bytes, int | None, bytes]:
    """What httpx sends of a URL: scheme, userinfo, host, port, and the path with its query."""
    return url.scheme, url.userinfo, url.raw_host, url.port, url.raw_path


def endpoint_kwargs(path: str, params: dict[str, Any]) -> dict[str, Any]:
    """What an endpoint's `_get_kwargs` returns: method, relative path, the query as a dict."""
    return {"method": "get", "url": path, "params": params}


@given(base_url=base_urls, path=paths, params=query_params)
def test_the_url_is_the_one_httpx_joins(
    request_send: ModuleType, base_url: str, path: str, params: dict[str, Any]
) -> None:
    with httpx.Client(base_url=base_url) as http:
        kwargs = endpoint_kwargs(path, params)
        absolute = request_send.with_absolute_url(http, kwargs)
        assert "params" not in absolute and httpx.URL(absolute["url"]).is_absolute_url
        assert wire_form(http.build_request(**absolute).url) == wire_form(http.build_request(**kwargs).url)
        assert kwargs == endpoint_kwargs(path, params), "the endpoint's kwargs were changed in place"


@pytest.mark.parametrize(
    ("client_options", "why"),
    [
        ({"base_url": "https://api.cekura.ai", "params": {"team": "7"}}, "the client adds default params"),
        ({"base_url": "https://api.cekura.ai/?team=7"}, "the base URL carries a query"),
        ({"base_url": "https://api.cekura.ai/#top"}, "the base URL carries a fragment"),
        ({"base_url": "/relative/"}, "the base URL has no scheme or host"),
        ({}, "the client has no base URL"),
    ],
)
def test_a_request_httpx_joins_otherwise_is_left_to_httpx(
    request_send: ModuleType, client_options: dict[str, Any], why: str
) -> None:
    with httpx.Client(**client_options) as http:
        kwargs = endpoint_kwargs("/scenarios/7/", {"page_size": 2})
        assert request_send.with_absolute_url(http, kwargs) is kwargs, why


def answer_with_url(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, text=str(request.url))


def test_send_and_send_async_request_the_joined_url(request_send: ModuleType) -> None:
    kwargs = endpoint_kwargs("/observability/v1/call-logs/", {"page_size": 2, "agent_id": [1, 2]})
    expected = "https://api.cekura.ai/v2/observability/v1/call-logs/?page_size=2&agent_id=1&agent_id=2"
    transport = httpx.MockTransport(answer_with_url)
    with httpx.Client(base_url="https://api.cekura.ai/v2", transport=transport) as http:
        assert request_send.send(http, kwargs).text == expected

    async def send_async() -> str:
        async with httpx.AsyncClient(base_url="https://api.cekura.ai/v2", transport=transport) as http:
            response: httpx.Response = await request_send.send_async(http, kwargs)
            return response.text

    assert asyncio.run(send_async()) == expected
