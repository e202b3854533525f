"""The mock as a client developer uses it, through the generated client over loopback: populated lists
that page, objects that round-trip, runs that complete, and faults the client retries.

Each test module gets its own mock (`api_mock`), so the contract tests' shared mock keeps its state.
"""

import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import Phase, find, settings
from hypothesis.errors import NoSuchExample

from contract import spec
from contract.arguments import Unconvertible, call_arguments
from scripts.mock_server import resources
from scripts.mock_server.app import MockApp
from scripts.mock_server.behaviour import Settings
from scripts.mock_server.fake_data import FakeData
from scripts.mock_server.openapi_index import JSON, Operation, Schema
from scripts.mock_server.resources import Resource
from scripts.mock_server.serve import RunningMock, running_mock

KEY = "api-test-key"
RUN_SECONDS = 1.5
ITEMS = 25  # more than the largest page (20), so every paged list has a second page


@pytest.fixture(scope="module")
def api_mock() -> Iterator[tuple[MockApp, RunningMock]]:
    app = MockApp(
        spec.index(), seed=3, api_keys=[KEY], settings=Settings(items=ITEMS, job_seconds=RUN_SECONDS)
    )
    with running_mock(app) as server:
        yield app, server


@pytest.fixture
def client(api_mock: tuple[MockApp, RunningMock], client_package: Any) -> Iterator[Any]:
    from cekura_client import Cekura
    from cekura_client.retries import RetryPolicy

    quick = RetryPolicy(initial_delay=0.01, max_delay=0.05)
    with Cekura(api_key=KEY, base_url=api_mock[1].base_url, retry_policy=quick) as made:
        yield made


def _map() -> resources.ResourceMap:
    return resources.ResourceMap(spec.index())


def _operations(kind: str) -> list[Operation]:
    roles = _map()
    return [op for op in spec.operations() if roles.role(op).kind == kind]


def _module(operation_id: str) -> Any:
    return spec.endpoint_module(spec.index().by_operation_id[operation_id])


def _arguments(operation: Operation, path: dict[str, Any], query: dict[str, Any] | None = None) -> Any:
    module = spec.endpoint_module(operation)
    case = SimpleNamespace(path_parameters=_typed_path(operation, path), query=query or {}, headers={})
    return call_arguments(module.sync_detailed, operation, case, None)


def _typed_path(operation: Operation, path: dict[str, Any]) -> dict[str, Any]:
    """`path` with each value as the type its parameter declares (an integer id as text for a string)."""
    typed = dict(path)
    for parameter in operation.parameters:
        is_text = spec.index().resolve(parameter.schema.node).get("type") == "string"
        if parameter.location == "path" and parameter.name in typed and is_text:
            typed[parameter.name] = str(typed[parameter.name])
    return typed


def _required_query(operation: Operation) -> dict[str, Any]:
    """A value for each required query parameter (ids: 1), the ones a list needs to be called at all."""
    values: dict[str, Any] = {}
    for parameter in operation.parameters:
        if parameter.location == "query" and parameter.required:
            kind = spec.index().resolve(parameter.schema.node).get("type")
            values[parameter.name] = [1] if kind == "array" else (1 if kind == "integer" else "1")
    return values


def _listed_id(client: Any, resource_key: str) -> Any:
    """The id of the first object a list of `resource_key` shows (for an operation nested under it)."""
    roles = _map()
    lister = next(op for op in _operations(resources.LIST) if roles.role(op).resource.key == resource_key)  # type: ignore[union-attr]
    arguments = _arguments(lister, {}, _required_query(lister))
    response = spec.endpoint_module(lister).sync_detailed(client=client, **arguments)
    body = response.parsed
    items = body.results if hasattr(body, "results") else body
    return items[0].id


def _path_values(client: Any, operation: Operation) -> dict[str, Any]:
    """Path parameters naming objects that exist: each is the id of the first object of its parent list."""
    values: dict[str, Any] = {}
    template = operation.path
    for parameter in operation.parameters:
        if parameter.location != "path":
            continue
        parent = template.split("{" + parameter.name + "}", 1)[0]
        key = resources.fold(parent)
        resource = _map().resources.get(key)
        values[parameter.name] = _listed_id(client, key) if resource and resource.listable else 1
        if parameter.name != "id" and not (resource and resource.listable):
            values[parameter.name] = "1"
    return values


