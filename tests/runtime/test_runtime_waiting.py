"""Waiting for long work: poll until done by the spec's terminal states, with backoff, timeout, cancel."""

import asyncio
import importlib
import threading
import time
from types import ModuleType
from typing import Any

import pytest

from .runtime_helpers import API_KEY
from .scripted_server import Reply, replies, serve

RESULT_PATH = "/test_framework/v2/results/4521/"


def result(status: str) -> Reply:
    return Reply(200, {"id": 4521, "agent": 12, "status": status, "success_rate": 0.5})


@pytest.fixture(scope="module")
def waiting(cekura: ModuleType) -> ModuleType:
    return importlib.import_module("cekura_client.waiting")


def test_wait_for_result_polls_until_a_terminal_status(cekura: ModuleType) -> None:
    with serve(
        replies(result("in_queue"), result("running"), result("evaluating"), result("completed"))
    ) as server:
        client = cekura.Cekura(api_key=API_KEY, base_url=server.url)
        done = cekura.wait_for_result(client, 4521, interval=0.01)
        paths = [seen.path for seen in server.requests]
    assert (done.status.value, done.success_rate) == ("completed", 0.5)
    assert paths == [RESULT_PATH] * 4


@pytest.mark.parametrize("terminal", ["failed", "cancelled", "timeout"])
def test_every_terminal_status_of_the_enum_ends_the_wait(cekura: ModuleType, terminal: str) -> None:
    with serve(replies(result("pending"), result(terminal))) as server:
        client = cekura.Cekura(api_key=API_KEY, base_url=server.url)
        assert cekura.wait_for_result(client, 4521, interval=0.01).status.value == terminal


def test_the_run_answer_is_accepted_and_one_without_an_id_is_refused(
    cekura: ModuleType, waiting: Any
) -> None:
    models = importlib.import_module("cekura_client.models")
    run = models.ScenariosRunScenariosCreateOkResponse.from_dict({"id": 4521})
    with serve(replies(result("completed"))) as server:
        client = cekura.Cekura(api_key=API_KEY, base_url=server.url)
        assert cekura.wait_for_result(client, run).id == 4521
    empty = models.ScenariosRunScenariosCreateOkResponse.from_dict({})
    with pytest.raises(waiting.NotPollableError, match="the run answer has no result id"):
        cekura.wait_for_result(cekura.Cekura(api_key=API_KEY, base_url="http://127.0.0.1:9"), empty)


def test_a_wait_past_its_timeout_raises_with_the_last_answer(cekura: ModuleType) -> None:
    with serve(replies(result("running"))) as server:
        client = cekura.Cekura(api_key=API_KEY, base_url=server.url)
        started = time.monotonic()
        with pytest.raises(
            cekura.WaitTimeoutError, match=r"results_retrieve_v2 was not done after 0\.2 s"
        ) as caught:
            cekura.wait_for_result(client, 4521, interval=0.05, timeout=0.2)
    assert time.monotonic() - started < 2
    assert caught.value.last.status.value == "running"
    assert isinstance(caught.value, TimeoutError) and isinstance(caught.value, cekura.CekuraError)


def test_a_set_cancel_event_stops_the_wait(cekura: ModuleType) -> None:
    cancel = threading.Event()
    cancel.set()
    with serve(replies(result("running"))) as server:
        client = cekura.Cekura(api_key=API_KEY, base_url=server.url)
        with pytest.raises(cekura.WaitCancelledError):
            cekura.wait_for_result(client, 4521, cancel=cancel)
        assert len(server.requests) == 1


def test_waits_grow_by_the_backoff_up_to_the_maximum(waiting: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(waiting.time, "sleep", slept.append)
    answers = iter(["running"] * 6 + ["completed"])

    def fetch() -> Any:
        return type("Answer", (), {"status": next(answers)})()

    waiting.poll(
        fetch, until=lambda answer: answer.status == "completed", interval=1, backoff=2, max_interval=5
    )()
    assert slept == [1, 2, 4, 5, 5, 5]


def test_poll_reads_the_rule_of_a_resource_method(cekura: ModuleType) -> None:
    progress = [{"completed_scenarios": 1, "failed_scenarios": 0, "total_scenarios": 3}]
    progress.append({"completed_scenarios": 2, "failed_scenarios": 1, "total_scenarios": 3})
    with serve(replies(Reply(200, progress[0]), Reply(200, progress[1]))) as server:
        client = cekura.Cekura(api_key=API_KEY, base_url=server.url)
        done = cekura.poll(client.scenarios.generate_progress_retrieve_v2, interval=0.01)(progress_id="p-1")
        assert len(server.requests) == 2
    assert (done.completed_scenarios, done.failed_scenarios) == (2, 1)


def test_an_operation_without_a_rule_needs_until(cekura: ModuleType, waiting: Any) -> None:
    client = cekura.Cekura(api_key=API_KEY, base_url="http://127.0.0.1:9")  # nothing is called
    with pytest.raises(waiting.NotPollableError, match="scenarios_list_v2 has no status or progress"):
        cekura.poll(client.scenarios.list_v2)
    assert callable(cekura.poll(client.scenarios.list_v2, until=lambda page: page.next_ is None))


def test_the_async_wait(cekura: ModuleType) -> None:
    with serve(replies(result("scaling_up"), result("completed"))) as server:
        client = cekura.AsyncCekura(api_key=API_KEY, base_url=server.url)
        done = asyncio.run(cekura.await_result(client, 4521, interval=0.01))
    assert done.status.value == "completed"


def test_the_async_wait_is_cancelled_by_its_event(cekura: ModuleType) -> None:
    async def run(client: Any) -> None:
        cancel = asyncio.Event()
        asyncio.get_running_loop().call_later(0.1, cancel.set)
        wait = cekura.apoll(client.results.retrieve_v2, interval=10, cancel=cancel)
        await wait(4521)

    with serve(replies(result("running"))) as server:
        client = cekura.AsyncCekura(api_key=API_KEY, base_url=server.url)
        started = time.monotonic()
        with pytest.raises(cekura.WaitCancelledError):
            asyncio.run(run(client))
    assert time.monotonic() - started < 5
