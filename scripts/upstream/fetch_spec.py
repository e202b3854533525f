"""`nox -s fetch`: download the declared upstream sources into `spec/upstream/`, checked against the lock.

`CEKURA_SPEC_MIRROR` (a directory or a base URL) replaces every source's origin: the same file
names are read from there, for offline and air-gapped runs. Nothing in the cache or the lock
changes unless every source was fetched and checked.

Each file has an overall deadline, retries included (`CEKURA_FETCH_DEADLINE` seconds, 120 by
default): a server that never answers, or drips bytes, fails within it instead of hanging. A
download still running after 2 s shows its progress on stderr.
"""

import argparse
import datetime
import json
import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn, TextIO

import httpx

from scripts.core import paths
from scripts.core.atomic_install import UPDATE_STAGE, exclusive, recover
from scripts.core.errors import FetchError, ToolchainError
from scripts.core.jsonio import sha256_hex, write_all_atomic
from scripts.upstream.lock import Lock, LockedFile, cache_problem, read_lock
from scripts.upstream.pages import extract_page_operation
from scripts.upstream.sources import Source, load_sources

MIRROR_ENV = "CEKURA_SPEC_MIRROR"
DEADLINE_ENV = "CEKURA_FETCH_DEADLINE"
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
UPDATE_HINT = "review and accept it with `nox -s fetch -- --update`"


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with exponential backoff for transient failures, all within one deadline."""

    attempts: int = 4
    backoff_seconds: float = 1.0
    timeout_seconds: float = 60.0  # for each network operation (connect, one read)
    deadline_seconds: float = 120.0  # for the whole file, every attempt included
    progress_after_seconds: float = 2.0


def policy_from_env(environ: Mapping[str, str] = os.environ) -> RetryPolicy:
    """The default policy, with the deadline from `CEKURA_FETCH_DEADLINE` (seconds) if set."""
    raw = environ.get(DEADLINE_ENV, "").strip()
    if not raw:
        return RetryPolicy()
    try:
        deadline = float(raw)
    except ValueError:
        deadline = 0.0
    if not deadline > 0:
        raise FetchError(f"{DEADLINE_ENV}={raw!r}: give the deadline per file in seconds, e.g. 300")
    return RetryPolicy(deadline_seconds=deadline)


@dataclass(frozen=True)
class Fetched:
    source: Source
    data: bytes


def origin_of(source: Source, mirror: str | None) -> str:
    """The URL or local path to read `source` from: the mirror's file of the same name, if set."""
    if not mirror:
        return source.url
    if mirror.startswith(("http://", "https://")):
        return f"{mirror.rstrip('/')}/{source.file}"
    return str(Path(mirror) / source.file)


def download(origin: str, client: httpx.Client, policy: RetryPolicy) -> bytes:
    """Read a local file, or GET a URL retrying transport errors and transient statuses (all within
    the policy's deadline)."""
    if not origin.startswith(("http://", "https://")):
        try:
            return Path(origin).read_bytes()
        except OSError as exc:
            raise FetchError(f"cannot read mirror file {origin}: {exc.strerror}") from exc
    deadline = time.monotonic() + policy.deadline_seconds
    progress = Progress(origin, time.monotonic() + policy.progress_after_seconds)
    last_problem = ""
    try:
        for attempt in range(1, policy.attempts + 1):
            try:
                status, reason, body = _get_within(origin, client, policy, deadline, progress)
            except httpx.TimeoutException:
                last_problem = f"timed out after {policy.timeout_seconds:g}s"
            except httpx.TransportError as exc:
                last_problem = f"{type(exc).__name__}: {exc}"
            else:
                if status == 200:
                    return body
                last_problem = f"HTTP {status} {reason}"
                if status not in RETRY_STATUSES:
                    raise FetchError(
                        f"fetch {origin}: {last_problem}; check the URL in spec/sources.yaml "
                        f"or the {MIRROR_ENV} mirror"
                    )
            pause = policy.backoff_seconds * 2 ** (attempt - 1)
            if attempt < policy.attempts and time.monotonic() + pause < deadline:
                time.sleep(pause)
            elif attempt < policy.attempts:
                _past_deadline(origin, policy, last_problem)
    finally:
        progress.done()
    raise FetchError(
        f"fetch {origin}: {last_problem} ({policy.attempts} attempts); check the network "
        f"or set {MIRROR_ENV} to a local mirror"
    )


