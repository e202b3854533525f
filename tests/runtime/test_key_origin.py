"""The origin rule of key safety on its own: which URLs share the API's origin (default ports
included), and that the key header leaves every other request, with the decision returned."""

import importlib
import logging
from types import ModuleType

import httpx
import pytest

from .runtime_helpers import API_KEY

HEADER = "X-CEKURA-API-KEY"


@pytest.fixture(scope="module")
def key_safety(cekura: ModuleType) -> ModuleType:
    return importlib.import_module("cekura_client.key_safety")


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
def test_which_urls_share_the_api_origin(key_safety: ModuleType, api: str, url: str, same: bool) -> None:
    assert (key_safety.origin(api) == key_safety.origin(url)) is same
    request = httpx.Request("GET", url, headers={HEADER: API_KEY})
    dropped = key_safety.drop_key_off_origin(request, key_safety.origin(api), HEADER)
    assert dropped is not same
    assert (HEADER in request.headers) is same


def test_a_request_without_the_key_is_left_alone(
    key_safety: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    request = httpx.Request("GET", "https://elsewhere.example/x/")
    assert (
        key_safety.drop_key_off_origin(request, key_safety.origin("https://api.cekura.ai"), HEADER) is False
    )
    assert caplog.records == []


def test_dropping_the_key_is_logged_without_it(
    key_safety: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    request = httpx.Request("GET", "https://elsewhere.example:8443/x/?q=1", headers={HEADER: API_KEY})
    key_safety.drop_key_off_origin(request, key_safety.origin("https://api.cekura.ai"), HEADER)
    assert [record.getMessage() for record in caplog.records] == [
        f"not sending {HEADER} to https://elsewhere.example:8443: it is not the API's origin"
    ]
