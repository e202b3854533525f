"""`schemathesis run` (its CLI, default checks) against the running mock: the mock keeps the contract it
enforces. The quick profile runs one example per operation in the fuzzing phase; the full one runs
every phase schemathesis has by default. `schemathesis_hooks.py` sends JSON where an operation takes it
as well as forms, and `schemathesis.toml` turns off error feedback; each says why."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from jsonschema import FormatChecker
from openapi_schema_validator import OAS31Validator

from contract import spec
from contract.schemathesis_hooks import split_nullable_format
from scripts.core import paths
from scripts.mock_server.serve import RunningMock

QUICK = ["--phases", "fuzzing", "--max-examples", "1"]
FULL = ["--max-examples", "10"]
HERE = Path(__file__).resolve().parent
CONFIG = HERE / "schemathesis.toml"
IMPORT_PATH = os.pathsep.join([str(HERE.parent), str(paths.ROOT)])  # `contract.schemathesis_hooks`


def test_schemathesis_run_passes_against_the_mock(mock_server: RunningMock) -> None:
    with tempfile.TemporaryDirectory() as reports:
        command = [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(CONFIG),
            "run",
            str(paths.PATCHED_DOCUMENT),
            "--url",
            mock_server.base_url,
            "--header",
            f"X-CEKURA-API-KEY: {spec.MOCK_API_KEY}",
            "--seed",
            "1",
            "--no-color",
            "--report-dir",
            reports,
            *(FULL if spec.PROFILE == "full" else QUICK),
        ]
        hooks = {"SCHEMATHESIS_HOOKS": "contract.schemathesis_hooks", "PYTHONPATH": IMPORT_PATH}
        environment = {**os.environ, **hooks}
        run = subprocess.run(
            command, capture_output=True, text=True, cwd=Path(reports), env=environment, check=False
        )
    # The failures (each with its curl line to reproduce) and the summary; the rest is progress output.
    starts = [at for at in (run.stdout.find("FAILURES"), run.stdout.rfind("SUMMARY")) if at >= 0]
    summary = run.stdout[min(starts) :][:20000] if starts else run.stdout[-3000:]
    assert run.returncode == 0, f"schemathesis run failed:\n{summary}\n{run.stderr[-2000:]}"


def test_the_hook_spells_a_nullable_format_the_same_way() -> None:
    """The hook's `anyOf` accepts and refuses what `type: [string, null]` with a `format` does."""
    written: dict[str, Any] = {"type": ["string", "null"], "format": "date-time", "description": "expiry"}
    split = dict(written)
    split_nullable_format(split)
    assert "type" not in split and split["anyOf"][1] == {"type": "null"}
    validators = [OAS31Validator(s, format_checker=FormatChecker()) for s in (written, split)]
    for value in (None, "2026-01-01T00:00:00Z", "", "tomorrow", 3):
        assert validators[0].is_valid(value) == validators[1].is_valid(value), value
    assert not validators[1].is_valid("")
