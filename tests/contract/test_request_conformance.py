"""Every operation, every declared media type: Django reads the values the caller passed.

Hypothesis draws valid arguments from the spec's schemas (schemathesis's strategies), the generated
`sync_detailed` sends them to a real Django REST framework app on loopback that routes every
operation of the patched document (`spec_routes.py`), and the test compares what Django read with
the arguments, location by location:

- the route: the request reached the intended operation (a collapsed `..` lands elsewhere);
- path: the values Django's converters gave;
- query: the values the operation's django-filter FilterSet cleaned (comma-separated lists, JSON
  text, last value of a repeated key);
- header: the API key;
- body: what the operation's serializer validated (PATCH partial), against the same serializer
  run on the caller's JSON.

Each operation's first call is sent again with edge values (`edge_arguments.py`), in its first
declared media type (parameters are encoded alike in all). A refusal before
any I/O passes only where a documented rule says so (`django_reading.documented_refusal`). The
request must also pass the spec's own check (`check_request`), and a JSON body be the caller's JSON.
"""

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, note, reject
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from spec_routes import READING_STATUS

from contract import spec
from contract.arguments import Unconvertible, built_with_constructor, call_arguments, unwrap_binary
from contract.capture import as_http_request, call_through
from contract.django_reading import (
    FORM_TYPES,
    body_difference,
    documented_refusal,
    parameter_differences,
    with_defaults,
)
from contract.edge_arguments import edge_variants
from contract.json_compare import first_difference, same_json
from contract.report import Cell
from scripts.mock_server.openapi_index import JSON, REQUEST, Operation
from scripts.mock_server.request_check import check_request

LOCATIONS = ("path", "query", "header")


def _cells() -> list[Cell]:
    return [
        Cell(op.operation_id, op.label, "request", media)
        for op in spec.operations()
        for media in (list(op.bodies) or ["no body"])
    ]


def checked_locations(operation: Operation, media_type: str | None) -> list[str]:
    """The parameter locations one cell compares: those the operation uses, the body with a media type."""
    used = {p.location for p in operation.parameters} | ({"header"} if operation.api_key_headers else set())
    return [location for location in LOCATIONS if location in used] + (["body"] if media_type else [])


@pytest.mark.parametrize("cell", _cells(), ids=str)
def test_client_request_conforms(cell: Cell, client_package: Any, django_app: str) -> None:
    operation = spec.index().by_operation_id[cell.operation_id]
    media_type = None if cell.variant == "no body" else cell.variant
    module = spec.endpoint_module(operation)
    refusals: list[str] = []
    try:
        _check_requests(operation, media_type, module, django_app, refusals)
    except Unsatisfiable:
        _skip_unsendable(media_type, refusals)


REFUSALS_BEFORE_GIVING_UP = 40  # all refused: Hypothesis would go on far longer before giving up


def _skip_unsendable(media_type: str | None, refusals: list[str]) -> None:
    last = refusals[-1] if refusals else "a required [], {} or null"
    pytest.skip(f"no generated body can be sent as {media_type}; the encoder refuses, as documented: {last}")


def _check_requests(
    operation: Operation, media_type: str | None, module: ModuleType, django_app: str, refusals: list[str]
) -> None:
    sent = 0

    @spec.CONTRACT_SETTINGS
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        nonlocal sent
        arguments, json_body = _draw_arguments(operation, media_type, module, data, refusals, not sent)
        function = module.sync_detailed
        _call(operation, media_type, function, arguments, json_body, django_app, refusals=refusals)
        if not sent and media_type in (None, next(iter(operation.bodies), None)):  # parameters: once
            for variant in edge_variants(function, operation, arguments):
                note(f"edge variant: {variant}")
                _call(operation, media_type, function, variant, json_body, django_app)
        sent += 1

    check()


def _draw_arguments(
    operation: Operation,
    media_type: str | None,
    module: ModuleType,
    data: st.DataObject,
    refusals: list[str],
    give_up: bool,
) -> tuple[dict[str, Any], Any]:
    """The drawn call's arguments, and its body as the caller's JSON (None without a body)."""
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
    if "body" in arguments:
        # The constructor, as a caller writes a model (first, so every profile sends it), or from_dict.
        if data.draw(st.sampled_from(["constructor", "from_dict"]), label="body built with") == "constructor":
            arguments["body"] = built_with_constructor(arguments["body"])
        return arguments, unwrap_binary(case.body)
    return arguments, None


def _call(
    operation: Operation,
    media_type: str | None,
    function: Callable[..., Any],
    arguments: dict[str, Any],
    json_body: Any,
    django_app: str,
    *,
    refusals: list[str] | None = None,
) -> None:
    """Send the call to the Django app and compare what it read with the arguments; `refusals`: the
    drawn call's, where a body its media type cannot say makes Hypothesis draw another."""
    passed = arguments
    try:
        request, response = call_through(function, passed, django_app)
    except ValueError as error:
        rule = documented_refusal(error, operation, media_type, passed)
        assert rule is not None, f"refused before sending, under no documented rule: {error!r}"
        note(f"refused as documented ({rule}): {error}")
        if refusals is not None and media_type is not None and "body_content_type=" in str(error):
            refusals.append(str(error))
            reject()
        return
    where = f"{request.method} {request.url.raw_path.decode('ascii')}"
    answer = " ".join(response.text.split())[:200]
    assert response.status_code == READING_STATUS, (
        f"{where}: Django answered {response.status_code} (no operation read it): {answer}"
    )
    reading = response.json()
    assert reading["operation_id"] == operation.operation_id, (
        f"{where} reached {reading['operation_id']}, not {operation.operation_id}"
    )
    problems = parameter_differences(reading, operation, with_defaults(function, passed))
    if "body" in passed:
        difference = body_difference(reading, operation, media_type or JSON, json_body)
        problems += [difference] if difference else []
    assert not problems, f"{where}: " + "; ".join(problems)
    _check_against_spec(operation, media_type, request, passed, json_body)


def _check_against_spec(
    operation: Operation, media_type: str | None, request: Any, arguments: dict[str, Any], json_body: Any
) -> None:
    sent = as_http_request(request)
    verdict = check_request(spec.index(), sent)
    assert verdict.accepted, (
        f"{sent.method} {sent.path}?{sent.query} rejected: {verdict.status} {verdict.body}"
    )
    assert verdict.operation is operation, f"routed to {verdict.operation and verdict.operation.label}"
    if "body" in arguments and verdict.media_type == JSON:
        assert media_type in (None, JSON), f"sent as {verdict.media_type}"
        assert same_json(verdict.decoded_body, json_body), first_difference(verdict.decoded_body, json_body)


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
