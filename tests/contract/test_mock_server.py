"""The mock Cekura server: DRF-shaped refusals, seeded answers, and both clients end to end over loopback."""

import asyncio
from typing import Any

import httpx
import pytest
from hypothesis import Phase, find, settings
from hypothesis.errors import NoSuchExample

from contract import spec
from contract.arguments import Unconvertible, call_arguments
from contract.report import Cell
from contract.spec import MOCK_API_KEY
from scripts.mock_server import resources
from scripts.mock_server.app import MockApp
from scripts.mock_server.behaviour import Settings
from scripts.mock_server.fake_data import FakeData
from scripts.mock_server.openapi_index import Operation
from scripts.mock_server.resources import ResourceMap
from scripts.mock_server.serve import RunningMock, running_mock

CHANGING = {resources.CREATE, resources.RUN, resources.PROGRESS}
"""Roles whose two calls answer different bodies: a new object each time, a job that moves on."""

KEY_HEADER = "X-CEKURA-API-KEY"


def test_mock_refuses_a_request_without_the_api_key(mock_server: RunningMock) -> None:
    with httpx.Client(base_url=mock_server.base_url) as client:
        for operation in spec.operations():
            path = operation.path.replace("{", "").replace("}", "")  # any non-empty segment routes
            response = client.request(operation.method, path)
            assert response.status_code == 401, operation.label
            assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_mock_refuses_an_unknown_api_key(mock_server: RunningMock) -> None:
    response = httpx.get(
        mock_server.base_url + "/dashboards/dashboards/", headers={KEY_HEADER: "not-the-key"}
    )
    assert response.status_code == 401
    assert list(response.json()) == ["detail"]


def test_mock_answers_invalid_input_with_drf_field_errors(mock_server: RunningMock) -> None:
    headers = {KEY_HEADER: MOCK_API_KEY}
    query = httpx.get(mock_server.base_url + "/observability/v1/call-logs/?page=first", headers=headers)
    assert query.status_code == 400
    assert query.json() == {"page": ["A valid integer is required."]}
    body = httpx.post(mock_server.base_url + "/dashboards/dashboards/", json={"name": 5}, headers=headers)
    assert body.status_code == 400
    assert body.json() == {"name": ["Not a valid string."]}
    missing = httpx.post(mock_server.base_url + "/dashboards/widgets/bulk_data/", json={}, headers=headers)
    assert missing.status_code == 400
    assert missing.json() == {"widget_ids": ["This field is required."]}


def test_mock_reads_an_empty_comma_separated_list_as_empty(mock_server: RunningMock) -> None:
    """`k=` is the empty list for a `style: form, explode: false` array, as django-filter reads it."""
    runs = mock_server.base_url + "/test_framework/v1/runs/"
    headers = {KEY_HEADER: MOCK_API_KEY}
    empty = httpx.get(runs, params={"personality__id__in": ""}, headers=headers)
    assert empty.status_code == 200, empty.text[:300]
    wrong = httpx.get(runs, params={"personality__id__in": "1,x"}, headers=headers)
    assert wrong.status_code == 400
    assert wrong.json() == {"personality__id__in": {"1": ["A valid integer is required."]}}


def test_mock_answers_unknown_routes_and_methods_as_drf(mock_server: RunningMock) -> None:
    headers = {KEY_HEADER: MOCK_API_KEY}
    assert httpx.get(mock_server.base_url + "/no/such/path/", headers=headers).status_code == 404
    wrong_method = httpx.put(mock_server.base_url + "/dashboards/dashboards/", headers=headers)
    assert wrong_method.status_code == 405
    assert wrong_method.headers["allow"] == "GET, POST"
    action = httpx.patch(  # a literal route also matched by `{id}/` decides alone, as in Django
        mock_server.base_url + "/observability/v1/call-logs-external/create_scenarios/", headers=headers
    )
    assert action.status_code == 405
    assert action.headers["allow"] == "POST"
    wrong_type = httpx.post(
        mock_server.base_url + "/dashboards/dashboards/",
        content=b"x",
        headers={**headers, "content-type": "text/csv"},
    )
    assert wrong_type.status_code == 415


def test_mock_answers_are_seeded() -> None:
    """The same seed gives the same bodies, another seed others; the bodies are valid for their schema."""
    index = spec.index()
    listed, shown = (index.by_operation_id[i] for i in ("dashboards_list", "dashboards_retrieve"))
    bodies = []
    for seed in (7, 7, 8):
        with running_mock(MockApp(index, seed=seed)) as server:
            page = httpx.get(server.base_url + "/dashboards/dashboards/", headers={KEY_HEADER: "any"})
            first = page.json()["results"][0]["id"]
            one = httpx.get(f"{server.base_url}/dashboards/dashboards/{first}/", headers={KEY_HEADER: "any"})
            bodies.append((page.json(), one.json()))
            assert (page.status_code, one.status_code) == (200, 200)
    results = [(page_body["results"], detail) for page_body, detail in bodies]  # `next` names the port
    assert results[0] == results[1]
    assert results[0][0] != results[2][0] and results[0][1] != results[2][1]
    page_schema, detail_schema = listed.success().schema, shown.success().schema
    assert page_schema is not None and detail_schema is not None
    for page_body, detail in bodies:
        assert index.errors(page_schema, page_body) == []
        assert index.errors(detail_schema, detail) == []


