"""Faults on demand, provoked through each documented switch and observed by the generated client, with
the server's own count of the requests it received (so a client's retries are counted where they land).
"""

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from contract import spec
from scripts.mock_server.app import MockApp
from scripts.mock_server.faults import FaultSyntaxError, parse_fault, parse_rule
from scripts.mock_server.serve import RunningMock, running_mock

KEY = "faults-test-key"
SCENARIOS = "GET /test_framework/v1/scenarios/"
START_RULE = "POST /test_framework/*/personalities/: 503 x2"


@pytest.fixture
def mock() -> Iterator[tuple[MockApp, RunningMock]]:
    """A fresh mock per test: counts start at zero, and the start rule has all its faults left."""
    app = MockApp(spec.index(), api_keys=[KEY], fail=[START_RULE])
    with running_mock(app) as server:
        yield app, server


def _client(server: RunningMock, **options: Any) -> Any:
    from cekura_client import Cekura
    from cekura_client.retries import RetryPolicy

    return Cekura(
        api_key=KEY,
        base_url=server.base_url,
        retry_policy=RetryPolicy(initial_delay=0.01, max_delay=0.05),
        **options,
    )


def test_a_503_asked_for_in_a_header_is_retried(
    mock: tuple[MockApp, RunningMock], client_package: Any
) -> None:
    from cekura_client.api.scenarios import scenarios_list

    app, server = mock
    with _client(server, headers={"X-Mock-Fault": "503 x2"}) as client:
        response = scenarios_list.sync_detailed(client=client)
    assert response.status_code == 200
    assert response.parsed.count >= 1
    assert (app.faults.requests[SCENARIOS], app.faults.faults[SCENARIOS]) == (3, 2)


def test_a_429_with_retry_after_is_retried_even_for_a_post(
    mock: tuple[MockApp, RunningMock], client_package: Any
) -> None:
    from cekura_client.api.dashboards import dashboards_create
    from cekura_client.models import Dashboard

    app, server = mock
    app.faults.add("POST /dashboards/dashboards/: 429 retry-after=0.3 x1")
    with _client(server) as client:
        started = time.monotonic()
        response = dashboards_create.sync_detailed(client=client, body=Dashboard(name="Calls"))
        waited = time.monotonic() - started
    assert response.status_code == 201, response.content[:300]
    assert response.parsed.name == "Calls"
    assert app.faults.requests["POST /dashboards/dashboards/"] == 2
    assert waited >= 0.3  # the client waited as Retry-After said


def test_a_start_rule_fails_matching_requests_the_given_number_of_times(
    mock: tuple[MockApp, RunningMock], client_package: Any
) -> None:
    """A POST is not retried on a 503 (the API may have acted on it), so each failure reaches the caller."""
    from cekura_client.api.personalities import personalities_create
    from cekura_client.errors import ServerError
    from cekura_client.models import CreatePersonality

    app, server = mock
    body = CreatePersonality(name="Impatient caller", background_noise="cafe", voice_model="sonic")
    statuses = []
    with _client(server, raise_on_error=True) as client:
        for _ in range(3):
            try:
                statuses.append(int(personalities_create.sync_detailed(client=client, body=body).status_code))
            except ServerError as error:
                statuses.append(error.status_code)
    assert statuses == [503, 503, 201]
    assert app.faults.requests["POST /test_framework/v1/personalities/"] == 3


def test_a_500_asked_for_in_the_query_is_retried(
    mock: tuple[MockApp, RunningMock], client_package: Any
) -> None:
    app, server = mock
    with _client(server) as client:
        response = client.get_httpx_client().get(
            "/test_framework/v1/scenarios/", params={"mock_fault": "500 x1"}
        )
    assert response.status_code == 200
    assert response.json()["count"] >= 1
    assert (app.faults.requests[SCENARIOS], app.faults.faults[SCENARIOS]) == (2, 1)


