"""Run the mock on uvicorn: in the foreground (`python -m scripts.mock_server`) or in a thread for tests."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from .app import MockApp


def server_config(app: MockApp, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on", access_log=False)


class RunningMock:
    """A mock served in a thread: the app, its base URL, and how many client connections are open now."""

    def __init__(self, server: uvicorn.Server, base_url: str, app: MockApp) -> None:
        self.server = server
        self.base_url = base_url
        self.app = app

    def open_connections(self) -> int:
        return len(self.server.server_state.connections)


@contextmanager
def running_mock(app: MockApp, host: str = "127.0.0.1") -> Iterator[RunningMock]:
    """Serve `app` on a free loopback port in a thread until the block ends."""
    server = uvicorn.Server(server_config(app, host, 0))
    thread = threading.Thread(target=server.run, name="mock-server", daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the mock server stopped while starting; see the log above")
            threading.Event().wait(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield RunningMock(server, f"http://{host}:{port}", app)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
