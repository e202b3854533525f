"""A loopback HTTP server that answers from a script and records every request it received.

`serve(answer)` runs a `ThreadingHTTPServer` on 127.0.0.1 in a thread; `answer(seen)` returns the
`Reply` for each request (`replies(...)` scripts them in order), or `DROP` to close the connection
without answering, as a server that crashed mid-request would. `tls` serves HTTPS.
"""

import json
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from loopback import serving


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    client_port: int = 0
    """The client's side of the connection: one port per connection the client opened."""


@dataclass(frozen=True)
class Reply:
    status: int = 200
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None

    def content(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return b"" if self.json is None else json.dumps(self.json).encode()


DROP = Reply(status=0)
Answer = Callable[[Seen], Reply]


def replies(*scripted: Reply) -> Answer:
    """Answer with `scripted` in order, then keep repeating the last one."""
    queue = list(scripted)

    def answer(seen: Seen) -> Reply:
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return answer


@dataclass
class Server:
    url: str
    requests: list[Seen]


@contextmanager
def serve(answer: Answer, tls: ssl.SSLContext | None = None) -> Iterator[Server]:
    """Serve `answer` on a free loopback port, over TLS with `tls` (a server context)."""
    received: list[Seen] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def handle_one_request(self) -> None:
            try:
                super().handle_one_request()
            except (ConnectionError, ssl.SSLError):  # the client hung up or refused the certificate
                self.close_connection = True

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            split = urlsplit(self.path)
            seen = Seen(
                method=self.command,
                path=split.path,
                query=parse_qs(split.query),
                headers={key.lower(): value for key, value in self.headers.items()},
                body=self.rfile.read(length),
                client_port=self.client_address[1],
            )
            received.append(seen)
            reply = answer(seen)
            if reply is DROP:
                self.close_connection = True
                return
            content = reply.content()
            self.send_response(reply.status)
            headers = {"Content-Type": "application/json", **reply.headers}
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    scheme = "https" if tls is not None else "http"
    with serving(server):
        yield Server(url=f"{scheme}://127.0.0.1:{server.server_address[1]}", requests=received)
