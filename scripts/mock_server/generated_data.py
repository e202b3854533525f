"""Schema-valid data for requests and responses, from schemathesis's generators on the patched document.

Requests: schemathesis builds a strategy per operation and media type. Responses: schemathesis
generates request data only, so each documented JSON response body becomes the request body of an
operation in a derived document (same components, `readOnly` dropped: a response carries the
properties a request must not). `draw_one` takes one value from a strategy for a seed, so a server
can answer the same body for the same seed.
"""

import copy
from collections.abc import Callable, Mapping
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis.schemas import APIOperation

from .openapi_index import JSON, OpenApiIndex, Operation, Schema

QUIET_SETTINGS = settings(
    database=None,
    deadline=None,
    derandomize=False,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


class GeneratedData:
    """Strategies for the requests and JSON response bodies of every operation of one document."""

    def __init__(self, index: OpenApiIndex) -> None:
        self.index = index
        self._requests = schemathesis.openapi.from_dict(copy.deepcopy(dict(index.document)))
        self._requests_by_media_type: dict[str, Any] = {}
        self._responses = schemathesis.openapi.from_dict(_response_document(index))
        self._response_strategies: dict[str, st.SearchStrategy[Any]] = {}
        self._request_strategies: dict[tuple[str, str | None], st.SearchStrategy[Any]] = {}

    def request_operation(
        self, operation: Operation, media_type: str | None = None
    ) -> APIOperation[Any, Any, Any, Any]:
        """The schemathesis operation; with `media_type`, one whose only body is that media type's.

        Schemathesis draws the body among all declared media types whatever `media_type` its
        `as_strategy` is given (that only sets the Content-Type header), so each media type gets a
        document of its own, built on first use.
        """
        schema = self._requests
        if media_type is not None:
            if media_type not in self._requests_by_media_type:
                document = _with_one_media_type(self.index.document, media_type)
                self._requests_by_media_type[media_type] = schemathesis.openapi.from_dict(document)
            schema = self._requests_by_media_type[media_type]
        return schema[operation.path][operation.method.upper()]

    def request(self, operation: Operation, media_type: str | None) -> st.SearchStrategy[Any]:
        """Cases (`path_parameters`, `query`, `headers`, `body`) with a body of `media_type`."""
        key = (operation.operation_id, media_type)
        strategy = self._request_strategies.get(key)
        if strategy is None:
            strategy = self._request_strategies[key] = self.request_operation(
                operation, media_type
            ).as_strategy(media_type=media_type)
        return strategy

    def response_body(self, schema: Schema) -> st.SearchStrategy[Any]:
        """Bodies valid under a documented response schema."""
        path = _response_path(schema.pointer)
        strategy = self._response_strategies.get(path)
        if strategy is None:
            cases = self._responses[path]["POST"].as_strategy(media_type=JSON)
            strategy = self._response_strategies[path] = cases.map(lambda case: case.body)
        return strategy


def draw_one(strategy: st.SearchStrategy[Any], seed_value: int) -> Any:
    """One value of `strategy`, the same for the same seed (Hypothesis, outside a test)."""
    drawn: list[Any] = []

    @settings(QUIET_SETTINGS, max_examples=1)
    @seed(seed_value)
    @given(strategy)
    def capture(value: Any) -> None:
        drawn.append(value)

    run: Callable[[], None] = capture
    run()
    return drawn[0]


def _with_one_media_type(document: Mapping[str, Any], media_type: str) -> dict[str, Any]:
    """A copy of `document` where each request body that declares `media_type` declares only it."""
    result = copy.deepcopy(dict(document))
    for item in result.get("paths", {}).values():
        for operation in item.values():
            content = operation.get("requestBody", {}).get("content") if isinstance(operation, dict) else None
            if isinstance(content, dict) and media_type in content:
                operation["requestBody"]["content"] = {media_type: content[media_type]}
    return result


def _response_path(pointer: str) -> str:
    return "/" + pointer.replace("~1", "_").replace("/", "_").replace("{", "_").replace("}", "_")


def _response_document(index: OpenApiIndex) -> dict[str, Any]:
    """A document whose operations take each documented JSON response body as their request body."""
    paths: dict[str, Any] = {}
    for operation in index.operations:
        for response in operation.responses:
            if response.schema is None:
                continue
            paths[_response_path(response.schema.pointer)] = {
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {JSON: {"schema": _without_read_only(response.schema.node)}},
                    },
                    "responses": {"200": {"description": "the body was generated"}},
                }
            }
    components = _without_read_only(index.document.get("components", {}))
    return {
        "openapi": index.document["openapi"],
        "info": {"title": "responses", "version": "1"},
        "paths": paths,
        "components": components,
    }


def _without_read_only(node: Any) -> Any:
    """`node` as a response sees it: readOnly properties are plain ones, writeOnly ones are gone."""
    if isinstance(node, list):
        return [_without_read_only(v) for v in node]
    if not isinstance(node, Mapping):
        return node
    result = {
        k: _without_read_only(v) for k, v in node.items() if not (k == "readOnly" and isinstance(v, bool))
    }
    properties = node.get("properties")
    if isinstance(properties, Mapping):
        write_only = {
            n for n, p in properties.items() if isinstance(p, Mapping) and p.get("writeOnly") is True
        }
        if write_only:
            result["properties"] = {n: p for n, p in result["properties"].items() if n not in write_only}
            if "required" in result:
                result["required"] = [n for n in result["required"] if n not in write_only]
    return result
