"""Serving a test's loopback server from a thread, and stopping it without a half-second wait."""

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# `serve_forever` looks for a shutdown request once per poll interval (0.5 s by default), so every
# server a test started cost it up to half a second at the end: minutes over the suite.
SHUTDOWN_POLL_SECONDS = 0.01


@contextmanager
def serving(server: socketserver.BaseServer) -> Iterator[None]:
    """Serve `server` from a daemon thread for the duration of the block, then shut it down and close it."""
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS}, daemon=True
    )
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
