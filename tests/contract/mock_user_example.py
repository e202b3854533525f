"""A project's own test against the mock, as the README shows it: the plugin's fixtures only.

Not collected by the suite (no `test_` prefix): `test_mock_pytest_plugin.py` runs it in a fresh
pytest with `-p scripts.mock_server.pytest_plugin`, as a user would.
"""

import time
from typing import Any

from cekura_client import paginate
from cekura_client.api.results import results_list, results_retrieve
from cekura_client.api.scenarios import scenarios_create, scenarios_run_scenarios_create_v2
from cekura_client.models import SchemaPostRunScenarios, SchemaPostScenario


def test_create_run_and_wait_for_a_scenario(cekura_client: Any, cekura_mock: Any) -> None:
    scenario = scenarios_create.sync(
        client=cekura_client,
        body=SchemaPostScenario(name="Reschedule an appointment", personality=3, agent=7),
    )
    run = scenarios_run_scenarios_create_v2.sync(
        client=cekura_client, body=SchemaPostRunScenarios(agent_id=7, scenarios=[scenario.id])
    )
    result = results_retrieve.sync(run.id, client=cekura_client)
    while result.status.value != "completed":  # pending, in_queue, ..., running, evaluating
        time.sleep(0.2)
        result = results_retrieve.sync(run.id, client=cekura_client)

    ids = [r.id for r in paginate(results_list.sync_detailed, client=cekura_client, page_size=10)]
    assert run.id in ids and len(ids) > 10  # several pages

    cekura_mock.add_fault("GET /test_framework/v1/results/*: 429 x1")  # Retry-After: 1
    assert results_retrieve.sync(run.id, client=cekura_client).id == run.id  # retried once
    assert cekura_mock.faults(f"GET /test_framework/v1/results/{run.id}/") == 1
