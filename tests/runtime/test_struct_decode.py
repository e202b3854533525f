"""A body decoded straight into the models (`struct_decode`) gives exactly what `from_dict` gives.

`from_dict` is the oracle: the generated parser the client has always used, on the value
`json.loads` gives. Bodies come from the mock's `FakeData` (every documented property filled,
values shaped by the schema) for the 2xx model of every operation in the patched document. A body
the fast path declines must be one `from_dict` reads differently (an extra key kept in
`additional_properties`); every other body must take the fast path, so a `_from_struct` that
raised or a struct that refused a valid body fails here rather than slowing the client unseen.
"""

import gc
import importlib
import json
import random
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
from fixture_client import build_fixture_client, run_in_client

from scripts.core import paths
from scripts.mock_server.coercion import json_types
from scripts.mock_server.fake_data import FakeData
from scripts.mock_server.openapi_index import OpenApiIndex, Operation

SEEDS = (1, 2)
PAGE = {
    "count": 1,
    "next": None,
    "previous": None,
    "results": [
        {
            "call_id": "call_1",
            "id": 7,
            "status": "success",
            "metrics": [
                {"id": 1, "name": "latency", "type": "numeric", "score": 0.5, "enum": "fast", "value": "0.5"}
            ],
            "timestamp": "2026-03-15T10:15:45Z",
        }
    ],
}


@pytest.fixture(scope="module")
def struct_decode(cekura: ModuleType) -> ModuleType:
    return importlib.import_module("cekura_client.struct_decode")


@pytest.fixture
def fresh_memory(struct_decode: ModuleType, monkeypatch: pytest.MonkeyPatch) -> set[type]:
    """The models that fell back, empty for this test and put back after it."""
    fallen_back: set[type] = set()
    monkeypatch.setattr(struct_decode, "_fallen_back", fallen_back)
    return fallen_back


_index = OpenApiIndex.from_path(paths.PATCHED_DOCUMENT) if paths.PATCHED_DOCUMENT.is_file() else None


def _model_success_operations() -> list[Operation]:
    """The operations whose 2xx body is an object with properties: the generator makes it a model."""
    if _index is None:
        return []
    found = []
    for op in _index.operations:
        schema = op.success().schema
        resolved = _index.resolve(schema.node) if schema is not None else {}
        if resolved.get("properties") and json_types(_index, resolved) == {"object"}:
            found.append(op)
    return found


def success_model(operation: Operation, status: str) -> Any:
    """The model class whose `from_dict` parses `operation`'s `status` body, or None."""
    module = importlib.import_module(f"cekura_client.api.{operation.tag}.{operation.operation_id}")
    parse = module._PARSERS.get(int(status)) if status.isdigit() else None
    owner = getattr(parse, "__self__", None)
    return owner if isinstance(owner, type) and getattr(parse, "__name__", "") == "from_dict" else None


def models_in(value: Any) -> Iterator[Any]:
    """Every model in a parsed value, nested ones included."""
    if hasattr(value, "additional_properties") or hasattr(value, "to_dict"):
        yield value
        fields = getattr(type(value), "__attrs_attrs__", ())
        for field in fields:
            yield from models_in(getattr(value, field.name))
    elif isinstance(value, list):
        for item in value:
            yield from models_in(item)


def has_extra_keys(parsed: Any) -> bool:
    return any(getattr(model, "additional_properties", None) for model in models_in(parsed))


@pytest.mark.parametrize("operation", _model_success_operations(), ids=lambda op: op.operation_id)
def test_every_success_body_decodes_to_the_model_from_dict_gives(
    struct_decode: ModuleType, operation: Operation
) -> None:
    assert _index is not None
    response = operation.success()
    model = success_model(operation, response.status)
    assert model is not None, f"{operation.operation_id}'s {response.status} body is not parsed by a model"
    assert struct_decode._decoder(model) is not None, f"{model.__name__} has no struct"
    assert response.schema is not None
    for seed in SEEDS:
        body = json.dumps(FakeData(_index).value(response.schema, random.Random(seed))).encode()
        expected = model.from_dict(json.loads(body))
        decoded = struct_decode.decode_model(body, model)
        if decoded is None:
            assert has_extra_keys(expected), f"seed {seed}: a body with only documented keys was declined"
            continue
        assert decoded == expected
        assert repr(decoded) == repr(expected)  # the same types too: 1 is not 1.0, nor a str a datetime
        assert decoded.to_dict() == expected.to_dict()


def test_every_success_model_has_a_struct(struct_decode: ModuleType) -> None:
    """No 2xx model of the document is recursive or parses its extra keys: the fast path is the usual one."""
    models = {success_model(op, op.success().status) for op in _model_success_operations()}
    assert len(models) > 100, "the patched document's operations parse their 2xx bodies with models"
    assert all(struct_decode._decoder(model) is not None for model in models)


