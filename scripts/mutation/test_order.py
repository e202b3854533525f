"""pytest plugin for `nox -s mutants`: the tests that reach a mutant's line run first.

A mutant is killed by the first failing test, and `-x` stops there, so a run costs the time to
reach that test. Loaded with `-p scripts.mutation.test_order`, this plugin has two modes:

- The baseline run (`COVERAGE_OUT_ENV` names a JSON file): coverage.py records, per test, which
  lines of the mutated module ran (`COVERED_SUFFIX_ENV`: the module's path ends so, wherever the
  tests import it from, e.g. a client package built in a temporary directory), and how long each
  test took. Written as `{"lines": {line: [node id, ...]}, "seconds": {node id: s}}`.
- A mutant's run (`FIRST_ENV` names a file of node ids, one per line): those tests run first, in
  that order; the others follow in their usual order. Nothing is left out, so a mutant survives
  exactly when the whole selection passes. With `RECORDED_ENV` (the baseline's JSON) and
  pytest-timeout installed, each test may take `TIME_FACTOR` times its baseline time plus
  `TIME_MARGIN_SECONDS`: a mutant that makes it hang (a loop whose exit it broke) fails there,
  not at the end of the whole run's timeout.

Lines that run only in a subprocess or at import time have no test recorded; their mutants run
the tests in their usual order.
"""

import json
import os
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

COVERAGE_OUT_ENV = "CEKURA_MUTANTS_COVERAGE_OUT"
COVERED_SUFFIX_ENV = "CEKURA_MUTANTS_COVERED_SUFFIX"
FIRST_ENV = "CEKURA_MUTANTS_FIRST"
RECORDED_ENV = "CEKURA_MUTANTS_RECORDED"
TIME_FACTOR = 3.0
# Covers what the baseline charged to another test: the session's fixtures (a client build, 2 s)
# set up for whichever test runs first, and a second run side by side on the machine.
TIME_MARGIN_SECONDS = 10.0

_recorder: Any = None  # a coverage.Coverage while the baseline run records
_seconds: dict[str, float] = {}


def pytest_configure(config: pytest.Config) -> None:
    global _recorder
    if not os.environ.get(COVERAGE_OUT_ENV):
        return
    import coverage  # the mutants session's dependency; only the baseline run needs it

    suffix = os.environ[COVERED_SUFFIX_ENV]
    _recorder = coverage.Coverage(data_file=None, include=[f"*/{suffix}"], config_file=False)
    _recorder.start()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, Any, Any]:
    if _recorder is None:
        return (yield)
    _recorder.switch_context(item.nodeid)
    started = time.perf_counter()
    try:
        return (yield)
    finally:
        _seconds[item.nodeid] = time.perf_counter() - started
        _recorder.switch_context("")


def pytest_unconfigure(config: pytest.Config) -> None:
    if _recorder is None:
        return
    _recorder.stop()
    data = _recorder.get_data()
    lines: dict[int, set[str]] = {}
    for measured in data.measured_files():
        for line, contexts in data.contexts_by_lineno(measured).items():
            lines.setdefault(line, set()).update(context for context in contexts if context)
    recorded = {
        "lines": {str(line): sorted(tests) for line, tests in sorted(lines.items()) if tests},
        "seconds": _seconds,
    }
    Path(os.environ[COVERAGE_OUT_ENV]).write_text(json.dumps(recorded), encoding="utf-8")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    first_file = os.environ.get(FIRST_ENV)
    if first_file:
        listed = Path(first_file).read_text(encoding="utf-8").split("\n")
        rank = {nodeid: n for n, nodeid in enumerate(listed)}
        # A stable sort: the listed tests in the listed order, then the rest as collected.
        items.sort(key=lambda item: rank.get(item.nodeid, len(rank)))
    recorded_file = os.environ.get(RECORDED_ENV)
    if recorded_file and config.pluginmanager.hasplugin("timeout"):
        seconds: dict[str, float] = json.loads(Path(recorded_file).read_text(encoding="utf-8"))["seconds"]
        longest = max(seconds.values(), default=0.0)
        for item in items:
            limit = seconds.get(item.nodeid, longest) * TIME_FACTOR + TIME_MARGIN_SECONDS
            # "thread": ends the whole run (exit code 1) even when the test hangs outside Python code.
            item.add_marker(pytest.mark.timeout(limit, method="thread"))
