"""What the client says about itself: its `User-Agent`, `__version__`, and the logs `CEKURA_LOG` turns on."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from scripts.core import paths
from scripts.distribute.build_dist import dist_version, locked_document
from scripts.update.changelog import CHANGELOG_FILE
from scripts.upstream.lock import read_lock

from .runtime_helpers import API_KEY, CATEGORIES_PATH, EMPTY_PAGE, call, operation
from .scripted_server import Reply, replies, serve

PYTHON = ".".join(str(part) for part in sys.version_info[:3])


def test_the_user_agent_names_the_client_python_and_httpx(cekura: ModuleType, client_for: Any) -> None:
    with serve(replies(Reply(200, EMPTY_PAGE))) as server:
        call("sync", operation("list"), client=client_for(server.url))
    agent = server.requests[0].headers["user-agent"]
    assert agent == f"cekura-client/{cekura.__version__} (python {PYTHON}; httpx {httpx.__version__})"


def test_a_copy_that_was_not_installed_says_so(cekura: ModuleType) -> None:
    assert cekura.__version__ == "0+unknown"


def build_version() -> str:
    """The version `nox -s build` gives the package for the locked spec."""
    date, sha256 = locked_document(read_lock(paths.LOCK_FILE))
    changelog = CHANGELOG_FILE.read_text("utf-8") if CHANGELOG_FILE.exists() else ""
    return dist_version(date, sha256, changelog)


def test_an_installed_client_has_the_version_of_its_distribution(
    generated_project: Path, tmp_path: Path
) -> None:
    """A site directory as pip leaves it: the package and the distribution's metadata beside it."""
    version = build_version()
    (tmp_path / "cekura_client").symlink_to(generated_project / "cekura_client")
    metadata = tmp_path / f"cekura_client-{version}.dist-info"
    metadata.mkdir()
    (metadata / "METADATA").write_text(f"Metadata-Version: 2.1\nName: cekura-client\nVersion: {version}\n")
    code = (
        "import json, cekura_client; client = cekura_client.Cekura(api_key='k');"
        "print(json.dumps([cekura_client.__version__, client.get_httpx_client().headers['user-agent']]))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == [
        version,
        f"cekura-client/{version} (python {PYTHON}; httpx {httpx.__version__})",
    ]
    assert re.fullmatch(r"20\d\d\.\d{1,2}\.\d{1,2}(\.\d+)?", version)


CALL_TWICE = """
import os
from cekura_client import Cekura
from cekura_client.api.critical_metric_categories import critical_metric_categories_external_list as op
client = Cekura(api_key=os.environ["TEST_KEY"], base_url=os.environ["TEST_URL"])
print(op.sync_detailed(client=client).status_code)
"""


def run_logged(level: str, url: str, generated_project: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "CEKURA_LOG": level, "TEST_KEY": API_KEY, "TEST_URL": url}
    return subprocess.run(
        [sys.executable, "-c", CALL_TWICE],
        cwd=generated_project,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("level", ["debug", "info"])
def test_cekura_log_turns_on_the_clients_logs(
    cekura: ModuleType, generated_project: Path, level: str
) -> None:
    with serve(replies(Reply(503), Reply(200, EMPTY_PAGE))) as server:
        completed = run_logged(level, server.url, generated_project)
    assert completed.returncode == 0, completed.stderr
    lines = completed.stderr.splitlines()
    retry = f"cekura_client.retries INFO] retrying GET {CATEGORIES_PATH} after status 503 in "
    attempt = f"cekura_client.http DEBUG] GET {CATEGORIES_PATH} -> 200 in "
    assert any(retry in line for line in lines), lines
    assert any(attempt in line for line in lines) == (level == "debug"), lines
    assert API_KEY not in completed.stderr
    assert not [line for line in lines if "httpx" in line.split("]")[0]]  # httpx's loggers stay off


def test_an_unknown_cekura_log_level_is_refused(cekura: ModuleType, generated_project: Path) -> None:
    completed = run_logged("verbose", "http://127.0.0.1:9", generated_project)
    assert completed.returncode == 1
    message = "ValueError: CEKURA_LOG='verbose' is not a log level: use debug or info, or leave it unset"
    assert completed.stderr.strip().splitlines()[-1] == message
