"""The fork server runs each mutant's tests against the workspace as it is then, as a new process would."""

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.core import paths
from scripts.mutation.fork_server import ForkServer

ARGS = ["-q", "-p", "no:cacheprovider", "-p", "no:xdist", "test_project.py"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "project_code.py").write_text("VALUE = 1\n", encoding="utf-8")
    (tmp_path / "test_project.py").write_text(
        "import time\n"
        "import project_code\n\n"
        "def test_value():\n"
        "    print('to the output file')\n"
        "    assert project_code.VALUE == 1\n\n"
        "def test_hang_when_asked():\n"
        "    while project_code.VALUE == 3:\n"
        "        time.sleep(0.01)\n",
        encoding="utf-8",
    )
    return tmp_path


@pytest.fixture
def server(project: Path) -> Iterator[ForkServer]:
    env = {**os.environ, "PYTHONPATH": str(paths.ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    started = ForkServer(project, env)
    try:
        yield started
    finally:
        started.close()


def test_a_changed_module_is_read_again_even_after_the_libraries_are_preloaded(
    project: Path, server: ForkServer
) -> None:
    imported = project / "imported.txt"
    assert server.run(ARGS, timeout=60, modules=imported)[0]
    libraries = imported.read_text(encoding="utf-8").split("\n")
    assert "_pytest.main" in libraries
    assert "project_code" not in libraries and "test_project" not in libraries
    assert server.preload(libraries) >= 0
    # The same size and the same second as the first version: no stale bytecode may be used.
    (project / "project_code.py").write_text("VALUE = 2\n", encoding="utf-8")
    assert server.run(ARGS, timeout=60)[0] is False
    (project / "project_code.py").write_text("VALUE = 1\n", encoding="utf-8")
    assert server.run(ARGS, timeout=60)[0] is True


def test_the_tests_output_goes_to_the_file_asked_for_not_to_the_answers(
    project: Path, server: ForkServer
) -> None:
    output = project / "out.log"
    assert server.run([*ARGS, "-s"], timeout=60, output=output)[0]
    assert "to the output file" in output.read_text(encoding="utf-8")


def test_the_environment_of_each_run_is_the_one_asked_for(project: Path, server: ForkServer) -> None:
    (project / "test_env.py").write_text(
        "import os\n\ndef test_env():\n    assert os.environ.get('ASKED') == 'yes'\n", encoding="utf-8"
    )
    args = [*ARGS[:-1], "test_env.py"]
    assert server.run(args, timeout=60, extra_env={"ASKED": "yes"})[0]
    assert server.run(args, timeout=60)[0] is False


def test_a_run_past_its_timeout_is_killed_and_the_server_goes_on(project: Path, server: ForkServer) -> None:
    (project / "project_code.py").write_text("VALUE = 3\n", encoding="utf-8")
    started = time.monotonic()
    passed, seconds = server.run(ARGS, timeout=3)
    assert passed is False and 3 <= seconds < 30, seconds
    assert time.monotonic() - started < 30
    (project / "project_code.py").write_text("VALUE = 1\n", encoding="utf-8")
    assert server.run(ARGS, timeout=60)[0]


def test_closing_the_server_kills_the_run_under_way(project: Path, server: ForkServer) -> None:
    """What an interrupted `nox -s mutants` does: no fork keeps running after the orchestrator."""
    (project / "project_code.py").write_text("VALUE = 3\n", encoding="utf-8")
    outcome: list[tuple[bool, float]] = []
    worker = threading.Thread(target=lambda: outcome.append(server.run(ARGS, timeout=120)))
    worker.start()
    time.sleep(2)  # the fork is in the hanging test by now
    started = time.monotonic()
    server.close()
    worker.join(timeout=30)
    assert outcome and outcome[0][0] is False
    assert time.monotonic() - started < 15
    assert server.process.poll() is not None
