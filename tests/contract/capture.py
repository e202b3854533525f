"""Call a generated function with a client whose transport records the request instead of sending it."""

from collections.abc import Callable
from functools import cache
from typing import Any

import httpx

from scripts.mock_server.request_check import HttpRequest

BASE_URL = "https://api.cekura.invalid"
API_KEY_HEADER = "X-CEKURA-API-KEY"
API_KEY = "contract-capture-key"


def capture_request(
    call: Callable[..., Any], arguments: dict[str, Any], answer: httpx.Response | None = None
) -> httpx.Request:
    """The request `call(client=..., **arguments)` sends; it is answered with `answer` (default 418)."""
    from cekura_client import AuthenticatedClient

    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        request.read()
        sent.append(request)
        return answer if answer is not None else httpx.Response(418)

    client = AuthenticatedClient(
        base_url=BASE_URL,
        token=API_KEY,
        prefix="",
        auth_header_name=API_KEY_HEADER,
        httpx_args={"transport": httpx.MockTransport(record)},
    )
    call(client=client, **arguments)
    assert len(sent) == 1, f"one call sent {len(sent)} requests"
    return sent[0]


def as_http_request(request: httpx.Request) -> HttpRequest:
    """The recorded request in the form `check_request` reads (raw path, so escapes stay as sent)."""
    raw_path, _, query = request.url.raw_path.decode("ascii").partition("?")
    return HttpRequest(
        method=request.method,
        path=raw_path,
        query=query,
        headers={k.lower(): v for k, v in request.headers.items()},
        body=request.content,
    )


@cache
def _network() -> httpx.HTTPTransport:
    """One transport for every call of the run: building one (its TLS context) costs more than a call."""
    return httpx.HTTPTransport()


def call_through(
    call: Callable[..., Any], arguments: dict[str, Any], base_url: str
) -> tuple[httpx.Request, httpx.Response]:
    """`call(client=..., **arguments)` against the server at `base_url`: the request it sent and the
    raw answer. A refusal before any I/O raises; the parsing of the answer is not judged here."""
    from cekura_client import AuthenticatedClient
    from cekura_client.errors import CekuraError

    exchanges: list[tuple[httpx.Request, httpx.Response]] = []

    def forward(request: httpx.Request) -> httpx.Response:
        request.read()
        response = _network().handle_request(request)
        response.read()
        exchanges.append((request, response))
        return response

    client = AuthenticatedClient(
        base_url=base_url,
        token=API_KEY,
        prefix="",
        auth_header_name=API_KEY_HEADER,
        httpx_args={"transport": httpx.MockTransport(forward)},
    )
    try:
        call(client=client, **arguments)
    except CekuraError:
        if not exchanges:
            raise
    assert len(exchanges) == 1, f"one call sent {len(exchanges)} requests"
    return exchanges[0]
