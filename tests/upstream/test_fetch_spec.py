"""`scripts.upstream.fetch_spec` against a real HTTP server on loopback that serves the spec mirror."""

import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from spec_server import Reply, SpecServer, serve_mirror

from scripts.core.errors import FetchError
from scripts.core.jsonio import sha256_hex
from scripts.upstream.fetch_spec import RetryPolicy, download, policy_from_env, run
from scripts.upstream.lock import read_lock

FAST = RetryPolicy(attempts=3, backoff_seconds=0.01, timeout_seconds=1.0)
PAGE = "pages/run-evaluator-pipecat.md"


@dataclass
class Workspace:
    sources: Path
    lock: Path
    cache: Path

    def fetch(self, server: SpecServer, *, update: bool = False) -> None:
        run(
            update=update,
            mirror=server.base_url,
            policy=FAST,
            sources_file=self.sources,
            lock_file=self.lock,
            cache_dir=self.cache,
        )

    def snapshot(self) -> dict[str, bytes]:
        files = [self.lock, *self.cache.rglob("*")]
        return {str(p): p.read_bytes() for p in files if p.is_file()}


@pytest.fixture
def server(mirror: Path) -> Iterator[SpecServer]:
    with serve_mirror(mirror) as running:
        yield running


@pytest.fixture
def workspace(tmp_path: Path, server: SpecServer) -> Workspace:
    """Sources for the document and one page, fetched and locked once (as after an update)."""
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "document: {url: 'https://docs.cekura.ai/openapi.json', file: openapi.json}\n"
        f"pages:\n  - {{url: 'https://docs.cekura.ai/api-reference/evaluators/x.md', file: {PAGE}}}\n"
    )
    space = Workspace(sources=sources, lock=tmp_path / "lock.json", cache=tmp_path / "upstream")
    space.fetch(server, update=True)
    return space


def test_update_writes_cache_and_lock(workspace: Workspace, mirror: Path) -> None:
    lock = read_lock(workspace.lock)
    expected = (mirror / "openapi.json").read_bytes()
    assert (workspace.cache / "openapi.json").read_bytes() == expected
    assert lock.sources["openapi.json"].sha256 == sha256_hex(expected)
    assert lock.sources["openapi.json"].size == len(expected)
    assert lock.sources["openapi.json"].url == "https://docs.cekura.ai/openapi.json"
    assert lock.sources[PAGE].sha256 == sha256_hex((mirror / PAGE).read_bytes())


def test_locked_fetch_succeeds_without_touching_the_lock(workspace: Workspace, server: SpecServer) -> None:
    before = workspace.lock.read_bytes()
    (workspace.cache / "openapi.json").unlink()
    workspace.fetch(server)
    assert workspace.lock.read_bytes() == before
    assert (workspace.cache / "openapi.json").is_file()


def test_http_404_is_a_clear_error_and_changes_nothing(workspace: Workspace, server: SpecServer) -> None:
    before = workspace.snapshot()
    server.script("openapi.json", Reply(status=404, body=b"gone"))
    with pytest.raises(FetchError, match=r"HTTP 404 .*spec/sources\.yaml"):
        workspace.fetch(server)
    assert server.hits["/openapi.json"] == 2  # once for the fixture, once here: 404 is not retried
    assert workspace.snapshot() == before


def test_http_500_then_200_is_retried(workspace: Workspace, server: SpecServer) -> None:
    server.script("openapi.json", Reply(status=500, body=b"oops"))
    workspace.fetch(server)
    assert server.hits["/openapi.json"] == 3  # fixture, the 500, the retry


def test_persistent_503_gives_up_after_bounded_retries(workspace: Workspace, server: SpecServer) -> None:
    before = workspace.snapshot()
    server.script("openapi.json", *[Reply(status=503, body=b"busy")] * FAST.attempts)
    with pytest.raises(FetchError, match=r"HTTP 503 .*\(3 attempts\)"):
        workspace.fetch(server)
    assert workspace.snapshot() == before


