"""The API key stays on the API's origin and out of reprs and logs; TLS is verified by default."""

import logging
import shutil
import ssl
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from .runtime_helpers import API_KEY, EMPTY_PAGE, MODES, RecordedWaits, call, operation
from .scripted_server import Reply, replies, serve

KEY_HEADER = "x-cekura-api-key"


@pytest.mark.parametrize("mode", MODES)
def test_a_redirect_to_another_origin_does_not_carry_the_key(
    mode: str, client_for: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with serve(replies(Reply(200, EMPTY_PAGE))) as elsewhere:
        moved = Reply(302, headers={"Location": f"{elsewhere.url}/landing/"})
        with serve(replies(moved)) as api:
            response = call(mode, operation("list"), client=client_for(api.url))
    assert response.status_code == 200
    assert api.requests[0].headers[KEY_HEADER] == API_KEY
    assert [seen.path for seen in elsewhere.requests] == ["/landing/"]
    assert KEY_HEADER not in elsewhere.requests[0].headers
    assert f"not sending X-CEKURA-API-KEY to {elsewhere.url}: it is not the API's origin" in caplog.messages
    assert not [message for message in caplog.messages if API_KEY in message]


@pytest.mark.parametrize("mode", MODES)
def test_a_redirect_on_the_same_origin_keeps_the_key(mode: str, client_for: Any) -> None:
    with serve(replies(Reply(301, headers={"Location": "/moved/"}), Reply(200, EMPTY_PAGE))) as api:
        response = call(mode, operation("list"), client=client_for(api.url))
    assert response.status_code == 200
    assert [(seen.path, seen.headers.get(KEY_HEADER)) for seen in api.requests][1] == ("/moved/", API_KEY)


def test_the_key_is_not_in_the_client_repr(client_for: Any) -> None:
    client = client_for("https://api.cekura.ai")
    client.get_httpx_client()  # puts the key into the client's headers
    client.get_async_httpx_client()
    assert "X-CEKURA-API-KEY" in repr(
        client
    )  # the header name is, so the repr still says how it authenticates
    assert API_KEY not in repr(client)
    assert API_KEY not in str(client)


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, Path]:
    """A server TLS context for 127.0.0.1 with a certificate no authority signed, and that certificate."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a self-signed certificate")
    folder = tmp_path_factory.mktemp("tls")
    key, certificate = folder / "key.pem", folder / "certificate.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1",
         "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    return context, certificate


@pytest.mark.parametrize("mode", MODES)
def test_tls_is_verified_by_default_and_not_retried(
    cekura: ModuleType,
    mode: str,
    client_for: Any,
    waits: RecordedWaits,
    self_signed: tuple[ssl.SSLContext, Path],
) -> None:
    context, certificate = self_signed
    with serve(replies(Reply(200, EMPTY_PAGE)), tls=context) as server:
        with pytest.raises(cekura.APIConnectionError, match="CERTIFICATE_VERIFY_FAILED") as caught:
            call(mode, operation("list"), client=client_for(server.url))
        assert isinstance(caught.value.__cause__, httpx.ConnectError)
        assert waits.waits == []
        trusted = client_for(server.url, verify_ssl=ssl.create_default_context(cafile=certificate))
        assert call(mode, operation("list"), client=trusted).status_code == 200
    assert len(server.requests) == 1


def test_a_missing_key_is_an_error_at_construction(
    cekura: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CEKURA_API_KEY", raising=False)
    with pytest.raises(
        ValueError, match=r"^no Cekura API key: pass Cekura\(api_key=...\) or set CEKURA_API_KEY$"
    ):
        cekura.Cekura()
    with pytest.raises(ValueError, match="no Cekura API key"):
        cekura.Cekura(api_key="  ")


def test_a_key_with_stray_whitespace_is_refused_without_echoing_it(cekura: ModuleType) -> None:
    with pytest.raises(ValueError) as caught:
        cekura.Cekura(api_key=f"{API_KEY}\n")
    assert "copy it again" in str(caught.value)
    assert API_KEY not in str(caught.value)


@pytest.mark.parametrize("mode", MODES)
def test_key_and_base_url_come_from_the_environment(
    cekura: ModuleType, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    with serve(replies(Reply(200, EMPTY_PAGE))) as server:
        monkeypatch.setenv("CEKURA_API_KEY", "ck-from-environment")
        monkeypatch.setenv("CEKURA_BASE_URL", server.url + "/")
        call(mode, operation("list"), client=cekura.Cekura())
    assert server.requests[0].headers[KEY_HEADER] == "ck-from-environment"


def test_the_default_base_url_is_the_cekura_api(cekura: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CEKURA_BASE_URL", raising=False)
    assert cekura.Cekura(api_key=API_KEY).get_httpx_client().base_url == "https://api.cekura.ai"


@pytest.mark.parametrize("url", ["api.cekura.ai", "ftp://api.cekura.ai", "https://"])
def test_a_base_url_that_is_not_http_is_refused(cekura: ModuleType, url: str) -> None:
    with pytest.raises(ValueError, match="must start with https:// and name a host"):
        cekura.Cekura(api_key=API_KEY, base_url=url)


@pytest.mark.parametrize("mode", MODES)
def test_the_key_is_in_nothing_the_client_keeps_prints_or_logs(
    cekura: ModuleType, client_for: Any, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Sent, yet not in the client, its httpx clients' headers, the response's request, errors or logs."""
    caplog.set_level(logging.DEBUG)
    with serve(replies(Reply(404, {"detail": "No such category."}))) as server:
        client = client_for(server.url, raise_on_error=True)
        with pytest.raises(cekura.NotFoundError) as caught:
            call(mode, operation("retrieve"), client=client, id=5)
    assert server.requests[0].headers[KEY_HEADER] == API_KEY
    error = caught.value
    request_headers = error.response.request.headers
    assert KEY_HEADER not in request_headers and KEY_HEADER not in client.get_httpx_client().headers
    places = {
        "client": f"{client!r} {client}",
        "httpx clients": f"{client.get_httpx_client().headers!r} {client.get_async_httpx_client().headers!r}",
        "transports": f"{client.get_httpx_client()._transport!r}",
        "response.request": f"{request_headers!r} {dict(request_headers)} {error.response.request!r}",
        "error": f"{error} {error!r} {error.headers!r}",
        "logs": caplog.text,
    }
    assert [place for place, text in places.items() if API_KEY in text] == []


@pytest.mark.parametrize("mode", MODES)
def test_the_key_is_not_in_a_connection_error(
    cekura: ModuleType, client_for: Any, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with serve(replies(Reply(200, EMPTY_PAGE))) as server:
        url = server.url
    with pytest.raises(cekura.APIConnectionError) as caught:  # the server is gone
        call(mode, operation("list"), client=client_for(url))
    error, cause = caught.value, caught.value.__cause__
    assert isinstance(cause, httpx.ConnectError)
    texts = [str(error), repr(error), repr(error.request.headers), repr(cause.request.headers), caplog.text]
    assert KEY_HEADER not in error.request.headers and KEY_HEADER not in cause.request.headers
    assert [text for text in texts if API_KEY in text] == []
