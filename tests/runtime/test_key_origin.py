"""The origin rule of key safety on its own: which URLs share the API's origin (default ports
included); the key goes only there, only while the request is sent, and a request elsewhere is
logged without it. (`test_runtime_key_safety.py` checks the same end to end on loopback servers.)"""

import importlib
import logging
from types import ModuleType

import httpx
import pytest

from .runtime_helpers import API_KEY

HEADER = "X-CEKURA-API-KEY"


@pytest.fixture(scope="module")
def transport(cekura: ModuleType) -> ModuleType:
    return importlib.import_module("cekura_client.transport")


def send(transport: ModuleType, api: str, request: httpx.Request) -> str | None:
    """Send `request` through the key transport of a client for `api`; the key header the wire saw."""
    seen: list[str | None] = []

    def record(sent: httpx.Request) -> httpx.Response:
        seen.append(sent.headers.get(HEADER))
        return httpx.Response(200)

    wire = httpx.Client(transport=httpx.MockTransport(record))
    connections = transport.Connections(http_client=wire)
    transport.KeyTransport(connections, base_url=api, key=API_KEY, key_header=HEADER).handle_request(request)
    assert len(seen) == 1
    return seen[0]


@pytest.mark.parametrize(
    ("api", "url", "same"),
    [
        ("https://api.cekura.ai", "https://api.cekura.ai:443/x/", True),
        ("https://api.cekura.ai:443", "https://api.cekura.ai/x/", True),
        ("http://127.0.0.1", "http://127.0.0.1:80/x/", True),
        ("http://127.0.0.1:80", "http://127.0.0.1/x/?page=2", True),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000/x/", True),
        ("https://api.cekura.ai", "https://api.cekura.ai:444/x/", False),
        ("https://api.cekura.ai", "https://api.cekura.ai:442/x/", False),
        ("http://127.0.0.1", "http://127.0.0.1:81/x/", False),
        ("http://127.0.0.1", "http://127.0.0.1:79/x/", False),
        ("https://api.cekura.ai", "http://api.cekura.ai/x/", False),
        ("https://api.cekura.ai", "https://files.cekura.ai/x/", False),
    ],
)
def test_the_key_goes_only_to_the_api_origin(transport: ModuleType, api: str, url: str, same: bool) -> None:
    request = httpx.Request("GET", url)
    assert (send(transport, api, request) == API_KEY) is same
    assert HEADER not in request.headers  # added only while sent: not kept on the request


def test_a_key_set_by_hand_never_leaves_the_origin(transport: ModuleType) -> None:
    request = httpx.Request("GET", "https://files.cekura.ai/x/", headers={HEADER: "hand-set"})
    assert send(transport, "https://api.cekura.ai", request) is None


def test_a_request_to_the_origin_logs_nothing(
    transport: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="cekura_client.key_safety")
    send(transport, "https://api.cekura.ai", httpx.Request("GET", "https://api.cekura.ai/x/"))
    assert caplog.records == []


def test_a_request_elsewhere_is_logged_without_the_key(
    transport: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="cekura_client.key_safety")
    request = httpx.Request("GET", "https://elsewhere.example:8443/x/?q=1", headers={HEADER: API_KEY})
    send(transport, "https://api.cekura.ai", request)
    assert [record.getMessage() for record in caplog.records] == [
        f"not sending {HEADER} to https://elsewhere.example:8443: it is not the API's origin"
    ]
