"""Live mode (`nox -s contract -- --live` with CEKURA_API_KEY): read-only calls to the real API, checked
against the spec. Its plumbing is tested here against the mock, which runs everywhere."""

import os

import httpx
import pytest

from contract import spec
from contract.live import DEFAULT_BASE_URL, ReadOnlyTransport, callable_operations, run_live
from contract.report import Cell
from scripts.mock_server.serve import RunningMock

LIVE = os.environ.get("CEKURA_CONTRACT_LIVE") == "1"


def test_live_mode_checks_every_read_only_operation_against_the_mock(mock_server: RunningMock) -> None:
    called, skipped = callable_operations(spec.index())
    assert called and all(op.method == "get" for op in called)
    assert all(reason for _, reason in skipped)
    results = list(run_live(spec.index(), called, mock_server.base_url, spec.MOCK_API_KEY))
    assert [r.operation for r in results] == called
    assert [r for r in results if r.mismatches] == []


def test_live_mode_reports_a_response_that_breaks_the_spec() -> None:
    operation = spec.index().by_operation_id["dashboards_list"]
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, json={"count": "many", "results": []})
    )
    (result,) = run_live(spec.index(), [operation], "https://api.cekura.invalid", "key", transport)
    assert result.mismatches == ("count: 'many' is not of type 'integer'",)


def test_live_mode_never_sends_a_mutating_method() -> None:
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.method)
        return httpx.Response(200)

    guard = ReadOnlyTransport(httpx.MockTransport(answer))
    with httpx.Client(transport=guard, base_url="https://api.cekura.invalid") as client:
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            with pytest.raises(PermissionError, match="never sends"):
                client.request(method, "/x/")
        client.get("/x/")
    assert sent == ["GET"]


def _live_cells() -> list[Cell]:
    called, _ = callable_operations(spec.index())
    return [Cell(op.operation_id, op.label, "live", "GET") for op in called]


@pytest.mark.skipif(
    not LIVE, reason="live mode is off: run `nox -s contract -- --live` with CEKURA_API_KEY set"
)
@pytest.mark.parametrize("cell", _live_cells(), ids=str)
def test_live_response_matches_the_spec(cell: Cell) -> None:
    api_key = os.environ.get("CEKURA_API_KEY")
    if not api_key:
        pytest.skip("live mode needs CEKURA_API_KEY (an API key for the Cekura account to read from)")
    base_url = os.environ.get("CEKURA_BASE_URL", DEFAULT_BASE_URL)
    operation = spec.index().by_operation_id[cell.operation_id]
    (result,) = run_live(spec.index(), [operation], base_url, api_key)
    assert not result.mismatches, f"spec drift on {operation.label} ({result.status}): " + "; ".join(
        result.mismatches
    )