def parse(cekura: ModuleType, body: Any) -> Any:
    """What `call_logs_list` returns for a 200 with `body`, through the endpoint's parser table."""
    module = importlib.import_module("cekura_client.api.call_logs.call_logs_list")
    response_body = importlib.import_module("cekura_client.response_body")
    response = httpx.Response(200, content=json.dumps(body).encode())
    client = cekura.Client(base_url="https://x.invalid")
    return response_body.parse_response(client, response, module._PARSERS)


def test_only_a_models_from_dict_is_decoded_as_that_model(
    struct_decode: ModuleType, fresh_memory: set[type]
) -> None:
    models = importlib.import_module("cekura_client.models")
    page = models.PaginatedCallLogListList
    assert struct_decode.struct_model(page.from_dict) is page
    assert struct_decode.struct_model(page._from_struct) is None  # a class method, not from_dict
    assert struct_decode.struct_model(models.RunListStatusEnum.parse) is None  # no model
    assert struct_decode.struct_model(lambda data: data) is None


def test_a_documented_page_takes_the_fast_path(
    cekura: ModuleType, struct_decode: ModuleType, fresh_memory: set[type]
) -> None:
    models = importlib.import_module("cekura_client.models")
    decoded = struct_decode.decode_model(json.dumps(PAGE).encode(), models.PaginatedCallLogListList)
    assert decoded is not None
    assert decoded == models.PaginatedCallLogListList.from_dict(PAGE)
    assert decoded.results[0].metrics[0].type_ == "numeric"  # JSON `type`, attribute `type_`
    assert parse(cekura, PAGE) == decoded
    assert fresh_memory == set()


def test_the_structs_are_not_tracked_by_the_cyclic_collector(struct_decode: ModuleType) -> None:
    """`gc=False`: a parse adds only the models to the objects each collection walks, not the structs."""
    models = importlib.import_module("cekura_client.models")
    struct = struct_decode._decoder(models.PaginatedCallLogListList)(json.dumps(PAGE).encode())
    assert not gc.is_tracked(struct)
    assert not gc.is_tracked(struct.results[0].metrics[0])


MISSING = object()


def with_change(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """A copy of `PAGE` with the value at `path` set to `value`, or removed if `value` is MISSING."""
    body: dict[str, Any] = json.loads(json.dumps(PAGE))
    target: Any = body
    for step in path[:-1]:
        target = target[step]
    if value is MISSING:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return body


@pytest.mark.parametrize(
    ("path", "value"),
    [
        pytest.param(("x_new",), 1, id="an extra key on the page"),
        pytest.param(("results", 0, "metrics", 0, "x_new"), {"a": [1]}, id="an extra key two models deep"),
        pytest.param(("results", 0, "status"), "archived", id="an enum value the spec does not list"),
        pytest.param(("results", 0, "id"), "seven", id="a string where the schema says integer"),
        pytest.param(("results", 0, "agent"), 1.5, id="a float where the schema says integer or null"),
    ],
)
def test_a_body_from_dict_reads_differently_falls_back_and_keeps_what_from_dict_keeps(
    cekura: ModuleType, struct_decode: ModuleType, fresh_memory: set[type], path: tuple[Any, ...], value: Any
) -> None:
    models = importlib.import_module("cekura_client.models")
    body = with_change(path, value)
    parsed = parse(cekura, body)
    expected = models.PaginatedCallLogListList.from_dict(body)
    assert parsed == expected
    assert repr(parsed) == repr(expected)
    assert parsed.to_dict() == expected.to_dict()


def test_a_model_that_fell_back_is_parsed_by_from_dict_from_then_on(
    cekura: ModuleType, struct_decode: ModuleType, fresh_memory: set[type]
) -> None:
    models = importlib.import_module("cekura_client.models")
    module = importlib.import_module("cekura_client.api.call_logs.call_logs_list")
    assert struct_decode.struct_model(module._PARSERS[200]) is models.PaginatedCallLogListList
    parse(cekura, with_change(("x_new",), 1))
    assert fresh_memory == {models.PaginatedCallLogListList}
    assert struct_decode.struct_model(module._PARSERS[200]) is None
    assert parse(cekura, PAGE) == models.PaginatedCallLogListList.from_dict(PAGE)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        pytest.param(("results", 0, "call_id"), MISSING, id="a missing required key"),
        pytest.param(("results", 0, "metrics", 0), None, id="null where the schema has a model"),
        pytest.param(("results", 0, "timestamp"), "yesterday", id="a date-time that is not one"),
        pytest.param(("results", 0, "status"), 5, id="a number where the enum has strings"),
    ],
)
def test_a_body_from_dict_refuses_raises_the_same_malformed_response_error(
    cekura: ModuleType, fresh_memory: set[type], path: tuple[Any, ...], value: Any
) -> None:
    models = importlib.import_module("cekura_client.models")
    body = with_change(path, value)
    with pytest.raises(cekura.MalformedResponseError) as raised:
        parse(cekura, body)
    with pytest.raises(Exception) as direct:
        models.PaginatedCallLogListList.from_dict(body)
    assert type(raised.value.__cause__) is type(direct.value)
    assert str(raised.value.__cause__) == str(direct.value)


