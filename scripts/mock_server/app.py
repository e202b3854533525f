"""The mock Cekura API as an ASGI application: faults first, then the contract, then stateful answers.

No code per operation: routes, checks and answers all come from the patched document
(`OpenApiIndex`), so a new spec version is served as soon as it is patched. A request goes through:
the admin routes (`/__mock__/...`, `admin.py`); the fault it asked for or a rule names (`faults.py`);
the request check (`request_check.py`: 401, 404, 405, 415, DRF's 400); and the answer of its
operation's role (`behaviour.py`).
"""

import asyncio
import dataclasses
import json
import time
from collections.abc import Awaitable, Callable, Collection, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from .admin import ADMIN_PREFIX, admin_answer
from .behaviour import Answer, Behaviour, Call, Settings
from .faults import FAULT_HEADER, FAULT_QUERY, Fault, FaultBook, FaultSyntaxError
from .openapi_index import OpenApiIndex
from .rendering import Renderer
from .request_check import HttpRequest, Verdict, check_request

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class MockApp:
    """ASGI app; `seed` picks the generated bodies (the same seed, the same answers).

    `api_keys`: the keys that authenticate (others get 401); None accepts any non-empty key.
    `fail`: fault rules in force from the start (`faults.parse_rule`). `settings` sets the number of
    objects per list, the page sizes and how long a run takes; its seed is `seed`.
    """

    def __init__(
        self,
        index: OpenApiIndex,
        *,
        seed: int = 0,
        api_keys: Collection[str] | None = None,
        settings: Settings | None = None,
        fail: Collection[str] = (),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.index = index
        self.api_keys = frozenset(api_keys) if api_keys is not None else None
        self.settings = dataclasses.replace(settings or Settings(), seed=seed)
        self.faults = FaultBook(list(fail))
        renderer = Renderer(index, seed, self.settings.job_seconds, clock)
        self.book = Behaviour(index, self.settings, renderer, clock)

    def reset(self) -> None:
        """Back to the state at start: the seeded objects, the start rules, no request counted."""
        self.book.reset()
        self.faults.reset()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        query_pairs = parse_qsl(
            bytes(scope.get("query_string", b"")).decode("latin-1"), keep_blank_values=True
        )
        asked = headers.get(FAULT_HEADER) or next((v for k, v in query_pairs if k == FAULT_QUERY), None)
        raw_query = bytes(scope.get("query_string", b"")).decode("latin-1")
        request = HttpRequest(
            method=str(scope["method"]),
            path=(scope.get("raw_path") or str(scope["path"]).encode()).decode("latin-1").split("?", 1)[0],
            query=urlencode([(k, v) for k, v in query_pairs if k != FAULT_QUERY]) if asked else raw_query,
            headers=headers,
            body=await _read_body(receive),
        )
        if request.path.startswith(ADMIN_PREFIX):
            status, body = admin_answer(self, request)
            await _respond(send, status, body) if body is not None else await _respond_empty(send, status)
            return
        try:
            fault = self.faults.decide(request.method, request.path, asked)
        except FaultSyntaxError as problem:
            await _respond(send, 400, {"detail": str(problem)})
            return
        if fault is not None:
            if fault.latency:
                await asyncio.sleep(fault.latency)
            if await _injected(fault, receive, send):
                return
        answer = self._answer(request, scope, headers)
        if fault is not None and fault.malformed:
            await _respond(send, 200, _cut_short(answer))
        elif answer.has_body and request.method.upper() != "HEAD":
            await _respond(send, answer.status, answer.body, list(answer.headers), answer.media_type)
        else:
            await _respond_empty(send, answer.status)

    def _answer(self, request: HttpRequest, scope: Scope, headers: dict[str, str]) -> Answer:
        verdict = check_request(self.index, request, self.api_keys)
        if not verdict.accepted:
            extra = (
                [(b"allow", ", ".join(m.upper() for m in verdict.allowed).encode())]
                if verdict.status == 405
                else []
            )
            return Answer(verdict.status, self._documented_error(verdict), True, headers=tuple(extra))
        assert verdict.operation is not None
        _, path_parameters, _ = self.index.match(request.method, request.path)
        host = headers.get("host", "127.0.0.1")
        call = Call(
            operation=verdict.operation,
            path_parameters=path_parameters,
            query=request.query,
            body=verdict.decoded_body,
            base_url=f"{scope.get('scheme', 'http')}://{host}",
            path=request.path,
        )
        return self.book.answer(call)

    def _documented_error(self, verdict: Verdict) -> Any:
        """DRF's error body, or `{"detail": ...}` where the operation documents that shape for the status
        (a view that raises its own errors, such as the auto-fetch ones)."""
        documented = verdict.operation.response(str(verdict.status)) if verdict.operation else None
        if documented is None or documented.schema is None:
            return verdict.body
        if not self.index.errors(documented.schema, verdict.body):
            return verdict.body
        detail = {"detail": "; ".join(f"{k}: {v}" for k, v in verdict.body.items())}
        return detail if not self.index.errors(documented.schema, detail) else verdict.body


async def _injected(fault: Fault, receive: Receive, send: Send) -> bool:
    """Answer with the fault's status or drop the connection; False when the request goes on."""
    if fault.drop:
        cycle = getattr(receive, "__self__", None)  # uvicorn's request cycle, which holds the socket
        transport = getattr(cycle, "transport", None)
        if transport is None:
            raise RuntimeError("the drop fault needs uvicorn (its request cycle holds the connection)")
        transport.close()
        await asyncio.sleep(0)  # let the server see the connection gone before this request ends
        return True
    if fault.status is not None:
        extra = [(b"retry-after", f"{fault.retry_after:g}".encode())] if fault.status == 429 else []
        detail = "Request was throttled." if fault.status == 429 else "Injected fault (mock server)."
        await _respond(send, fault.status, {"detail": detail}, extra)
        return True
    return False


def _cut_short(answer: Answer) -> bytes:
    """The answer's JSON cut in the middle: what a client reads when a proxy truncates a body."""
    text = json.dumps(
        answer.body if answer.has_body and not isinstance(answer.body, bytes) else {"detail": "ok"}
    )
    return text[: max(1, len(text) // 2)].encode("utf-8")


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(bytes(message.get("body", b"")))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _respond(
    send: Send,
    status: int,
    body: Any,
    extra: list[tuple[bytes, bytes]] | None = None,
    media_type: str = "application/json",
) -> None:
    """Send `body`: JSON text, or as it is when it is bytes (a file of `media_type`)."""
    if isinstance(body, bytes):
        payload = body
    else:
        payload = json.dumps(body, ensure_ascii=False, allow_nan=False).encode("utf-8")
    headers = [
        (b"content-type", media_type.encode("latin-1")),
        (b"content-length", str(len(payload)).encode()),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def _respond_empty(send: Send, status: int) -> None:
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
