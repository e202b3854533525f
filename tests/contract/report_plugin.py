"""Pytest hooks that fill the contract report: each test parametrized with a `Cell` adds its outcome.

Registered by `tests/conftest.py` for every run, so that with pytest-xdist the controller, which
collects nothing and so never loads `tests/contract/conftest.py`, still receives the outcomes
(workers attach the cell to each report's `user_properties`) and writes the report once.
"""

import os
from collections.abc import Generator
from dataclasses import asdict
from pathlib import Path
from typing import Any, cast

import pytest

from contract.report import Cell, Outcome, write_report

_OUTCOMES: list[Outcome] = []
_CELL = "contract cell"
_REPORT_PATH = pytest.StashKey[Path]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    """Label the reports of contract cells; with pytest-xdist they travel to the controller with it."""
    report = yield
    callspec = getattr(item, "callspec", None)
    cell = callspec.params.get("cell") if callspec is not None else None
    if isinstance(cell, Cell):
        report.user_properties.append((_CELL, asdict(cell)))
    return report


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Record each cell's outcome, in the process that writes the report (the xdist controller)."""
    labels = [cast(dict[str, str], value) for key, value in report.user_properties if key == _CELL]
    cell = Cell(**labels[0]) if labels else None
    if cell is not None and (report.when == "call" or (report.when == "setup" and not report.passed)):
        _OUTCOMES.append(Outcome(cell, _result(report), _reason(report)))


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _OUTCOMES and not os.environ.get("PYTEST_XDIST_WORKER"):
        path = write_report(_OUTCOMES)
        session.config.stash[_REPORT_PATH] = path


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    path = config.stash.get(_REPORT_PATH, None)
    if path is not None:
        terminalreporter.write_line(f"contract report: {path}")


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
