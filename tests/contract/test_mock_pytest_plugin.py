"""The pytest plugin, used as a project would: a fresh pytest loads it with `-p` and runs a test file
that knows only its fixtures (`mock_user_example.py`, the README's example)."""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from scripts.core import paths

EXAMPLE = Path(__file__).with_name("mock_user_example.py")


def test_the_plugin_serves_a_user_test(client_package: Path, tmp_path: Path) -> None:
    user_test = tmp_path / "test_user.py"
    user_test.write_text(EXAMPLE.read_text("utf-8"), "utf-8")
    environment: dict[str, Any] = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(paths.ROOT), str(client_package)]),
    }
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "scripts.mock_server.pytest_plugin",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "--rootdir",
            str(tmp_path),
            "--cekura-mock-run-seconds",
            "1",
            "-q",
            str(user_test),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
        check=False,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "1 passed" in run.stdout
