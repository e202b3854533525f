"""The package README's quick start, exactly as written: short, type-checked, and run against an API."""

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.core import paths
from scripts.mock_server.app import MockApp
from scripts.mock_server.openapi_index import OpenApiIndex
from scripts.mock_server.serve import running_mock

from .runtime_helpers import API_KEY
from .scripted_server import Reply, Seen, serve

README = paths.ROOT / "overrides" / "cekura_client" / "README.md"
QUICK_START = "## Quick start"
RUN_PATH = "/test_framework/v2/scenarios/run_scenarios_pipecat/"


def quick_start() -> str:
    """The first Python block under the quick start heading."""
    text = README.read_text("utf-8")
    section = text[text.index(QUICK_START) :]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match, "the quick start has no python block"
    return match.group(1)


def run_quick_start(project: Path, base_url: str, key: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CEKURA_API_KEY": key, "CEKURA_BASE_URL": base_url}
    return subprocess.run(
        [sys.executable, "-c", quick_start()],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_quick_start_is_short_and_needs_no_narrowing() -> None:
    lines = [line for line in quick_start().splitlines() if line.strip()]
    assert len(lines) < 10
    assert "isinstance" not in quick_start() and "cast(" not in quick_start()


def test_the_quick_start_passes_mypy_strict(generated_project: Path, tmp_path: Path) -> None:
    """Checked as a user's file beside the installed package (nothing written into the package)."""
    (tmp_path / "quick_start.py").write_text(quick_start(), encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), "quick_start.py"],
        cwd=tmp_path, env={**os.environ, "MYPYPATH": str(generated_project)},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout


def test_the_quick_start_runs_against_a_loopback_api(generated_project: Path) -> None:
    """An API that queues the run, then reports it running, then completed."""
    answers = iter(
        [
            Reply(200, {"id": 4521, "agent": 12, "status": "pending", "runs": []}),
            Reply(200, {"id": 4521, "agent": 12, "status": "running"}),
            Reply(200, {"id": 4521, "agent": 12, "status": "completed", "success_rate": 100.0}),
        ]
    )

    def answer(seen: Seen) -> Reply:
        return next(answers)

    with serve(answer) as server:
        completed = run_quick_start(generated_project, server.url, API_KEY)
        requests = [(seen.method, seen.path) for seen in server.requests]
        sent = json.loads(server.requests[0].body)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "completed 100.0"
    assert requests == [("POST", RUN_PATH)] + [("GET", "/test_framework/v2/results/4521/")] * 2
    assert sent["scenarios"][0]["pipecat_room_url"] == "https://example.daily.co/room"


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    app = MockApp(OpenApiIndex.from_path(paths.PATCHED_DOCUMENT), seed=0, api_keys=[API_KEY])
    with running_mock(app) as server:
        yield server.base_url


def test_the_quick_start_runs_against_the_mock_server(generated_project: Path, mock_url: str) -> None:
    """The mock starts the run, moves it through its statuses, and the quick start waits it out."""
    completed = run_quick_start(generated_project, mock_url, API_KEY)
    assert completed.returncode == 0, completed.stderr
    status, _ = completed.stdout.split()
    assert status in {"completed", "failed", "cancelled", "timeout"}
