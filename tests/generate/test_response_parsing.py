"""The endpoint's table of response parsers (`_PARSERS`, `response_body.build_response`) keeps behaviour.

A tiny document with every kind of documented response (a model, no body, a `4XX` range, a
`default`, a list of models, a file) is generated with the project's templates; each check calls
`sync_detailed` against an `httpx.MockTransport` in a fresh interpreter.
"""

from pathlib import Path
from typing import Any

import pytest
from fixture_client import build_fixture_client, run_in_client


def _json(schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


THING = {"$ref": "#/components/schemas/Thing"}
ID = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]
FIXTURE_DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Fixture", "version": "1"},
    "paths": {
        "/things/": {
            "get": {
                "operationId": "things_list",
                "tags": ["things"],
                "responses": {"200": _json({"type": "array", "items": THING})},
            }
        },
        "/things/{id}/": {
            "get": {
                "operationId": "things_retrieve",
                "tags": ["things"],
                "parameters": ID,
                "responses": {
                    "200": _json(THING),
                    "204": {"description": "nothing to send"},
                    "4XX": _json({"$ref": "#/components/schemas/Problem"}),
                    "default": _json({"$ref": "#/components/schemas/Other"}),
                },
            }
        },
        "/things/{id}/file/": {
            "get": {
                "operationId": "things_file",
                "tags": ["things"],
                "parameters": ID,
                "responses": {
                    "200": {
                        "description": "",
                        "content": {
                            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                        },
                    }
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Thing": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
            "Problem": {"type": "object", "properties": {"detail": {"type": "string"}}},
            "Other": {"type": "object", "properties": {"reason": {"type": "string"}}},
        }
    },
}

HEADER = """
import json
import httpx
from cekura_client import errors
from cekura_client.client import Client
from cekura_client.api.things import things_file, things_list, things_retrieve


def call(module, status, raise_on_unexpected_status=False, **response):
    transport = httpx.MockTransport(lambda request: httpx.Response(status, **response))
    client = Client(base_url="https://fixture.invalid", raise_on_unexpected_status=raise_on_unexpected_status)
    client.set_httpx_client(httpx.Client(base_url="https://fixture.invalid", transport=transport))
    kwargs = {} if module is things_list else {"id": 1}
    return module.sync_detailed(client=client, **kwargs)


def outcome(module, status, **response):
    try:
        built = call(module, status, **response)
    except errors.CekuraError as exc:
        return {"raised": type(exc).__name__, "cause": type(exc.__cause__).__name__}
    parsed = built.parsed
    if isinstance(parsed, list):
        parsed = [type(p).__name__ for p in parsed]
    elif parsed is not None:
        parsed = type(parsed).__name__
    return {"status": int(built.status_code), "parsed": parsed, "content": built.content.decode()}
"""


@pytest.fixture(scope="module")
def fixture_client(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_client(tmp_path_factory, "response-parsing", FIXTURE_DOCUMENT)


def run_check(client: Path, code: str) -> Any:
    return run_in_client(client, HEADER + code)


def test_each_documented_status_gets_its_parser(fixture_client: Path) -> None:
    code = """
print(json.dumps({
    "model": outcome(things_retrieve, 200, json={"name": "a", "extra": 1}),
    "no body": outcome(things_retrieve, 204),
    "range": outcome(things_retrieve, 404, json={"detail": "gone"}),
    "default": outcome(things_retrieve, 503, json={"reason": "later"}),
    "list": outcome(things_list, 200, json=[{"name": "a"}, {"name": "b"}]),
}))
"""
    assert run_check(fixture_client, code) == {
        "model": {"status": 200, "parsed": "Thing", "content": '{"name":"a","extra":1}'},
        "no body": {"status": 204, "parsed": None, "content": ""},
        "range": {"status": 404, "parsed": "Problem", "content": '{"detail":"gone"}'},
        "default": {"status": 503, "parsed": "Other", "content": '{"reason":"later"}'},
        "list": {"status": 200, "parsed": ["Thing", "Thing"], "content": '[{"name":"a"},{"name":"b"}]'},
    }


def test_a_file_response_keeps_its_bytes(fixture_client: Path) -> None:
    code = """
built = call(things_file, 200, content=b"\\x00bytes\\xff")
print(json.dumps({"type": type(built.parsed).__name__, "payload": list(built.parsed.payload.read())}))
"""
    assert run_check(fixture_client, code) == {"type": "File", "payload": [0, *b"bytes", 255]}


def test_a_body_that_breaks_its_schema_raises_malformed_response(fixture_client: Path) -> None:
    code = """
print(json.dumps({
    "missing field": outcome(things_retrieve, 200, json={"other": 1}),
    "not json": outcome(things_retrieve, 200, content=b"<html>"),
    "not a list": outcome(things_list, 200, json=7),
}))
"""
    assert run_check(fixture_client, code) == {
        "missing field": {"raised": "MalformedResponseError", "cause": "KeyError"},
        "not json": {"raised": "MalformedResponseError", "cause": "JSONDecodeError"},
        "not a list": {"raised": "MalformedResponseError", "cause": "TypeError"},
    }


def test_an_undocumented_status_is_none_unless_the_client_raises(fixture_client: Path) -> None:
    code = """
try:
    call(things_list, 418, raise_on_unexpected_status=True, content=b"teapot")
    raised = None
except errors.UnexpectedStatus as exc:
    raised = [exc.status_code, exc.content.decode()]
print(json.dumps({"quiet": outcome(things_list, 418, content=b"teapot"), "raised": raised}))
"""
    assert run_check(fixture_client, code) == {
        "quiet": {"status": 418, "parsed": None, "content": "teapot"},
        "raised": [418, "teapot"],
    }
