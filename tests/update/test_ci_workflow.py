"""The CI recipe `.github/workflows/update-spec.yml`: valid for actionlint, and its steps do what they say.

The steps' shell scripts are run here with bash, with `python`, `git` and `gh` replaced by
recorders on PATH, as the runner would run them after `nox -s update` exits with each code.
"""

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scripts.core import paths
from scripts.core.yamlio import load_yaml

WORKFLOW = paths.ROOT / ".github" / "workflows" / "update-spec.yml"
ENTRY = (
    "## 2026-12-01: spec sha256 9cff8efb966a… (was f3b23ef799ce…, accepted 2026-11-21)\n\n"
    "Verdict: **breaking**.\n"
)


def actionlint() -> str:
    found = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    if found is None:
        pytest.fail("actionlint is not installed: install the `test` dependency group (pyproject.toml)")
    return found


def lint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([actionlint(), "-no-color", str(path)], capture_output=True, text=True, check=False)


def workflow() -> dict[str, Any]:
    loaded: dict[str, Any] = load_yaml(WORKFLOW.read_text("utf-8"))
    return loaded


def step(name: str) -> dict[str, Any]:
    steps = workflow()["jobs"]["update"]["steps"]
    found: dict[str, Any] = next(s for s in steps if s.get("name") == name)
    return found


def test_actionlint_finds_nothing_to_report() -> None:
    completed = lint(WORKFLOW)
    assert (completed.returncode, completed.stdout + completed.stderr) == (0, "")


def test_actionlint_would_catch_a_broken_recipe(tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "update-spec.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        WORKFLOW.read_text("utf-8").replace("steps.update.outputs.code", "steps.updated.outputs.code"),
        "utf-8",
    )
    completed = lint(broken)
    assert completed.returncode == 1 and "steps.updated" in completed.stdout


def test_it_runs_on_a_schedule_and_on_demand() -> None:
    triggers = workflow()["on"]
    assert triggers["schedule"][0]["cron"].count(" ") == 4
    assert set(triggers["workflow_dispatch"]["inputs"]) == {"from", "full"}


def recorder(directory: Path, name: str, exit_code: int = 0) -> None:
    """An executable `name` that appends its arguments to `calls.log` and exits with `exit_code`
    (`git ls-remote` with $LS_REMOTE_EXIT: 2, no such branch, unless set)."""
    script = directory / name
    script.write_text(
        f'#!/bin/sh\necho "{name} $*" >> "{directory}/calls.log"\n'
        'if [ "$1" = ls-remote ]; then exit "${LS_REMOTE_EXIT:-2}"; fi\n'
        f"exit {exit_code}\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def run_step(name: str, tmp_path: Path, env: dict[str, str]) -> tuple[int, list[str]]:
    """Run the step's script with bash -e (as the runner does), in `tmp_path`; exit code and calls."""
    bin_dir = tmp_path / "bin"
    script = tmp_path / "step.sh"
    script.write_text(step(name)["run"], encoding="utf-8")
    full_env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "RUNNER_TEMP": str(tmp_path), **env}
    completed = subprocess.run(
        ["bash", "-e", str(script)], cwd=tmp_path, env=full_env, capture_output=True, text=True, check=False
    )
    log = bin_dir / "calls.log"
    return completed.returncode, log.read_text("utf-8").splitlines() if log.exists() else []


@pytest.mark.parametrize(("code", "step_exit"), [(0, 0), (10, 0), (20, 0), (1, 1), (2, 2)])
def test_the_update_step_keeps_the_exit_code_and_fails_only_on_a_failure(
    tmp_path: Path, code: int, step_exit: int
) -> None:
    (tmp_path / "bin").mkdir()
    recorder(tmp_path / "bin", "python", code)
    output = tmp_path / "output"
    env = {"GITHUB_OUTPUT": str(output), "FROM": "https://example.com/openapi.json", "FULL": "true"}
    exit_code, calls = run_step("Update the spec", tmp_path, env)
    assert exit_code == step_exit
    assert output.read_text("utf-8") == f"code={code}\n"
    assert calls == ["python -m nox -s update -- --from https://example.com/openapi.json --full"]


def test_the_update_step_passes_no_option_by_default(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    recorder(tmp_path / "bin", "python", 0)
    env = {"GITHUB_OUTPUT": str(tmp_path / "output"), "FROM": "", "FULL": "false"}
    assert run_step("Update the spec", tmp_path, env) == (0, ["python -m nox -s update --"])


def test_the_description_is_the_last_changelog_entry(tmp_path: Path) -> None:
    (tmp_path / "spec").mkdir()
    earlier = "## 2026-11-21: spec sha256 f3b23ef799ce… (was ed1871248ea0…, accepted 2026-08-07)\n\nOld.\n\n"
    (tmp_path / "spec" / "CHANGELOG.md").write_text(
        f"# Spec changelog\n\nPreamble.\n\n{earlier}{ENTRY}", "utf-8"
    )
    assert run_step("Write the description (the changelog entry)", tmp_path, {}) == (0, [])
    assert (tmp_path / "entry.md").read_text("utf-8") == ENTRY


@pytest.mark.parametrize("code", ["10", "20"])
def test_the_change_is_proposed_with_the_entry_and_labelled_breaking_on_20(tmp_path: Path, code: str) -> None:
    (tmp_path / "bin").mkdir()
    recorder(tmp_path / "bin", "git")
    recorder(tmp_path / "bin", "gh")
    (tmp_path / "entry.md").write_text(ENTRY, encoding="utf-8")
    env = {"GH_TOKEN": "t", "CODE": code, "BASE": "main"}
    exit_code, calls = run_step("Propose the change", tmp_path, env)
    assert exit_code == 0
    title = ENTRY.splitlines()[0].removeprefix("## ")
    assert f"git commit -m Spec update: {title}" in calls
    assert "git switch -c spec-update/9cff8efb966a" in calls
    assert "git add spec/lock.json spec/CHANGELOG.md" in calls
    pr = next(call for call in calls if call.startswith("gh pr create"))
    assert f"--title Spec update: {title} --body-file {tmp_path}/entry.md" in pr
    assert pr.endswith("--label breaking") == (code == "20")
    assert any(call.startswith("gh label create breaking") for call in calls) == (code == "20")


def test_a_document_already_proposed_is_not_proposed_again(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    recorder(tmp_path / "bin", "git")
    recorder(tmp_path / "bin", "gh")
    (tmp_path / "entry.md").write_text(ENTRY, encoding="utf-8")
    env = {"GH_TOKEN": "t", "CODE": "20", "BASE": "main", "LS_REMOTE_EXIT": "0"}
    assert run_step("Propose the change", tmp_path, env) == (
        0,
        ["git ls-remote --exit-code --heads origin spec-update/9cff8efb966a"],
    )