def test_a_body_that_is_not_json_raises_as_before(cekura: ModuleType, fresh_memory: set[type]) -> None:
    module = importlib.import_module("cekura_client.api.call_logs.call_logs_list")
    response_body = importlib.import_module("cekura_client.response_body")
    response = httpx.Response(200, content=b"<html>busy</html>")
    with pytest.raises(cekura.MalformedResponseError) as raised:
        response_body.parse_response(cekura.Client(base_url="https://x.invalid"), response, module._PARSERS)
    assert isinstance(raised.value.__cause__, json.JSONDecodeError)


def _get(schema_name: str) -> dict[str, Any]:
    """A GET operation answering 200 with the component `schema_name`."""
    schema = {"$ref": f"#/components/schemas/{schema_name}"}
    return {
        "get": {
            "operationId": f"{schema_name.lower()}_retrieve",
            "tags": ["shapes"],
            "responses": {"200": {"description": "", "content": {"application/json": {"schema": schema}}}},
        }
    }


SHAPES = {
    "openapi": "3.1.0",
    "info": {"title": "shapes", "version": "1"},
    "paths": {"/tree/": _get("Tree"), "/tags/": _get("TagMap"), "/leaf/": _get("Leaf")},
    "components": {
        "schemas": {
            "Tree": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}},
                },
            },
            "TagMap": {
                "type": "object",
                "properties": {"owner": {"type": "string"}},
                "additionalProperties": {"$ref": "#/components/schemas/Tag"},
            },
            "Tag": {"type": "object", "properties": {"label": {"type": "string"}}},
            "Leaf": {
                "type": "object",
                "required": ["displayName"],
                "properties": {
                    "displayName": {"type": "string"},
                    "from": {"type": "string", "format": "date-time"},
                    "tag": {"$ref": "#/components/schemas/Tag"},
                },
            },
        }
    },
}

SHAPES_CHECK = """
import json
import httpx
from cekura_client import Client, struct_decode
from cekura_client.models import Leaf, TagMap, Tree
from cekura_client.api.shapes import leaf_retrieve, tagmap_retrieve, tree_retrieve
from cekura_client.response_body import parse_response

def parse(module, body):
    response = httpx.Response(200, content=json.dumps(body).encode())
    return parse_response(Client(base_url="https://x.invalid"), response, module._PARSERS)

tree = {"name": "root", "children": [{"name": "a", "children": [{"name": "b"}]}]}
tags = {"owner": "ann", "red": {"label": "Red"}}
leaf = {"displayName": "first", "from": "2026-03-15T10:15:45+05:30", "tag": {"label": "x"}}
decoded_leaf = struct_decode.decode_model(json.dumps(leaf).encode(), Leaf)
print(json.dumps({
    "tree struct": struct_decode._decoder(Tree) is not None,
    "tree parsed as from_dict": parse(tree_retrieve, tree) == Tree.from_dict(tree),
    "tag map struct": struct_decode._decoder(TagMap) is not None,
    "tag map parsed as from_dict": parse(tagmap_retrieve, tags) == TagMap.from_dict(tags),
    "leaf decoded": decoded_leaf is not None,
    "leaf as from_dict": repr(decoded_leaf) == repr(Leaf.from_dict(leaf)),
    "leaf parsed": repr(parse(leaf_retrieve, leaf)) == repr(Leaf.from_dict(leaf)),
    "fallen back": sorted(model.__name__ for model in struct_decode._fallen_back),
}))
"""


def test_a_recursive_model_or_parsed_extra_keys_use_from_dict_and_renamed_keys_decode(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Shapes the Cekura document lacks, from a document of their own, in a fresh interpreter."""
    client = build_fixture_client(tmp_path_factory, "shapes", SHAPES)
    assert run_in_client(client, SHAPES_CHECK) == {
        "tree struct": False,
        "tree parsed as from_dict": True,
        "tag map struct": False,
        "tag map parsed as from_dict": True,
        "leaf decoded": True,
        "leaf as from_dict": True,
        "leaf parsed": True,
        "fallen back": ["Tree"],  # no struct: remembered after its first body
    }