@pytest.mark.parametrize("operation", _operations(resources.LIST), ids=lambda op: op.operation_id)
def test_every_list_shows_objects_and_each_retrieves(operation: Operation, client: Any) -> None:
    """The first page holds objects; each one that has a retrieve operation is that object there."""
    module = spec.endpoint_module(operation)
    response = module.sync_detailed(
        client=client, **_arguments(operation, _path_values(client, operation), _required_query(operation))
    )
    assert response.status_code == 200, response.content[:300]
    page = response.parsed
    items = page.results if hasattr(page, "results") else page
    assert len(items) >= 1
    if hasattr(page, "results"):
        assert page.count == ITEMS and isinstance(page.next_, str)
    role = _map().role(operation)
    assert role.resource is not None
    retrieve = _retrieve_of(role.resource)
    if retrieve is None or not hasattr(items[0], "id"):
        return
    for item in items[:3]:
        path = {**_path_values(client, retrieve), role.resource.id_param: item.id}
        shown = spec.endpoint_module(retrieve).sync_detailed(client=client, **_arguments(retrieve, path))
        assert shown.status_code == 200, shown.content[:300]
        assert shown.parsed.id == item.id
        shared = _same_properties(role.item_schema, retrieve.success().schema)
        assert shared - {"id"}, "the list item and the object share no field"
        listed, detail = item.to_dict(), shown.parsed.to_dict()
        assert {k: listed.get(k) for k in shared} == {k: detail.get(k) for k in shared}


def _same_properties(first: Schema | None, second: Schema | None) -> set[str]:
    """The properties both schemas declare with the same schema (a list item may summarise a field)."""
    assert first is not None and second is not None
    fake = FakeData(spec.index())
    ones, others = fake.property_schemas(first), fake.property_schemas(second)
    resolve = spec.index().resolve
    return {n for n in set(ones) & set(others) if resolve(ones[n].node) == resolve(others[n].node)}


def _retrieve_of(resource: Resource) -> Operation | None:
    roles = _map()
    return next(
        (op for op in _operations(resources.RETRIEVE) if roles.role(op).resource == resource),
        None,
    )


def test_paginate_walks_every_page(client: Any) -> None:
    from cekura_client import paginate
    from cekura_client.api.scenarios import scenarios_list

    ids = [scenario.id for scenario in paginate(scenarios_list.sync_detailed, client=client, page_size=10)]
    assert len(ids) == ITEMS and len(set(ids)) == ITEMS  # three pages of 10, 10 and 5
    everything = list(paginate(scenarios_list.sync_detailed, client=client))  # page_size 100, capped at 20
    assert [s.id for s in everything] == ids
    beyond = scenarios_list.sync_detailed(client=client, page=99, page_size=10)  # no 404 documented
    assert [s.id for s in beyond.parsed.results] == ids[20:]  # so the last page, with no `next`


def _five(resource: Resource) -> dict[str, Operation] | None:
    roles = _map()
    found: dict[str, Operation] = {}
    for operation in spec.operations():
        role = roles.role(operation)
        if role.resource == resource and role.kind not in found and not operation.path.count("{") > 1:
            found[role.kind] = operation
    kinds = (
        resources.CREATE,
        resources.RETRIEVE,
        resources.PARTIAL_UPDATE,
        resources.LIST,
        resources.DESTROY,
    )
    return {k: found[k] for k in kinds} if all(k in found for k in kinds) else None


ROUND_TRIP = [
    "dashboards/dashboards",
    "test_framework/scenarios",
    "test_framework/aiagents",
    "test_framework/personalities",
    "test_framework/test-profiles",
    "user/projects",
]


@pytest.mark.parametrize("key", ROUND_TRIP)
def test_create_retrieve_update_list_delete(key: str, client: Any) -> None:
    resource = _map().resources[key]
    operations = _five(resource)
    assert operations is not None, f"{key} lacks one of the five operations"
    field = _name_field(operations[resources.CREATE])
    created = _call(client, operations[resources.CREATE], {}, {field: "Created by the round trip"})
    assert created.status_code in (200, 201), created.content[:300]
    new_id = created.parsed.id
    path = {resource.id_param: new_id}
    shown = _call(client, operations[resources.RETRIEVE], path)
    assert shown.status_code == 200 and shown.parsed.id == new_id
    assert shown.parsed.to_dict().get(field) == "Created by the round trip"
    updated = _call(client, operations[resources.PARTIAL_UPDATE], path, {field: "Renamed"})
    assert updated.status_code == 200, updated.content[:300]
    assert _call(client, operations[resources.RETRIEVE], path).parsed.to_dict().get(field) == "Renamed"
    listed = _all_listed(client, operations[resources.LIST], field)
    assert listed.get(new_id) == "Renamed"
    destroyed = _call(client, operations[resources.DESTROY], path)
    assert destroyed.status_code == int(operations[resources.DESTROY].success().status)
    assert _call(client, operations[resources.RETRIEVE], path).status_code == 404
    assert new_id not in _all_listed(client, operations[resources.LIST], field)


def _name_field(create: Operation) -> str:
    """The object's name field in the create body: `name`, or `agent_name` for an agent."""
    body = spec.index().resolve(create.bodies[JSON].node)
    return next(name for name in ("name", "agent_name") if name in body.get("properties", {}))


