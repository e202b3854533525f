"""A keep-alive HTTP server on 127.0.0.1 that answers every GET with a fixed JSON page.

`python -m scripts.bench.loopback_server SIZE=FILE...` serves the file given for the query's
`page_size` (the first file when the query names no size it has), and prints its port on the
first line of stdout. It runs in its own process so that the client under test does not share an
interpreter lock with it. The standard library server is enough here: every client is measured
against the same server.
"""

import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


def make_handler(pages: dict[str, bytes]) -> type[BaseHTTPRequestHandler]:
    fallback = next(iter(pages.values()))

    class PageHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out as separate writes

        def do_GET(self) -> None:
            sizes = parse_qs(urlsplit(self.path).query).get("page_size", [])
            body = pages.get(sizes[-1], fallback) if sizes else fallback
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            del format, args

    return PageHandler


class PageServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the async row opens 50 connections at once


def main(argv: list[str]) -> int:
    pages = {}
    for argument in argv:
        size, _, file = argument.partition("=")
        pages[size] = Path(file).read_bytes()
    server = PageServer(("127.0.0.1", 0), make_handler(pages))
    print(server.server_address[1], flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
