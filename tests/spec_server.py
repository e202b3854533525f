"""A scriptable HTTP server on loopback that serves the spec mirror, for fetch tests."""

import contextlib
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from loopback import serving


@dataclass(frozen=True)
class Reply:
    """What to answer for one request: `status`, a replacement `body`, a `delay`, or `truncate`."""

    status: int = 200
    body: bytes | None = None
    delay: float = 0.0
    truncate: bool = False


@dataclass
class SpecServer:
    root: Path
    base_url: str = ""
    scripted: dict[str, deque[Reply]] = field(default_factory=lambda: defaultdict(deque))
    hits: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def script(self, file: str, *replies: Reply) -> None:
        """Answer the next requests for `file` with `replies`, then serve the mirror file."""
        self.scripted["/" + file].extend(replies)


@contextmanager
def serve_mirror(root: Path) -> Iterator[SpecServer]:
    state = SpecServer(root=root)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.hits[self.path] += 1
            queue = state.scripted.get(self.path)
            reply = queue.popleft() if queue else Reply()
            time.sleep(reply.delay)
            local = (state.root / self.path.lstrip("/")).resolve()
            body = reply.body
            if body is None:
                if not local.is_file() or state.root.resolve() not in local.parents:
                    self.send_error(404)
                    return
                body = local.read_bytes()
            self.send_response(reply.status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            # The client may stop reading (a size limit or a timeout under test): its choice, no error.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body[: len(body) // 2] if reply.truncate else body)

        def log_message(self, format: str, *args: object) -> None:
            """Keep test output quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    with serving(server):
        yield state