def _all_listed(client: Any, operation: Operation, field: str) -> dict[Any, Any]:
    from cekura_client import paginate

    module = spec.endpoint_module(operation)
    response = module.sync_detailed(client=client)
    if hasattr(response.parsed, "results"):
        items = list(paginate(module.sync_detailed, client=client))
    else:
        items = response.parsed
    return {item.id: item.to_dict().get(field) for item in items}


def _call(
    client: Any, operation: Operation, path: dict[str, Any], fields: dict[str, Any] | None = None
) -> Any:
    """Call `operation` with `path`; with a body drawn from its JSON schema, updated with `fields`."""
    module = spec.endpoint_module(operation)
    if not operation.bodies:
        return module.sync_detailed(client=client, **_arguments(operation, path))
    body = {**_body(operation), **(fields or {})}
    case = SimpleNamespace(path_parameters=_typed_path(operation, path), query={}, headers={}, body=body)
    arguments = call_arguments(module.sync_detailed, operation, case, JSON)
    return module.sync_detailed(client=client, **arguments)


def _body(operation: Operation) -> dict[str, Any]:
    """The first JSON body (derandomized) the generated model takes, with a `name` to check."""
    module = spec.endpoint_module(operation)

    def usable(case: Any) -> bool:
        if not isinstance(case.body, dict):
            return False
        try:
            call_arguments(module.sync_detailed, operation, case, JSON)
        except (Unconvertible, ValueError):
            return False
        return True

    search = settings(database=None, derandomize=True, max_examples=50, phases=[Phase.generate])
    try:
        case = find(spec.generated().request(operation, JSON), usable, settings=search)
    except NoSuchExample:
        pytest.fail(f"no JSON body for {operation.label} in 50 examples")
    return dict(case.body)


def test_a_started_run_completes_within_the_configured_time(client: Any) -> None:
    from cekura_client.api.results import results_retrieve
    from cekura_client.api.runs import runs_retrieve
    from cekura_client.api.scenarios import scenarios_run_scenarios_create_v2

    operation = spec.index().by_operation_id["scenarios_run_scenarios_create_v2"]
    case = SimpleNamespace(
        path_parameters={}, query={}, headers={}, body={"agent_id": 7, "scenarios": [11, 12]}
    )
    arguments = call_arguments(scenarios_run_scenarios_create_v2.sync_detailed, operation, case, JSON)
    started = scenarios_run_scenarios_create_v2.sync_detailed(client=client, **arguments)
    assert started.status_code == 201, started.content[:300]
    result_id = started.parsed.id
    run_ids = [run.id for run in started.parsed.runs]
    assert len(run_ids) == 2
    seen: list[str] = []
    deadline = time.monotonic() + RUN_SECONDS + 2
    while time.monotonic() < deadline:
        status = results_retrieve.sync(result_id, client=client).status
        seen.append(str(status.value))
        if status.value == "completed":
            break
        time.sleep(0.1)
    assert seen[-1] == "completed", seen
    assert seen[0] != "completed" and len(set(seen)) >= 3, seen  # it went through stages
    assert all(str(runs_retrieve.sync(i, client=client).status.value) == "completed" for i in run_ids)


def test_a_progress_operation_advances_from_its_first_poll(client: Any) -> None:
    from cekura_client.api.scenarios import scenarios_create_from_transcript_progress_retrieve_v2 as progress

    first = progress.sync(client=client, progress_id="job-1")
    assert first.status.value == "in_progress"
    time.sleep(RUN_SECONDS)
    assert progress.sync(client=client, progress_id="job-1").status.value == "completed"
    assert progress.sync(client=client, progress_id="job-2").status.value == "in_progress"


def test_a_write_only_value_a_client_sent_never_comes_back(api_mock: tuple[MockApp, RunningMock]) -> None:
    """`provider.credentials.api_key` is `writeOnly`: a created agent keeps it, and no answer shows it
    (DRF never renders a write_only field; `schemathesis run` found the mock echoing it)."""
    import httpx

    agent = {
        "agent_name": "Support Bot",
        "provider": {"name": "elevenlabs", "credentials": {"api_key": "elevenlabs_key_xxx"}},
    }
    headers = {"X-CEKURA-API-KEY": KEY}
    with httpx.Client(base_url=api_mock[1].base_url, headers=headers) as http:
        created = http.post("/test_framework/v2/aiagents/", json=agent)
        assert created.status_code in (200, 201), created.text
        shown = [created, http.get(f"/test_framework/v2/aiagents/{created.json()['id']}/")]
        shown.append(http.get("/test_framework/v2/aiagents/", params={"page_size": 20}))
    for answer in shown:
        assert answer.status_code == 200 or answer is shown[0], answer.text
        assert "elevenlabs_key_xxx" not in answer.text
        assert not spec.index().errors(_success_schema(answer.request), answer.json())


def _success_schema(request: Any) -> Schema:
    operation, _, _ = spec.index().match(request.method, request.url.path)
    assert operation is not None
    schema = operation.success().schema
    assert schema is not None
    return schema
