"""Live mode: call the real API's read-only operations and validate what comes back against the spec.

Only GET operations that need no path parameter and no required query parameter are called (no
object ids are guessed); a transport guard refuses any other method before it leaves the machine.
Every mismatch between a response and its documented schema is spec drift, reported by operation.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

from scripts.mock_server.openapi_index import READ_ONLY_METHODS, OpenApiIndex, Operation

KEY_HEADER = "X-CEKURA-API-KEY"
DEFAULT_BASE_URL = "https://api.cekura.ai"


@dataclass(frozen=True)
class LiveResult:
    operation: Operation
    status: int
    mismatches: tuple[str, ...]  # empty: the response matches the spec


class ReadOnlyTransport(httpx.BaseTransport):
    """Sends GET, HEAD and OPTIONS only: a mutating request is an error before any I/O."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method.lower() not in READ_ONLY_METHODS:
            raise PermissionError(f"live mode never sends {request.method} ({request.url.path})")
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def callable_operations(index: OpenApiIndex) -> tuple[list[Operation], list[tuple[Operation, str]]]:
    """The operations live mode calls, and the others with the reason each is not called."""
    called: list[Operation] = []
    skipped: list[tuple[Operation, str]] = []
    for operation in index.operations:
        if operation.method not in READ_ONLY_METHODS:
            skipped.append((operation, f"{operation.method.upper()} changes data: never called live"))
        elif any(p.location == "path" for p in operation.parameters):
            skipped.append((operation, "needs an existing object's id in its path"))
        elif any(p.required for p in operation.parameters):
            names = ", ".join(p.name for p in operation.parameters if p.required)
            skipped.append((operation, f"needs required parameters ({names})"))
        else:
            called.append(operation)
    return called, skipped


def run_live(
    index: OpenApiIndex,
    operations: list[Operation],
    base_url: str,
    api_key: str,
    transport: httpx.BaseTransport | None = None,
) -> Iterator[LiveResult]:
    """Call each operation once and validate the response it gets."""
    guarded = ReadOnlyTransport(transport or httpx.HTTPTransport(retries=1))
    with httpx.Client(
        base_url=base_url, headers={KEY_HEADER: api_key}, transport=guarded, timeout=30
    ) as client:
        for operation in operations:
            response = client.request(operation.method.upper(), operation.path)
            yield LiveResult(operation, response.status_code, tuple(mismatches(index, operation, response)))


def mismatches(index: OpenApiIndex, operation: Operation, response: httpx.Response) -> Iterator[str]:
    documented = operation.response(str(response.status_code))
    if documented is None:
        documented_statuses = ", ".join(r.status for r in operation.responses)
        yield f"status {response.status_code} is not documented ({documented_statuses})"
        return
    if documented.schema is None:
        return
    try:
        body = response.json()
    except json.JSONDecodeError:
        yield f"status {response.status_code}: the body is not JSON"
        return
    for error in index.errors(documented.schema, body):
        where = "/".join(str(p) for p in error.absolute_path) or "(body)"
        yield f"{where}: {error.message[:200]}"
