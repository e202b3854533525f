"""The fetch step's retry, deadline and progress rules, against one loopback server for the module:
which statuses are retried, how long it waits between attempts, what each failure says, and the
lock entries and checks a download goes through. Fast, so `nox -s mutants` runs it first."""

import dataclasses
import io
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import httpx
import pytest
from loopback import serving

from scripts.core.errors import FetchError
from scripts.core.jsonio import sha256_hex
from scripts.upstream import fetch_spec
from scripts.upstream.fetch_spec import (
    Fetched,
    Progress,
    RetryPolicy,
    check_against_lock,
    check_content,
    download,
    fetch_all,
    updated_lock,
)
from scripts.upstream.lock import Lock, LockedFile
from scripts.upstream.sources import Source

DOCUMENT = json.dumps({"openapi": "3.1.0", "paths": {}}).encode()
QUICK = RetryPolicy(attempts=3, backoff_seconds=0.01, timeout_seconds=5.0, deadline_seconds=30.0)


class Server:
    """Routes: `/once/CODE/KEY` answers CODE once then 200; `/always/CODE/KEY` always CODE;
    `/redirect/NAME` a 302 to `/NAME`; `/stall/KEY` 10 of 100 promised bytes, then nothing."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.base_url = ""
        self.release = threading.Event()

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        self.hits[path] += 1
        parts = path.strip("/").split("/")
        if parts[0] in ("once", "always") and (parts[0] == "always" or self.hits[path] == 1):
            handler.send_response(int(parts[1]))
            handler.send_header("Content-Length", "4")
            handler.end_headers()
            handler.wfile.write(b"nope")
        elif parts[0] == "redirect":
            handler.send_response(302)
            handler.send_header("Location", "/" + "/".join(parts[1:]))
            handler.send_header("Content-Length", "0")
            handler.end_headers()
        elif parts[0] == "stall":
            handler.send_response(200)
            handler.send_header("Content-Length", "100")
            handler.end_headers()
            handler.wfile.write(b"x" * 10)
            handler.wfile.flush()
            self.release.wait(5)
        else:
            handler.send_response(200)
            handler.send_header("Content-Length", str(len(DOCUMENT)))
            handler.end_headers()
            handler.wfile.write(DOCUMENT)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    state = Server()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.answer(self)

        def log_message(self, format: str, *args: object) -> None:
            """Keep test output quiet."""

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    with serving(httpd):
        state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
        yield state
        state.release.set()


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The pauses between attempts, recorded instead of slept."""
    recorded: list[float] = []
    fake_time = SimpleNamespace(monotonic=time.monotonic, sleep=recorded.append)
    monkeypatch.setattr(fetch_spec, "time", fake_time)
    return recorded


def get(url: str, policy: RetryPolicy = QUICK) -> bytes:
    with httpx.Client() as client:
        return download(url, client, policy)


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_a_transient_status_is_retried(server: Server, status: int) -> None:
    path = f"/once/{status}/retried"
    assert get(server.base_url + path) == DOCUMENT
    assert server.hits[path] == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 407, 409, 428, 430, 499, 501, 505])
def test_any_other_status_fails_at_once_naming_it(server: Server, status: int) -> None:
    path = f"/always/{status}/final"
    with pytest.raises(FetchError, match=rf"^fetch {re.escape(server.base_url + path)}: HTTP {status} "):
        get(server.base_url + path)
    assert server.hits[path] == 1


def test_the_default_policy_tries_4_times_waiting_1_2_then_4_seconds(
    server: Server, waits: list[float]
) -> None:
    path = "/always/503/default"
    with pytest.raises(FetchError, match=r"HTTP 503 Service Unavailable \(4 attempts\); check the network"):
        get(server.base_url + path, RetryPolicy())
    assert (server.hits[path], waits) == (4, [1.0, 2.0, 4.0])


def test_a_pause_that_would_pass_the_deadline_is_not_taken(server: Server, waits: list[float]) -> None:
    path = "/always/503/late"
    policy = RetryPolicy(attempts=4, backoff_seconds=10.0, deadline_seconds=5.0)
    with pytest.raises(FetchError) as raised:
        get(server.base_url + path, policy)
    assert str(raised.value).startswith(
        f"fetch {server.base_url + path}: not complete within the 5s deadline "
        "(HTTP 503 Service Unavailable); "
    )
    assert (server.hits[path], waits) == (1, [])


def test_the_documented_defaults() -> None:
    """README: a 120 s deadline per file; progress shown for a download still running after 2 s."""
    policy = RetryPolicy()
    assert (policy.deadline_seconds, policy.progress_after_seconds) == (120.0, 2.0)


def test_a_deadline_under_a_second_still_allows_a_fast_download(server: Server) -> None:
    assert get(f"{server.base_url}/openapi.json", RetryPolicy(deadline_seconds=0.8)) == DOCUMENT


def test_a_stalled_body_fails_at_the_deadline_saying_how_much_arrived(server: Server) -> None:
    policy = RetryPolicy(timeout_seconds=30.0, deadline_seconds=1.0, progress_after_seconds=60.0)
    with pytest.raises(FetchError, match=r"within the 1s deadline \(10 bytes received\); check the network"):
        get(f"{server.base_url}/stall/a", policy)


