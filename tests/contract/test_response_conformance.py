"""Every operation, every documented response: the client parses it into the documented type and back.

Valid bodies come from the response schemas (schemathesis's generators); the parsed value's
`to_dict()` (or the list of them) must give back the JSON it came from, up to datetime
normalisation (`json_compare`). Bodies that break the schema get the behaviour the client
documents (README, "Responses that break the spec"): an unknown enum value is kept, an extra field
lands in `additional_properties`, a missing required field raises `MalformedResponseError`, and a
value of the wrong type raises it where the client converts the value (models, lists of models,
enums, dates) and is otherwise kept exactly as received; never a bare KeyError/TypeError.
"""

import datetime
import enum
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import given

from contract import spec
from contract.json_compare import first_difference, same_json
from contract.report import Cell
from scripts.mock_server.coercion import json_types
from scripts.mock_server.generated_data import draw_one
from scripts.mock_server.openapi_index import DocumentedResponse, Operation

UNKNOWN_ENUM_VALUE = "x-value-added-after-this-client"
EXTRA_FIELD = "x_field_added_after_this_client"


def _response_cells() -> list[Cell]:
    return [
        Cell(op.operation_id, op.label, "response", r.status)
        for op in spec.operations()
        for r in op.responses
    ]


def _violation_cells() -> list[Cell]:
    cells = []
    for op in spec.operations():
        for response in op.responses:
            cells += [
                Cell(op.operation_id, op.label, "malformed response", f"{response.status} {kind}")
                for kind in _violations(response)
            ]
    return cells


def to_json(value: Any) -> Any:
    """A parsed value back as JSON, as the client writes it."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _documented(operation_id: str, status: str) -> tuple[Operation, DocumentedResponse]:
    operation = spec.index().by_operation_id[operation_id]
    response = operation.response(status)
    assert response is not None
    return operation, response


def _assert_documented_type(response: DocumentedResponse, parsed: Any) -> None:
    """A documented object with properties parses to a model, an array to a list."""
    assert response.schema is not None
    schema = spec.index().resolve(response.schema.node)
    types = json_types(spec.index(), schema)
    if schema.get("properties") and types == {"object"}:
        assert hasattr(parsed, "to_dict"), f"an object with properties parsed as {type(parsed).__name__}"
    if types == {"array"}:
        assert isinstance(parsed, list), f"an array parsed as {type(parsed).__name__}"


Mutation = Callable[[Any], tuple[str, Any]]


def _violations(response: DocumentedResponse) -> dict[str, Mutation]:
    """The schema violations that apply to a response (its body must be an object with properties)."""
    if response.schema is None:
        return {}
    index = spec.index()
    schema = index.resolve(response.schema.node)
    properties = schema.get("properties") or {}
    if not properties or json_types(index, schema) != {"object"}:
        return {}
    found: dict[str, Mutation] = {}
    if schema.get("additionalProperties") is not False:
        found["extra field"] = lambda body: (EXTRA_FIELD, {**body, EXTRA_FIELD: {"nested": [1, "two"]}})
    required = [
        n for n in schema.get("required", []) if not index.resolve(properties.get(n, {})).get("writeOnly")
    ]
    if required:
        name = required[0]
        found["missing required field"] = lambda body: (name, {k: v for k, v in body.items() if k != name})
        wrong = _wrong_value(json_types(index, properties[name]))
        if wrong is not None:
            found["wrong type"] = lambda body: (name, {**body, name: wrong})
    enum_name = next((n for n, p in properties.items() if _string_enum(p)), None)
    if enum_name is not None:
        found["unknown enum value"] = lambda body: (enum_name, {**body, enum_name: UNKNOWN_ENUM_VALUE})
    return found


def _wrong_value(types: set[str]) -> Any:
    if not types:
        return None  # anything is valid
    if "object" not in types:
        return {"unexpected": "object"}
    if "array" not in types:
        return ["unexpected", "array"]
    return None


def _string_enum(schema: Any) -> bool:
    index = spec.index()
    resolved = index.resolve(schema)
    branches = [index.resolve(b) for k in ("allOf", "anyOf", "oneOf") for b in resolved.get(k, ())]
    return any(
        isinstance(s.get("enum"), list) and all(isinstance(v, str) for v in s["enum"] if v is not None)
        for s in [resolved, *branches]
    )


@pytest.fixture(scope="module")
def client(client_package: Any) -> Any:
    from cekura_client import Client

    return Client(base_url="https://api.cekura.invalid")


def _build(module: Any, client: Any, response: httpx.Response) -> Any:
    """What the endpoint module returns for `response` (`sync_detailed`, after the request)."""
    from cekura_client.response_body import build_response

    return build_response(client, response, module._PARSERS)


def _parse(module: Any, client: Any, response: httpx.Response) -> Any:
    """The endpoint module's parsed body of `response` (the `parsed` of `sync_detailed`)."""
    from cekura_client.response_body import parse_response

    return parse_response(client, response, module._PARSERS)


@pytest.mark.parametrize("cell", _response_cells(), ids=str)
def test_client_parses_documented_response(cell: Cell, client: Any) -> None:
    operation, response = _documented(cell.operation_id, cell.variant)
    module = spec.endpoint_module(operation)
    status = int(response.status)
    if response.schema is None and response.media_types:  # a file: the client hands back its bytes
        content = b"\x00file\xffbytes\n"
        answer = httpx.Response(status, content=content, headers={"content-type": response.media_types[0]})
        built = _build(module, client, answer)
        assert built.parsed is not None, f"a {response.media_types[0]} body parsed as None"
        assert built.parsed.payload.read() == content
        return
    if response.schema is None:
        built = _build(module, client, httpx.Response(status))
        assert built.status_code == status
        assert built.parsed is None, f"a response without a JSON body parsed as {built.parsed!r}"
        return
    bodies = spec.generated().response_body(response.schema)

    # A fresh Hypothesis test per cell: one decorated test shared by thousands of parameters makes
    # Hypothesis chain a settings object per run, until the chain overflows the stack.
    @spec.CONTRACT_SETTINGS
    @given(body=bodies)
    def round_trip(body: Any) -> None:
        parsed = _parse(module, client, httpx.Response(status, json=body))
        _assert_documented_type(response, parsed)
        back = to_json(parsed)
        assert same_json(back, body), first_difference(back, body)

    round_trip()


@pytest.mark.parametrize("cell", _violation_cells(), ids=str)
def test_client_handles_malformed_response(cell: Cell, client: Any) -> None:
    from cekura_client import errors

    status, kind = cell.variant.split(" ", 1)
    operation, response = _documented(cell.operation_id, status)
    assert response.schema is not None
    module = spec.endpoint_module(operation)
    body = draw_one(spec.generated().response_body(response.schema), 0)
    field, mutated = _violations(response)[kind](body)

    def parse() -> Any:
        return _parse(module, client, httpx.Response(int(status), json=mutated))

    if kind == "extra field":
        parsed = parse()
        assert parsed.additional_properties[EXTRA_FIELD] == mutated[EXTRA_FIELD]
    elif kind == "unknown enum value":
        parsed = parse()
        assert to_json(parsed)[field] == UNKNOWN_ENUM_VALUE
    elif kind == "missing required field":
        with pytest.raises(errors.MalformedResponseError):
            parse()
    else:  # wrong type: refused where the client converts the value, else kept exactly as sent
        try:
            parsed = parse()
        except errors.MalformedResponseError:
            return
        kept = to_json(parsed)[field]
        assert same_json(kept, mutated[field]), f"{field}: {mutated[field]!r} came back as {kept!r}"