def _get_within(
    origin: str, client: httpx.Client, policy: RetryPolicy, deadline: float, progress: "Progress"
) -> tuple[int, str, bytes]:
    """One GET, its body read in chunks so the deadline holds even when bytes keep trickling in."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        _past_deadline(origin, policy, "")
    timeout = httpx.Timeout(min(policy.timeout_seconds, remaining))
    chunks: list[bytes] = []
    received = 0
    try:
        with client.stream("GET", origin, timeout=timeout) as response:
            if response.status_code != 200:
                return response.status_code, response.reason_phrase, b""
            total = int(response.headers.get("Content-Length", "0") or 0) or None
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                received += len(chunk)
                progress.show(received, total)
                if time.monotonic() > deadline:
                    _past_deadline(origin, policy, f"{received:,} bytes received")
    except httpx.TimeoutException:
        if time.monotonic() + 0.05 >= deadline:
            _past_deadline(origin, policy, f"{received:,} bytes received" if received else "no answer")
        raise
    return 200, "OK", b"".join(chunks)


def _past_deadline(origin: str, policy: RetryPolicy, detail: str) -> NoReturn:
    note = f" ({detail})" if detail else ""
    raise FetchError(
        f"fetch {origin}: not complete within the {policy.deadline_seconds:g}s deadline{note}; "
        f"check the network, raise {DEADLINE_ENV} (seconds), or set {MIRROR_ENV} to a local mirror"
    )


class Progress:
    """A progress line on stderr for a download still running after a moment; silent before."""

    def __init__(self, origin: str, show_after: float, stream: TextIO | None = None) -> None:
        self.name = origin.rsplit("/", 1)[-1] or origin
        self.show_after = show_after
        self.started = time.monotonic()
        self.stream = stream
        self.last_shown = 0.0
        self.shown = False

    def show(self, received: int, total: int | None) -> None:
        now = time.monotonic()
        if now < self.show_after or now - self.last_shown < 0.5:
            return
        stream = self.stream or sys.stderr
        of = f" of {total:,} ({received * 100 // total}%)" if total else ""
        line = f"fetch: {self.name}: {received:,} bytes{of}, {now - self.started:.0f}s"
        end = "\r" if stream.isatty() else "\n"
        stream.write(line + end)
        stream.flush()
        self.last_shown, self.shown = now, True

    def done(self) -> None:
        stream = self.stream or sys.stderr
        if self.shown and stream.isatty():
            stream.write("\n")
            stream.flush()


def check_content(source: Source, data: bytes) -> None:
    """Refuse a body that is not what the source promises (truncated, not JSON, not OpenAPI)."""
    if source.kind == "page":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FetchError(f"{source.file}: not UTF-8 text ({exc.reason})") from exc
        try:
            extract_page_operation(text, source.file)
        except ToolchainError as exc:
            raise FetchError(str(exc)) from exc
        return
    try:
        document = json.loads(data)
    except ValueError as exc:
        raise FetchError(
            f"{source.file}: invalid JSON ({exc}); the download may be truncated, fetch again"
        ) from exc
    if not (
        isinstance(document, dict)
        and str(document.get("openapi", "")).startswith("3.")
        and isinstance(document.get("paths"), dict)
    ):
        raise FetchError(f"{source.file}: not an OpenAPI 3 document (no 'openapi: 3.x' and 'paths')")


def check_against_lock(source: Source, data: bytes, lock: Lock) -> None:
    """A hash that differs from the lock means the upstream changed: an error outside an update."""
    locked = lock.sources.get(source.file)
    if locked is None:
        raise FetchError(f"{source.file} is not in spec/lock.json; {UPDATE_HINT}")
    digest = sha256_hex(data)
    if digest != locked.sha256:
        raise FetchError(
            f"upstream changed: {source.file} has sha256 {digest[:16]}…, the lock has "
            f"{locked.sha256[:16]}… (fetched {locked.fetched}); {UPDATE_HINT}"
        )


def updated_lock(lock: Lock, fetched: Sequence[Fetched], today: str) -> Lock:
    """The lock for what was just fetched; unchanged files keep their original fetch date."""
    sources: dict[str, LockedFile] = {}
    for item in fetched:
        digest = sha256_hex(item.data)
        previous = lock.sources.get(item.source.file)
        keep = previous is not None and previous.sha256 == digest and previous.url == item.source.url
        sources[item.source.file] = LockedFile(
            url=item.source.url,
            sha256=digest,
            size=len(item.data),
            fetched=previous.fetched if keep and previous else today,
        )
    return Lock(sources=sources, patched=lock.patched)


def cache_matches_lock(sources: Sequence[Source], lock: Lock, cache_dir: Path) -> bool:
    """True when every source is cached with the locked hash (nothing to fetch)."""
    return all(cache_problem(source, lock, cache_dir) is None for source in sources)


def fetch_all(
    sources: Sequence[Source],
    lock: Lock,
    *,
    mirror: str | None,
    update: bool,
    policy: RetryPolicy,
) -> list[Fetched]:
    """Download and check every source; raise on the first problem, before anything is written."""
    fetched: list[Fetched] = []
    with httpx.Client(timeout=policy.timeout_seconds, follow_redirects=True) as client:
        for source in sources:
            data = download(origin_of(source, mirror), client, policy)
            check_content(source, data)
            if not update:
                check_against_lock(source, data, lock)
            fetched.append(Fetched(source=source, data=data))
    return fetched


def run(
    *,
    update: bool = False,
    if_needed: bool = False,
    mirror: str | None = None,
    policy: RetryPolicy | None = None,
    sources_file: Path = paths.SOURCES_FILE,
    lock_file: Path = paths.LOCK_FILE,
    cache_dir: Path = paths.UPSTREAM_DIR,
) -> list[Fetched]:
    """Fetch into `cache_dir`; with `update`, accept new hashes and rewrite the lock."""
    sources = load_sources(sources_file)
    lock = read_lock(lock_file)
    if if_needed and not update and cache_matches_lock(sources, lock, cache_dir):
        return []
    fetched = fetch_all(sources, lock, mirror=mirror, update=update, policy=policy or policy_from_env())
    files = {cache_dir / item.source.file: item.data for item in fetched}
    if update:
        today = datetime.datetime.now(datetime.UTC).date().isoformat()
        files[lock_file] = updated_lock(lock, fetched, today).to_json()
    write_all_atomic(files)
    return fetched


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nox -s fetch --", description=__doc__)
    parser.add_argument("--update", action="store_true", help="accept new upstream hashes")
    parser.add_argument("--if-needed", action="store_true", help="do nothing when the cache matches the lock")
    args = parser.parse_args(argv)
    mirror = os.environ.get(MIRROR_ENV) or None
    try:
        with exclusive(UPDATE_STAGE):  # every session fetches first: none sees a half-done update
            recovered = recover(UPDATE_STAGE)
        if recovered:
            print(f"update: {recovered}", file=sys.stderr)
        fetched = run(update=args.update, if_needed=args.if_needed, mirror=mirror)
    except ToolchainError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not fetched:
        print("fetch: the cache already matches spec/lock.json")
    for item in fetched:
        print(f"fetched {item.source.file} ({len(item.data):,} bytes, sha256 {sha256_hex(item.data)[:16]}…)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