def test_truncated_body_is_an_error_and_changes_nothing(workspace: Workspace, server: SpecServer) -> None:
    before = workspace.snapshot()
    server.script("openapi.json", *[Reply(truncate=True)] * FAST.attempts)
    with pytest.raises(FetchError, match=r"openapi\.json"):
        workspace.fetch(server)
    assert workspace.snapshot() == before


def test_truncated_json_without_length_is_invalid_json(
    workspace: Workspace, server: SpecServer, mirror: Path
) -> None:
    before = workspace.snapshot()
    half = (mirror / "openapi.json").read_bytes()[:1000]
    server.script("openapi.json", Reply(body=half))
    with pytest.raises(FetchError, match=r"invalid JSON .*truncated"):
        workspace.fetch(server)
    assert workspace.snapshot() == before


def test_a_body_that_is_not_openapi_is_refused(workspace: Workspace, server: SpecServer) -> None:
    server.script("openapi.json", Reply(body=json.dumps({"hello": "world"}).encode()))
    with pytest.raises(FetchError, match="not an OpenAPI 3 document"):
        workspace.fetch(server)


def test_a_page_without_its_openapi_fence_is_refused(workspace: Workspace, server: SpecServer) -> None:
    server.script(PAGE, Reply(body=b"# Run Evaluator Pipecat\n\nNo OpenAPI here.\n"))
    with pytest.raises(FetchError, match=r"run-evaluator-pipecat\.md: expected one ````yaml"):
        workspace.fetch(server)


def test_hash_mismatch_says_upstream_changed_and_keeps_the_cache(
    workspace: Workspace, server: SpecServer, mirror: Path
) -> None:
    before = workspace.snapshot()
    changed = json.loads((mirror / "openapi.json").read_bytes())
    changed["info"]["description"] = "a newer upstream version"
    server.script("openapi.json", Reply(body=json.dumps(changed).encode()))
    with pytest.raises(FetchError, match=r"upstream changed: openapi\.json .*--update"):
        workspace.fetch(server)
    assert workspace.snapshot() == before


def test_update_accepts_a_changed_upstream(workspace: Workspace, server: SpecServer, mirror: Path) -> None:
    changed = json.loads((mirror / "openapi.json").read_bytes())
    changed["info"]["description"] = "a newer upstream version"
    body = json.dumps(changed).encode()
    server.script("openapi.json", Reply(body=body))
    workspace.fetch(server, update=True)
    assert read_lock(workspace.lock).sources["openapi.json"].sha256 == sha256_hex(body)
    assert (workspace.cache / "openapi.json").read_bytes() == body


def test_timeout_is_a_clear_error_and_changes_nothing(workspace: Workspace, server: SpecServer) -> None:
    before = workspace.snapshot()
    server.script("openapi.json", *[Reply(delay=FAST.timeout_seconds * 2)] * FAST.attempts)
    with pytest.raises(FetchError, match=r"timed out after 1s \(3 attempts\).*CEKURA_SPEC_MIRROR"):
        workspace.fetch(server)
    assert workspace.snapshot() == before


def test_a_mirror_directory_replaces_the_origin(workspace: Workspace, mirror: Path) -> None:
    before = workspace.lock.read_bytes()
    (workspace.cache / "openapi.json").unlink()
    run(
        mirror=str(mirror),
        sources_file=workspace.sources,
        lock_file=workspace.lock,
        cache_dir=workspace.cache,
    )
    assert (workspace.cache / "openapi.json").read_bytes() == (mirror / "openapi.json").read_bytes()
    assert workspace.lock.read_bytes() == before


def test_a_missing_mirror_file_names_it(workspace: Workspace, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match=r"cannot read mirror file .*openapi\.json"):
        run(
            mirror=str(tmp_path / "empty-mirror"),
            sources_file=workspace.sources,
            lock_file=workspace.lock,
            cache_dir=workspace.cache,
        )


