"""A client generated from a small fixture document, and code run against it in a fresh interpreter:
how the template tests check generated code without the Cekura spec."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scripts.generate.generate_client import build_client


def build_fixture_client(tmp_path_factory: pytest.TempPathFactory, name: str, document: Any) -> Path:
    """Generate the client for `document`; the generator must not warn."""
    directory = tmp_path_factory.mktemp(name)
    path = directory / "openapi.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    run = build_client(path, directory / "generated")
    assert run.warnings == [], run.warnings
    return run.output


def run_in_client(client: Path, code: str) -> Any:
    """Run `code` in a fresh interpreter with the client importable; return the JSON it printed."""
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=client, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)
