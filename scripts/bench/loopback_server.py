"""A keep-alive HTTP server on 127.0.0.1 that answers every GET with a fixed JSON page.

`python -m scripts.bench.loopback_server SMALL LARGE` serves the file SMALL when the query asks for
`page_size=1`, else LARGE, and prints its port on the first line of stdout. It runs in its own
process so that the client under test does not share an interpreter lock with it. The standard
library server is enough here: every client is measured against the same server.
"""

import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


def make_handler(small: bytes, large: bytes) -> type[BaseHTTPRequestHandler]:
    class PageHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out as separate writes

        def do_GET(self) -> None:
            query = parse_qs(urlsplit(self.path).query)
            body = small if query.get("page_size") == ["1"] else large
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            del format, args

    return PageHandler


def main(argv: list[str]) -> int:
    small, large = (Path(name).read_bytes() for name in argv)
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(small, large))
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