# Deadlines and progress, against loopback servers that misbehave on purpose.


@contextmanager
def raw_server(handle: Callable[[socket.socket], None]) -> Iterator[str]:
    """A TCP server on loopback running `handle` for each connection; yields its base URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()
    connections: list[socket.socket] = []

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            connections.append(connection)
            threading.Thread(target=handle, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for connection in connections:
            connection.close()
        listener.close()


def never_answers(connection: socket.socket) -> None:
    connection.recv(65536)  # reads the request, then says nothing


def drips(connection: socket.socket) -> None:
    """Headers promising 10 MB, then one byte every 50 ms, for as long as the client listens."""
    connection.recv(65536)
    try:
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10000000\r\n\r\n")
        for _ in range(2000):
            connection.sendall(b"x")
            time.sleep(0.05)
    except OSError:
        pass


def slow_but_complete(connection: socket.socket) -> None:
    """A 40-byte body in 20 pieces over about a second."""
    connection.recv(65536)
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n")
    for _ in range(20):
        connection.sendall(b"ab")
        time.sleep(0.05)


DEADLINE = RetryPolicy(
    attempts=4, backoff_seconds=0.01, timeout_seconds=30.0, deadline_seconds=1.5, progress_after_seconds=0.3
)


@pytest.mark.parametrize("handler", [never_answers, drips], ids=["never answers", "drips bytes"])
def test_a_download_fails_at_its_deadline(
    handler: Callable[[socket.socket], None], capsys: pytest.CaptureFixture[str]
) -> None:
    with raw_server(handler) as base_url, httpx.Client() as client:
        started = time.monotonic()
        with pytest.raises(
            FetchError, match=r"not complete within the 1\.5s deadline.*CEKURA_FETCH_DEADLINE"
        ) as raised:
            download(f"{base_url}/openapi.json", client, DEADLINE)
        elapsed = time.monotonic() - started
    assert 1.4 < elapsed < 3.0, elapsed
    detail = "no answer" if handler is never_answers else r"[\d,]+ bytes received"
    assert re.search(rf"deadline \({detail}\); check the network", str(raised.value)), raised.value
    progress = capsys.readouterr().err
    if handler is drips:
        assert re.search(r"fetch: openapi\.json: \d+ bytes of 10,000,000 \(0%\), \ds", progress), progress
    else:
        assert progress == "", progress


def test_a_slow_download_that_completes_shows_its_progress(capsys: pytest.CaptureFixture[str]) -> None:
    with raw_server(slow_but_complete) as base_url, httpx.Client() as client:
        assert download(f"{base_url}/openapi.json", client, DEADLINE) == b"ab" * 20
    lines = capsys.readouterr().err.splitlines()
    assert lines and all(
        re.fullmatch(r"fetch: openapi\.json: \d+ bytes of 40 \(\d+%\), \ds", x) for x in lines
    )


def test_a_fast_download_prints_nothing(server: SpecServer, capsys: pytest.CaptureFixture[str]) -> None:
    with httpx.Client() as client:
        assert download(f"{server.base_url}/openapi.json", client, DEADLINE)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("value", "deadline"), [("", RetryPolicy().deadline_seconds), ("300", 300.0), ("0.5", 0.5)]
)
def test_the_deadline_is_configurable(value: str, deadline: float) -> None:
    assert policy_from_env({"CEKURA_FETCH_DEADLINE": value}).deadline_seconds == deadline


@pytest.mark.parametrize("value", ["soon", "0", "-3"])
def test_a_bad_deadline_is_refused_saying_what_to_give(value: str) -> None:
    with pytest.raises(FetchError, match=r"CEKURA_FETCH_DEADLINE=.*give the deadline per file in seconds"):
        policy_from_env({"CEKURA_FETCH_DEADLINE": value})
