"""What the mock answers for an accepted request: the operation's success response, schema-valid.

A body of another media type than JSON (a file) is a few bytes of that type. A valid example from
the spec is served as it is (it shows what the API really sends); otherwise a
body is generated from the schema, from the server's seed and the operation, so one seed always
gives the same answers. Bodies are built on first use and kept.
"""

import zlib
from dataclasses import dataclass
from typing import Any

from .generated_data import GeneratedData, draw_one
from .openapi_index import OpenApiIndex, Operation


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any  # JSON value, or bytes for a body of another media type; None: no body
    has_body: bool
    media_type: str = "application/json"


class ResponseBook:
    """The answer of every operation for one seed."""

    def __init__(self, index: OpenApiIndex, data: GeneratedData, seed: int) -> None:
        self.index = index
        self.data = data
        self.seed = seed
        self._answers: dict[str, Answer] = {}

    def prepare(self) -> None:
        """Build every answer now, in this thread (Hypothesis keeps its settings per process, so a
        server thread drawing while the main thread runs Hypothesis tests would tangle them)."""
        for operation in self.index.operations:
            self.answer(operation)

    def answer(self, operation: Operation) -> Answer:
        cached = self._answers.get(operation.operation_id)
        if cached is None:
            cached = self._answers[operation.operation_id] = self._build(operation)
        return cached

    def _build(self, operation: Operation) -> Answer:
        response = operation.success()
        status = int(response.status) if response.status.isdigit() else 200
        if response.schema is None and response.media_types:  # a file: bytes, the same for one seed
            content = f"mock file of {operation.operation_id}, seed {self.seed}\n".encode()
            return Answer(status, content, has_body=True, media_type=response.media_types[0])
        if response.schema is None:
            return Answer(status, None, has_body=False)
        valid = [e for e in response.examples if not self.index.errors(response.schema, e)]
        if valid:
            return Answer(status, valid[0], has_body=True)
        seed = zlib.crc32(f"{self.seed}:{operation.operation_id}".encode())
        return Answer(status, draw_one(self.data.response_body(response.schema), seed), has_body=True)
