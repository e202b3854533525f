"""Call a generated function with a client whose transport records the request instead of sending it."""

from collections.abc import Callable
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
