"""Every operation, every declared media type: the client sends a request the patched spec accepts.

Hypothesis draws valid arguments from the spec's schemas (schemathesis's strategies), the generated
`sync_detailed` sends them through a recording transport, and `check_request` validates the request:
route and path parameters, query, the API-key header, Content-Type, and the body decoded per media
type (form and multipart by DRF's key rules, text read as the schema's types). A JSON body must also
arrive as generated (up to datetime normalisation); parameters must all be sent.
"""

from types import ModuleType
from typing import Any
from urllib.parse import parse_qs

import pytest
from hypothesis import given, note, reject
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

from contract import spec
from contract.arguments import Unconvertible, call_arguments
from contract.capture import API_KEY, API_KEY_HEADER, as_http_request, capture_request
from contract.json_compare import first_difference, same_json
from contract.report import Cell
from scripts.mock_server.openapi_index import FORM, JSON, MULTIPART, REQUEST, Operation
from scripts.mock_server.request_check import check_request

FORM_TYPES = (FORM, MULTIPART)


def _cells() -> list[Cell]:
    return [
        Cell(op.operation_id, op.label, "request", media)
        for op in spec.operations()
        for media in (list(op.bodies) or ["no body"])
    ]


@pytest.mark.parametrize("cell", _cells(), ids=str)
def test_client_request_conforms(cell: Cell, client_package: Any) -> None:
    operation = spec.index().by_operation_id[cell.operation_id]
    media_type = None if cell.variant == "no body" else cell.variant
    module = spec.endpoint_module(operation)
    refusals: list[str] = []
    try:
        _check_requests(operation, media_type, module, refusals)
    except Unsatisfiable:
        _skip_unsendable(media_type, refusals)


REFUSALS_BEFORE_GIVING_UP = 40  # all refused: Hypothesis would go on far longer before giving up


def _skip_unsendable(media_type: str | None, refusals: list[str]) -> None:
    last = refusals[-1] if refusals else "a required [], {} or null"
    pytest.skip(f"no generated body can be sent as {media_type}; the encoder refuses, as documented: {last}")


def _check_requests(
    operation: Operation, media_type: str | None, module: ModuleType, refusals: list[str]
) -> None:
    sent = 0

    @spec.CONTRACT_SETTINGS
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        nonlocal sent
        _check_one(operation, media_type, module, data, refusals, give_up=not sent)
        sent += 1

    check()


def _check_one(
    operation: Operation,
    media_type: str | None,
    module: ModuleType,
    data: st.DataObject,
    refusals: list[str],
    give_up: bool,
) -> None:
    case = data.draw(spec.generated().request(operation, media_type), label="case")
    if media_type is not None:
        assert case.media_type == media_type, f"drew a {case.media_type} case for {media_type}"
    if give_up and len(refusals) >= REFUSALS_BEFORE_GIVING_UP:
        _skip_unsendable(media_type, refusals)  # Hypothesis lets a skip through as it is
    if media_type in FORM_TYPES and _is_set(case.body):
        sayable = without_empty_optionals(case.body)
        if spec.index().errors(operation.bodies[media_type], sayable, direction=REQUEST):
            refusals.append("a required [], {} or null, which a form cannot say")
            reject()
        case.body = sayable
    try:
        arguments = call_arguments(module.sync_detailed, operation, case, media_type)
    except Unconvertible as error:
        note(f"not representable in Python: {error}")
        refusals.append(f"not representable in Python: {error}")
        reject()
    try:
        request = capture_request(module.sync_detailed, arguments)
    except ValueError as error:
        if "body_content_type=" in str(error):  # the encoder's documented refusal names the way out
            refusals.append(str(error))
            note(str(error))
            reject()
        raise
    sent = as_http_request(request)
    verdict = check_request(spec.index(), sent)
    assert verdict.accepted, (
        f"{sent.method} {sent.path}?{sent.query} rejected: {verdict.status} {verdict.body}"
    )
    assert verdict.operation is operation, f"routed to {verdict.operation and verdict.operation.label}"
    assert request.headers.get(API_KEY_HEADER) == API_KEY
    _assert_parameters_sent(operation, case, sent.query)
    if "body" in arguments:
        assert verdict.media_type == (media_type or verdict.media_type), f"sent as {verdict.media_type}"
        if verdict.media_type == JSON:
            expected = arguments["body"]
            expected_json = (
                [b.to_dict() for b in expected] if isinstance(expected, list) else expected.to_dict()
            )
            assert same_json(verdict.decoded_body, case.body), first_difference(
                verdict.decoded_body, case.body
            )
            assert same_json(expected_json, case.body), first_difference(expected_json, case.body)


def without_empty_optionals(value: Any) -> Any:
    """`value` less the object members that are null, [] or {}: what a form body can carry."""
    if isinstance(value, dict):
        kept = {
            k: without_empty_optionals(v) for k, v in value.items() if v is not None and v != [] and v != {}
        }
        return kept
    if isinstance(value, list):
        return [without_empty_optionals(v) for v in value]
    return value


def _is_set(value: Any) -> bool:
    return type(value).__name__ != "NotSet"


def _assert_parameters_sent(operation: Operation, case: Any, query: str) -> None:
    sent = parse_qs(query, keep_blank_values=True)
    for parameter in operation.parameters:
        if parameter.location == "query" and parameter.name in (case.query or {}):
            value = case.query[parameter.name]
            if value in ([], {}):
                continue  # form style has no way to send an empty list or object
            properties = value.keys() if isinstance(value, dict) and parameter.explode else [parameter.name]
            missing = [p for p in properties if p not in sent]
            assert not missing, f"query parameter {parameter.name!r} not sent ({missing}); sent {query!r}"