def test_mock_bodies_are_populated() -> None:
    """Every documented property of a list item is there; nested lists hold several items."""
    index = spec.index()
    operation = index.by_operation_id["scenarios_list"]
    with running_mock(MockApp(index, seed=1)) as server:
        page = httpx.get(server.base_url + operation.path, headers={KEY_HEADER: "any"}).json()
    item_schema = ResourceMap(index).role(operation).item_schema
    assert item_schema is not None
    documented = set(FakeData(index).property_schemas(item_schema))
    assert page["count"] == Settings().items and len(page["results"]) == Settings().page_size
    for item in page["results"]:
        assert set(item) == documented
    assert len({item["id"] for item in page["results"]}) == len(page["results"])
    assert any(isinstance(v, list) and len(v) >= 2 for item in page["results"] for v in item.values())


def _cells() -> list[Cell]:
    return [Cell(op.operation_id, op.label, "mock end to end", "sync and async") for op in spec.operations()]


@pytest.mark.parametrize("cell", _cells(), ids=str)
def test_clients_against_the_mock(cell: Cell, mock_server: RunningMock, client_package: Any) -> None:
    """Each operation, called with valid arguments by the sync and the async client, gets its documented
    success response, parsed. Path parameters name objects the mock holds (a deleted one is made first)."""
    from cekura_client import AuthenticatedClient

    operation = spec.index().by_operation_id[cell.operation_id]
    module = spec.endpoint_module(operation)
    role = ResourceMap(spec.index()).role(operation)
    success = operation.success()

    def client() -> Any:
        return AuthenticatedClient(
            base_url=mock_server.base_url, token=MOCK_API_KEY, prefix="", auth_header_name=KEY_HEADER
        )

    with client() as sync_client:
        arguments = _valid_arguments(operation, module, _existing_path(operation, mock_server.app))
        result = module.sync_detailed(client=sync_client, **arguments)
    assert result.status_code == int(success.status), result.content[:300]

    async def call_async() -> Any:
        async with client() as async_client:
            return await module.asyncio_detailed(client=async_client, **arguments)

    if role.kind == resources.DESTROY:
        arguments = _valid_arguments(operation, module, _existing_path(operation, mock_server.app))
    async_result = asyncio.run(call_async())
    assert async_result.status_code == int(success.status), async_result.content[:300]
    if role.kind not in CHANGING:  # the same state, the same seed: the same body
        assert async_result.content == result.content
    if success.schema is not None:
        assert result.parsed is not None and async_result.parsed is not None


def _existing_path(operation: Operation, app: MockApp) -> dict[str, Any]:
    """Path parameters that name objects the mock holds: the last object of each listable resource a
    parameter names; an object made for the call where the operation deletes it, or where no list
    shows the resource's ids (another test may have deleted the one a drawn id names)."""
    role = app.book.map.role(operation)
    found: dict[str, Any] = {}
    for parameter in operation.parameters:
        if parameter.location != "path":
            continue
        prefix = operation.path.split("{" + parameter.name + "}", 1)[0]
        resource = app.book.map.resources.get(resources.fold(prefix))
        if resource is None:
            continue
        deleted = role.kind == resources.DESTROY and role.id_param == parameter.name
        fresh = deleted or not resource.listable
        record = app.book.store.create(resource, {}) if fresh else app.book.store.records(resource)[-1]
        is_text = spec.index().resolve(parameter.schema.node).get("type") == "string"
        found[parameter.name] = str(record.id) if is_text else record.id
    return found


def _valid_arguments(operation: Operation, module: Any, path: dict[str, Any]) -> dict[str, Any]:
    """Arguments from the first generated case whose body (or none) is representable in Python and
    sendable in the operation's first media type (a form cannot send a required empty list, as
    documented), with `path`'s parameters; the same on every run."""
    media_type = next(iter(operation.bodies), None)

    def arguments(case: Any) -> dict[str, Any] | None:
        case.path_parameters = {**(case.path_parameters or {}), **path}
        try:
            found = call_arguments(module.sync_detailed, operation, case, media_type)
            module._get_kwargs(**found)
        except Unconvertible:
            return None
        except ValueError as error:
            if "body_content_type=" not in str(error):
                raise
            return None
        return found

    search = settings(database=None, derandomize=True, max_examples=50, phases=[Phase.generate])
    try:
        case = find(
            spec.generated().request(operation, media_type),
            lambda c: arguments(c) is not None,
            settings=search,
        )
    except NoSuchExample:
        pytest.fail(f"no representable, sendable arguments for {operation.label} in 50 examples")
    found = arguments(case)
    assert found is not None
    return found
