"""Bodies for the documented response schemas: a stored record shown through a schema, or a seeded value.

A record is shown property by property: a field a client wrote, where it is valid under the
schema's property, else a value generated from the seed, the resource, the id and the property name.
So a list item and the same object's detail agree on every property they share, whatever order
they are asked in, and the same seed gives the same bodies. A job's `status` is the stage its
lifecycle has reached. Every body is checked with the document's validator before it is served.
"""

import copy
import random
import zlib
from collections.abc import Callable
from typing import Any

from .fake_data import FakeData
from .generated_data import GeneratedData, draw_one
from .lifecycle import stage_at, stages_of
from .openapi_index import DocumentedResponse, OpenApiIndex, Schema
from .store import Record

ATTEMPTS = 4
"""Seeds tried for a generated body before falling back to Hypothesis's generator."""


class Renderer:
    """Bodies for one document and seed; `job_seconds` is how long a started job takes to complete."""

    def __init__(
        self,
        index: OpenApiIndex,
        seed: int,
        job_seconds: float,
        clock: Callable[[], float],
    ) -> None:
        self.index = index
        self.fake = FakeData(index)
        self.seed = seed
        self.job_seconds = job_seconds
        self.clock = clock
        self._fallback: GeneratedData | None = None  # Hypothesis's generator, built if ever needed
        self._generic: dict[str, Any] = {}
        self._shown: dict[tuple[str, str, str, int], Any] = {}  # a record's body, until it changes

    def generic(self, response: DocumentedResponse, salt: str) -> Any:
        """The seeded body of a response that shows no stored object (a copy: callers may change it)."""
        assert response.schema is not None
        key = f"{response.schema.pointer}|{salt}"
        if key not in self._generic:
            self._generic[key] = self._build_generic(response, salt)
        return copy.deepcopy(self._generic[key])

    def record(self, schema: Schema, resource_key: str, record: Record) -> Any:
        """`record` shown through `schema`: written fields where valid, generated values elsewhere.

        Kept until the record changes, except a job's (its status moves on); callers do not change it."""
        if record.started is not None:
            return self._record(schema, resource_key, record)
        key = (schema.pointer, resource_key, str(record.id), record.version)
        if key not in self._shown:
            self._shown[key] = self._record(schema, resource_key, record)
        return self._shown[key]

    def forget(self) -> None:
        """Drop the kept bodies (the store was reset: an id may come back with other fields)."""
        self._shown.clear()

    def _record(self, schema: Schema, resource_key: str, record: Record) -> Any:
        salt = f"{self.seed}:{resource_key}:{record.id}"
        properties = self.fake.property_schemas(schema)
        if not properties:
            return self._valid(schema, salt)
        body: dict[str, Any] = {}
        for name, child in properties.items():
            if child.node.get("writeOnly") is True or self.index.resolve(child.node).get("writeOnly") is True:
                continue
            written = record.fields.get(name, record.fields.get(f"{name}_id", _ABSENT))  # agent_id -> agent
            if written is not _ABSENT and not self.index.errors(child, written):
                body[name] = written
            else:
                body[name] = self.fake.value(child, random.Random(f"{salt}:{name}"), name)
        self._show_id(properties, body, record)
        if record.started is not None:
            self.show_stage(properties, body, record.started)
        return body if not self.index.errors(schema, body) else self._valid(schema, salt)

    def show_stage(self, properties: dict[str, Schema], body: dict[str, Any], started: float) -> None:
        """Set `body["status"]` to the stage a job started at `started` has reached, where it fits."""
        status = properties.get("status")
        if status is None:
            return
        stages = stages_of(self.index.resolve(status.node))
        if not stages:
            return
        stage = stage_at(stages, self.clock() - started, self.job_seconds)
        if not self.index.errors(status, stage):
            body["status"] = stage

    def _show_id(self, properties: dict[str, Schema], body: dict[str, Any], record: Record) -> None:
        child = properties.get("id")
        if child is None:
            return
        for shown in (record.id, str(record.id)):
            if not self.index.errors(child, shown):
                body["id"] = shown
                return

    def _build_generic(self, response: DocumentedResponse, salt: str) -> Any:
        assert response.schema is not None
        rng = random.Random(f"{self.seed}:{salt}")
        valid = [e for e in response.examples if not self.index.errors(response.schema, e)]
        if valid and rng.random() < 0.5:
            return rng.choice(valid)
        return self._valid(response.schema, f"{self.seed}:{salt}")

    def _valid(self, schema: Schema, salt: str) -> Any:
        for attempt in range(ATTEMPTS):
            value = self.fake.value(schema, random.Random(f"{salt}:{attempt}"))
            if not self.index.errors(schema, value):
                return value
        if self._fallback is None:
            self._fallback = GeneratedData(self.index)
        return draw_one(self._fallback.response_body(schema), zlib.crc32(salt.encode()))


_ABSENT: Any = object()
