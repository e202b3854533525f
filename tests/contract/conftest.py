"""Fixtures for the contract tests (the generated client, the mock server) and the report they fill."""

import os
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from contract import spec
from contract.report import Cell, Outcome, write_report
from scripts.mock_server.app import MockApp
from scripts.mock_server.serve import RunningMock, running_mock

_OUTCOMES: list[Outcome] = []


@pytest.fixture(scope="session")
def client_package(generated_project: Path) -> Path:
    """The generated client is importable as `cekura_client` (built by the shared fixture)."""
    return generated_project


@pytest.fixture(scope="session")
def mock_server() -> Iterator[RunningMock]:
    """A mock server on a free loopback port, for the whole session; it accepts `spec.MOCK_API_KEY` only."""
    app = MockApp(spec.index(), seed=0, api_keys=[spec.MOCK_API_KEY])
    app.book.prepare()
    with running_mock(app) as server:
        yield server


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    callspec = getattr(item, "callspec", None)
    cell = callspec.params.get("cell") if callspec is not None else None
    if isinstance(cell, Cell) and (report.when == "call" or (report.when == "setup" and not report.passed)):
        _OUTCOMES.append(Outcome(cell, _result(report), _reason(report)))
    return report


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _OUTCOMES and not os.environ.get("PYTEST_XDIST_WORKER"):
        path = write_report(_OUTCOMES)
        session.config.stash[_REPORT_PATH] = path


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    path = config.stash.get(_REPORT_PATH, None)
    if path is not None:
        terminalreporter.write_line(f"contract report: {path}")


_REPORT_PATH = pytest.StashKey[Path]()


def _result(report: pytest.TestReport) -> str:
    if hasattr(report, "wasxfail"):
        return "xpassed" if report.passed else "xfailed"
    return report.outcome


def _reason(report: pytest.TestReport) -> str:
    if hasattr(report, "wasxfail"):
        return str(report.wasxfail)
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    if report.failed:
        text = str(report.longrepr)
        lines = [line for line in text.splitlines() if line.startswith("E ")]
        return " ".join(line[1:].strip() for line in lines[:3]) or text.splitlines()[-1]
    return ""
