"""The mock Cekura API as an ASGI application: check the request, then answer as the spec documents.

No code per operation: routes, checks and answers all come from the patched document
(`OpenApiIndex`), so a new spec version is served as soon as it is patched.
"""

import json
from collections.abc import Awaitable, Callable, Collection, MutableMapping
from typing import Any

from .generated_data import GeneratedData
from .openapi_index import OpenApiIndex
from .request_check import HttpRequest, Verdict, check_request
from .responses import ResponseBook

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class MockApp:
    """ASGI app; `seed` picks the generated bodies (the same seed, the same answers).

    `api_keys`: the keys that authenticate (others get 401); None accepts any non-empty key.
    """

    def __init__(
        self, index: OpenApiIndex, *, seed: int = 0, api_keys: Collection[str] | None = None
    ) -> None:
        self.index = index
        self.api_keys = frozenset(api_keys) if api_keys is not None else None
        self.book = ResponseBook(index, GeneratedData(index), seed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        request = HttpRequest(
            method=str(scope["method"]),
            path=(scope.get("raw_path") or str(scope["path"]).encode()).decode("latin-1"),
            query=bytes(scope.get("query_string", b"")).decode("latin-1"),
            headers={k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]},
            body=await _read_body(receive),
        )
        verdict = check_request(self.index, request, self.api_keys)
        if not verdict.accepted:
            extra = (
                [(b"allow", ", ".join(m.upper() for m in verdict.allowed).encode())]
                if verdict.status == 405
                else []
            )
            await _respond(send, verdict.status, self._documented_error(verdict), extra)
            return
        assert verdict.operation is not None
        answer = self.book.answer(verdict.operation)
        if answer.has_body and request.method.upper() != "HEAD":
            await _respond(send, answer.status, answer.body, media_type=answer.media_type)
        else:
            await _respond_empty(send, answer.status)

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