def test_a_timeout_well_before_the_deadline_is_retried_as_a_timeout(server: Server) -> None:
    policy = RetryPolicy(attempts=1, timeout_seconds=0.5, deadline_seconds=1.2, progress_after_seconds=60.0)
    with pytest.raises(FetchError, match=r": timed out after 0\.5s \(1 attempts\); check the network"):
        get(f"{server.base_url}/stall/b", policy)


def test_a_redirect_is_followed(server: Server) -> None:
    source = Source(kind="document", url="https://docs.cekura.ai/openapi.json", file="openapi.json")
    fetched = fetch_all([source], Lock(), mirror=f"{server.base_url}/redirect", update=True, policy=QUICK)
    assert [item.data for item in fetched] == [DOCUMENT]
    assert server.hits["/redirect/openapi.json"] == 1


class Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_progress_is_silent_before_its_time_even_on_a_terminal() -> None:
    stream = Stream(tty=True)
    progress = Progress("https://docs.cekura.ai/openapi.json", time.monotonic() + 60, stream)
    progress.show(10, 100)
    progress.done()
    assert stream.getvalue() == ""


@pytest.mark.parametrize("tty", [False, True])
def test_progress_shows_at_most_two_lines_a_second(tty: bool) -> None:
    stream = Stream(tty)
    progress = Progress("https://docs.cekura.ai/api/openapi.json", time.monotonic() - 1, stream)
    progress.show(10, 100)
    progress.show(20, 100)  # within half a second of the last line: not shown
    time.sleep(0.6)
    progress.show(100, 100)
    progress.done()
    end = "\r" if tty else "\n"
    pattern = (
        rf"fetch: openapi\.json: 10 bytes of 100 \(10%\), [01]s{end}"
        rf"fetch: openapi\.json: 100 bytes of 100 \(100%\), [12]s{end}"
    ) + ("\n" if tty else "")
    assert re.fullmatch(pattern, stream.getvalue()), stream.getvalue()


def test_progress_without_a_length_shows_the_bytes_only() -> None:
    stream = Stream(tty=False)
    Progress("http://mirror/openapi.json", time.monotonic() - 1, stream).show(1_048_576, None)
    assert re.fullmatch(r"fetch: openapi\.json: 1,048,576 bytes, [01]s\n", stream.getvalue())


def test_a_hash_that_differs_from_the_lock_names_both_and_the_date() -> None:
    source = Source(kind="document", url="https://docs.cekura.ai/openapi.json", file="openapi.json")
    locked = LockedFile(source.url, "ab" * 32, 10, "2026-08-07")
    lock = Lock(sources={"openapi.json": locked})
    same = dataclasses.replace(locked, sha256=sha256_hex(DOCUMENT))
    check_against_lock(source, DOCUMENT, Lock(sources={"openapi.json": same}))
    with pytest.raises(FetchError) as raised:
        check_against_lock(source, DOCUMENT, lock)
    assert str(raised.value) == (
        f"upstream changed: openapi.json has sha256 {sha256_hex(DOCUMENT)[:16]}…, the lock has "
        "abababababababab… (fetched 2026-08-07); review and accept it with `nox -s fetch -- --update`"
    )
    with pytest.raises(FetchError, match=r"^openapi\.json is not in spec/lock\.json; review and accept"):
        check_against_lock(source, DOCUMENT, Lock())


def test_the_updated_lock_keeps_a_date_only_for_the_same_bytes_from_the_same_url() -> None:
    url = "https://docs.cekura.ai/openapi.json"
    kept = Source("page", "https://docs.cekura.ai/a.md", "a.md")
    changed = Source("page", "https://docs.cekura.ai/b.md", "b.md")
    moved = Source("page", "https://docs.cekura.ai/new/c.md", "c.md")
    new = Source("document", url, "openapi.json")
    old = Lock(
        sources={
            "a.md": LockedFile(kept.url, sha256_hex(b"a"), 1, "2026-07-01"),
            "b.md": LockedFile(changed.url, sha256_hex(b"old"), 3, "2026-07-01"),
            "c.md": LockedFile("https://docs.cekura.ai/c.md", sha256_hex(b"c"), 1, "2026-07-01"),
        },
        patched={"sha256": "p"},
    )
    fetched = [Fetched(kept, b"a"), Fetched(changed, b"b"), Fetched(moved, b"c"), Fetched(new, b"{}")]
    lock = updated_lock(old, fetched, "2026-12-01")
    assert {name: entry.fetched for name, entry in lock.sources.items()} == {
        "a.md": "2026-07-01",
        "b.md": "2026-12-01",
        "c.md": "2026-12-01",
        "openapi.json": "2026-12-01",
    }
    assert lock.sources["c.md"] == LockedFile(moved.url, sha256_hex(b"c"), 1, "2026-12-01")
    assert lock.patched == {"sha256": "p"}


@pytest.mark.parametrize(
    "document",
    [
        {"openapi": "3.1.0"},
        {"openapi": "3.1.0", "paths": []},
        {"openapi": "2.0", "paths": {}},
        {"swagger": "2.0", "paths": {}},
        ["openapi", "3.1.0"],
    ],
)
def test_a_document_needs_openapi_3_and_paths(document: object) -> None:
    source = Source(kind="document", url="https://docs.cekura.ai/openapi.json", file="openapi.json")
    check_content(source, json.dumps({"openapi": "3.0.3", "paths": {}}).encode())
    with pytest.raises(FetchError, match=r"^openapi\.json: not an OpenAPI 3 document"):
        check_content(source, json.dumps(document).encode())
