"""The ordering plugin: which tests reach each line, and those tests first in a mutant's run."""

import json
import os
import subprocess
import sys
from pathlib import Path

from scripts.core import paths
from scripts.mutation.mutants import covering_tests
from scripts.mutation.test_order import COVERAGE_OUT_ENV, COVERED_SUFFIX_ENV, FIRST_ENV, RECORDED_ENV

LIBRARY = """\
def double(x):
    return x * 2


def pick(flag):
    if (
        flag
    ):
        return "yes"
    return "no"
"""

TESTS = """\
import library


def test_double():
    assert library.double(2) == 4


def test_pick_yes():
    assert library.pick(True) == "yes"


def test_pick_no():
    assert library.pick(False) == "no"


def test_nothing_of_the_library():
    assert True
"""


def run_pytest(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist"]
    command += ["-p", "scripts.mutation.test_order", *args]
    full_env = {**os.environ, "PYTHONPATH": f"{paths.ROOT}{os.pathsep}{project}", **env}
    return subprocess.run(command, cwd=project, env=full_env, capture_output=True, text=True, check=False)


def make_project(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "library.py").write_text(LIBRARY, encoding="utf-8")
    (tmp_path / "test_library.py").write_text(TESTS.replace("import library", "from pkg import library"))
    return tmp_path


def test_the_baseline_records_which_tests_run_each_line(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    out = tmp_path / "recorded.json"
    env = {COVERAGE_OUT_ENV: str(out), COVERED_SUFFIX_ENV: "pkg/library.py"}
    assert run_pytest(project, env, "-q", "test_library.py").returncode == 0
    recorded = json.loads(out.read_text(encoding="utf-8"))
    assert recorded["lines"]["2"] == ["test_library.py::test_double"]
    assert recorded["lines"]["10"] == ["test_library.py::test_pick_no"]
    assert recorded["lines"]["9"] == ["test_library.py::test_pick_yes"]
    assert recorded["lines"]["6"] == ["test_library.py::test_pick_no", "test_library.py::test_pick_yes"]
    assert set(recorded["seconds"]) == {
        f"test_library.py::{name}"
        for name in ("test_double", "test_pick_yes", "test_pick_no", "test_nothing_of_the_library")
    }


def test_every_line_of_a_statement_maps_to_the_tests_of_its_first_line_fastest_first() -> None:
    recorded = {
        "lines": {"6": ["t::slow", "t::fast"], "9": ["t::slow"]},
        "seconds": {"t::slow": 2.0, "t::fast": 0.1},
    }
    reaching = covering_tests(recorded, LIBRARY)
    # Lines 6 to 8 are one `if` condition written over three lines; line 9 is its body.
    assert reaching[6] == reaching[7] == reaching[8] == ["t::fast", "t::slow"]
    assert reaching[9] == ["t::slow"]
    assert 2 not in reaching  # no test ran it: its mutants run the tests in their usual order


def test_a_mutants_run_starts_with_the_listed_tests_and_still_runs_the_others(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    first = tmp_path / "first"
    first.write_text("test_library.py::test_pick_no\ntest_library.py::test_double", encoding="utf-8")
    recorded = tmp_path / "recorded.json"
    recorded.write_text(json.dumps({"lines": {}, "seconds": {}}), encoding="utf-8")
    env = {FIRST_ENV: str(first), RECORDED_ENV: str(recorded)}
    result = run_pytest(project, env, "-v", "test_library.py")
    assert result.returncode == 0, result.stdout
    order = [line.split(" ")[0] for line in result.stdout.splitlines() if " PASSED" in line]
    assert order == [
        "test_library.py::test_pick_no",
        "test_library.py::test_double",
        "test_library.py::test_pick_yes",
        "test_library.py::test_nothing_of_the_library",
    ]


def test_a_test_a_mutant_made_hang_fails_near_its_own_time(tmp_path: Path) -> None:
    (tmp_path / "test_hang.py").write_text(
        "import time\n\ndef test_hang():\n    time.sleep(60)\n", encoding="utf-8"
    )
    recorded = tmp_path / "recorded.json"
    # Baseline 0.01 s: the limit is 0.01 * TIME_FACTOR + TIME_MARGIN_SECONDS, far below 60 s.
    recorded.write_text(json.dumps({"lines": {}, "seconds": {"test_hang.py::test_hang": 0.01}}))
    result = run_pytest(tmp_path, {RECORDED_ENV: str(recorded)}, "-q", "test_hang.py")
    assert result.returncode != 0
    assert "Timeout" in result.stdout + result.stderr