def test_a_latency_delays_the_answer_and_a_timeout_is_retried(
    mock: tuple[MockApp, RunningMock], client_package: Any
) -> None:
    from cekura_client.api.scenarios import scenarios_list

    app, server = mock
    with _client(server, headers={"X-Mock-Fault": "latency=0.4"}) as client:
        started = time.monotonic()
        assert scenarios_list.sync_detailed(client=client).status_code == 200
        assert time.monotonic() - started >= 0.4
    with _client(server, headers={"X-Mock-Fault": "latency=1 x1"}, timeout=0.3) as client:
        assert scenarios_list.sync_detailed(client=client).status_code == 200  # timed out once, retried
    assert app.faults.requests[SCENARIOS] == 3


def test_a_dropped_connection_is_retried_for_a_get_and_reaches_the_caller_for_a_post(
    mock: tuple[MockApp, RunningMock], client_package: Any
) -> None:
    from cekura_client.api.dashboards import dashboards_create
    from cekura_client.api.scenarios import scenarios_list
    from cekura_client.errors import CekuraError
    from cekura_client.models import Dashboard

    app, server = mock
    with _client(server, headers={"X-Mock-Fault": "drop x1"}) as client:
        assert scenarios_list.sync_detailed(client=client).status_code == 200
    assert app.faults.requests[SCENARIOS] == 2
    with (
        _client(server, headers={"X-Mock-Fault": "drop"}) as client,
        pytest.raises((httpx.RemoteProtocolError, CekuraError)),  # the transport's error, or its wrapper
    ):
        dashboards_create.sync_detailed(client=client, body=Dashboard(name="Calls"))
    assert app.faults.requests["POST /dashboards/dashboards/"] == 1


def test_a_malformed_body_is_a_malformed_response_error(
    mock: tuple[MockApp, RunningMock], client_package: Any
) -> None:
    from cekura_client.api.scenarios import scenarios_list
    from cekura_client.errors import MalformedResponseError

    _, server = mock
    with (
        _client(server, headers={"X-Mock-Fault": "malformed"}) as client,
        pytest.raises(MalformedResponseError) as raised,
    ):
        scenarios_list.sync_detailed(client=client)
    assert raised.value.content.startswith(b'{"count": ')


def test_the_admin_routes_add_faults_count_requests_and_reset(mock: tuple[MockApp, RunningMock]) -> None:
    _, server = mock
    headers = {"X-CEKURA-API-KEY": KEY}
    with httpx.Client(base_url=server.base_url) as http:
        added = http.post("/__mock__/faults", json={"rule": "GET /dashboards/*: 503 x1"})
        assert added.status_code == 201
        assert http.get("/dashboards/dashboards/", headers=headers).status_code == 503
        created = http.post("/dashboards/dashboards/", json={"name": "Kept until reset"}, headers=headers)
        assert http.get(f"/dashboards/dashboards/{created.json()['id']}/", headers=headers).status_code == 200
        counts = http.get("/__mock__/requests").json()
        assert counts["faults"] == {"GET /dashboards/dashboards/": 1}
        assert http.post("/__mock__/reset").status_code == 204
        assert http.get(f"/dashboards/dashboards/{created.json()['id']}/", headers=headers).status_code == 404
        assert http.get("/__mock__/requests").json()["requests"] == {
            f"GET /dashboards/dashboards/{created.json()['id']}/": 1
        }
        refused = http.post("/__mock__/faults", json={"rule": "every request slowly"})
        assert refused.status_code == 400 and "METHOD PATH-PATTERN: FAULT" in refused.json()["rule"][0]
        wrong = http.get("/dashboards/dashboards/", headers={**headers, "X-Mock-Fault": "teapot"})
        assert wrong.status_code == 400 and "'teapot'" in wrong.json()["detail"]


def test_faults_and_rules_parse_as_documented() -> None:
    fault, times = parse_fault("429 retry-after=3 x2")
    assert (fault.status, fault.retry_after, times) == (429, 3.0, 2)
    assert parse_fault("latency=1.5,503")[0].latency == 1.5
    assert parse_fault("drop")[0].drop and parse_fault("malformed")[0].malformed
    rule = parse_rule(START_RULE)
    assert rule.matches("POST", "/test_framework/v1/personalities/")
    assert not rule.matches("GET", "/test_framework/v1/personalities/")
    with pytest.raises(FaultSyntaxError, match="not one of"):
        parse_fault("200")
