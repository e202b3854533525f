"""What `nox -s update` checks by default: the spec's tests and the contract cells of changed operations."""

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from update_driver import document

from scripts.core import paths
from scripts.update.update_checks import (
    CONTRACT_CELL_TESTS,
    DESELECTED,
    SELECTION_PLUGIN,
    SMOKE_OPERATIONS,
    SPEC_TESTS,
    changed_operations,
    default_check,
    full_check,
    smoke_sample,
)
from scripts.update.update_spec import main


def test_an_operation_changes_with_its_own_object_or_any_component_it_reaches() -> None:
    old = document(2)
    assert changed_operations(old, copy.deepcopy(old)) == set()

    renamed = copy.deepcopy(old)
    renamed["components"]["schemas"]["Widget"]["properties"]["name"]["type"] = "integer"
    assert changed_operations(old, renamed) == {"widgets-retrieve", "gadgets-retrieve"}

    described = copy.deepcopy(old)
    described["paths"]["/test_framework/v1/gadgets/{id}/"]["get"]["description"] = "Gadgets."
    assert changed_operations(old, described) == {"gadgets-retrieve"}

    assert changed_operations(document(1), old) == {"gadgets-retrieve"}


def test_the_smoke_sample_is_an_even_spread_and_stable() -> None:
    names = [f"op{index:03}" for index in range(120)]
    sample = smoke_sample(list(reversed(names)))
    assert len(sample) == SMOKE_OPERATIONS and sample == sorted(sample)
    assert sample[0] == "op000" and sample[-1] == "op110"
    assert smoke_sample(names[:5]) == names[:5]


def test_the_default_check_runs_the_spec_tests_in_parallel_with_the_selected_cells(tmp_path: Path) -> None:
    new = document(2)
    command = default_check(new, {"gadgets-retrieve"}, tmp_path)
    assert command[:3] == [sys.executable, "-m", "pytest"]
    assert command[command.index("-n") + 1] == "auto"
    assert command[command.index("-p", command.index("-n")) + 1] == SELECTION_PLUGIN
    assert command[-len(SPEC_TESTS) - len(CONTRACT_CELL_TESTS) :] == [*SPEC_TESTS, *CONTRACT_CELL_TESTS]
    operations_file = Path(next(a for a in command if a.startswith("--update-operations=")).split("=", 1)[1])
    # The changed operation first, then the unchanged ones as the smoke sample.
    assert json.loads(operations_file.read_text("utf-8")) == ["gadgets-retrieve", "widgets-retrieve"]
    for test_file in (*SPEC_TESTS, *CONTRACT_CELL_TESTS):
        assert (paths.ROOT / test_file).is_file(), test_file
    # The full regeneration of the no-op test is left out; the file's other tests still run.
    assert [a for a in command if a.startswith("--deselect=")] == [f"--deselect={t}" for t in DESELECTED]
    assert DESELECTED and all(test.split("::")[0] in SPEC_TESTS for test in DESELECTED)
    assert full_check("0") == [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0"]


def collected(*args: str) -> list[str]:
    command = [sys.executable, "-m", "pytest", "-p", "no:xdist", "--collect-only", "-q", *args]
    completed = subprocess.run(command, cwd=paths.ROOT, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return [line for line in completed.stdout.splitlines() if "::" in line]


def test_the_selection_plugin_keeps_the_cells_of_the_listed_operations_only(
    tmp_path: Path, patched_document: dict[str, Any]
) -> None:
    operations_file = tmp_path / "operations.json"
    operations_file.write_text(json.dumps(["runs_list", "dashboards_retrieve"]), encoding="utf-8")
    test_file = "tests/contract/test_mock_server.py"
    every = collected(test_file)
    kept = collected("-p", SELECTION_PLUGIN, f"--update-operations={operations_file}", test_file)
    cells = [item for item in kept if "[" in item]
    assert sorted(cells) == [
        f"{test_file}::test_clients_against_the_mock[dashboards_retrieve-mock end to end-sync and async]",
        f"{test_file}::test_clients_against_the_mock[runs_list-mock end to end-sync and async]",
    ]
    # Tests that are not contract cells all stay.
    assert [item for item in kept if "[" not in item] == [item for item in every if "[" not in item]
    assert len(every) > len(kept) + 100


def test_each_deselected_test_exists() -> None:
    for test in DESELECTED:
        assert collected(test) == [test]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--check", ""], "--check needs a command"),
        (["--jobs", "many"], "--jobs 'many'"),
        (["--full", "--check", "true"], "not allowed with argument"),
    ],
)
def test_a_bad_choice_of_check_is_refused_before_any_work(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
