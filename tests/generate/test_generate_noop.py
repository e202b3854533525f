"""No-op regeneration: `generate` skips when no input changed, and notices each kind of change."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.core import paths
from scripts.core.errors import ToolchainError
from scripts.core.fingerprint import changed_inputs, tree_digest
from scripts.generate import generate_client
from scripts.generate.generate_client import (
    GENERATOR_CONFIG,
    OVERRIDES_DIR,
    TEMPLATES_DIR,
    GeneratorRun,
    main,
)
from scripts.generate.generate_client import __file__ as GENERATION_STEP
from scripts.generate.generate_fingerprint import (
    FINGERPRINT_FILE,
    current_inputs,
    stored_inputs,
    write_inputs,
)
from scripts.generate.generate_manifest import write_manifest
from scripts.generate.sdk_surface import input_digests


def repository_inputs() -> dict[str, str]:
    return (
        current_inputs(
            paths.PATCHED_DOCUMENT, TEMPLATES_DIR, OVERRIDES_DIR, GENERATOR_CONFIG, Path(GENERATION_STEP)
        )
        | input_digests()
    )  # the post-generation step's modules


@pytest.fixture
def patched() -> None:
    if not paths.PATCHED_DOCUMENT.is_file():
        pytest.fail(f"{paths.PATCHED_DOCUMENT} is missing: run the tests through `nox -s tests`")


@pytest.mark.client_build
def test_unchanged_inputs_skip_then_force_regenerates(
    patched: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A tree that claims the current inputs but holds no code: only a skip leaves it empty.
    output = tmp_path / "generated"
    (output / "cekura_client").mkdir(parents=True)
    write_inputs(output, repository_inputs())
    write_manifest(output)

    assert main(["--output", str(output)]) == 0
    assert "up to date" in capsys.readouterr().out
    assert list((output / "cekura_client").iterdir()) == []

    assert main(["--output", str(output), "--force"]) == 0
    assert (output / "cekura_client" / "api" / "call_logs" / "call_logs_list.py").is_file()
    assert stored_inputs(output) == repository_inputs()

    package = (output / "cekura_client").stat().st_ino
    assert main(["--output", str(output)]) == 0
    assert "up to date" in capsys.readouterr().out
    assert (output / "cekura_client").stat().st_ino == package


def test_missing_fingerprint_counts_every_input_as_changed(patched: None, tmp_path: Path) -> None:
    inputs = repository_inputs()
    assert changed_inputs(stored_inputs(tmp_path), inputs) == list(inputs)


@pytest.mark.parametrize("content", ["not json", "[1, 2]"])
def test_unreadable_fingerprint_means_regenerate(tmp_path: Path, content: str) -> None:
    (tmp_path / FINGERPRINT_FILE).write_text(content, encoding="utf-8")
    assert stored_inputs(tmp_path) == {}


def test_changed_input_is_named(patched: None) -> None:
    inputs = repository_inputs()
    stored = {**inputs, "templates": "0" * 64}
    assert changed_inputs(stored, inputs) == ["templates"]


def test_tree_digest_sees_edits_renames_and_new_files_but_not_bytecode(tmp_path: Path) -> None:
    (tmp_path / "model.py.jinja").write_text("{{ a }}", encoding="utf-8")
    digests = [tree_digest(tmp_path)]
    (tmp_path / "model.py.jinja").write_text("{{ b }}", encoding="utf-8")
    digests.append(tree_digest(tmp_path))
    (tmp_path / "model.py.jinja").rename(tmp_path / "other.py.jinja")
    digests.append(tree_digest(tmp_path))
    (tmp_path / "extra.py.jinja").write_text("", encoding="utf-8")
    digests.append(tree_digest(tmp_path))
    assert len(set(digests)) == len(digests)

    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert tree_digest(tmp_path) == digests[-1]


def test_fingerprint_covers_the_generator_and_formatter_versions(patched: None) -> None:
    inputs = repository_inputs()
    assert {"openapi-python-client version", "ruff version"} <= inputs.keys()


def test_fingerprint_covers_the_code_the_templates_call(patched: None) -> None:
    inputs = repository_inputs()
    assert {
        "generator process generator_entry.py",
        "generator process template_data.py",
        "generator process endpoint_sort.py",
    } <= inputs.keys()


def test_missing_document_says_to_patch(tmp_path: Path) -> None:
    with pytest.raises(ToolchainError, match="run `nox -s patch` first"):
        current_inputs(tmp_path / "openapi.json", TEMPLATES_DIR, OVERRIDES_DIR, GENERATOR_CONFIG, tmp_path)


class CountingGenerator:
    """Stands in for openapi-python-client (seconds per run): writes a small package, counts runs."""

    def __init__(self) -> None:
        self.runs = 0

    def __call__(self, document: Path, output: Path) -> GeneratorRun:
        self.runs += 1
        (output / "cekura_client" / "api").mkdir(parents=True)
        (output / "cekura_client" / "__init__.py").write_text("# package\n", encoding="utf-8")
        (output / "cekura_client" / "api" / "runs.py").write_text("def runs_list(): ...\n", encoding="utf-8")
        return GeneratorRun(output=output, warnings=[])


ALTERATIONS = {
    "edited": lambda package: (package / "api" / "runs.py").write_text(
        "raise SystemExit\n", encoding="utf-8"
    ),
    "deleted": lambda package: (package / "api" / "runs.py").unlink(),
    "added": lambda package: (package / "api" / "extra.py").write_text("", encoding="utf-8"),
}


@pytest.mark.parametrize("alteration", sorted(ALTERATIONS))
def test_an_altered_tree_is_regenerated_though_no_input_changed(
    patched: None,
    tmp_path: Path,
    alteration: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    generator = CountingGenerator()
    monkeypatch.setattr(generate_client, "build_client", generator)
    output = tmp_path / "generated"
    assert main(["--output", str(output)]) == 0
    package = output / "cekura_client"
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "runs.cpython-311.pyc").write_bytes(b"\0")  # importing adds these
    assert main(["--output", str(output)]) == 0
    assert "up to date" in capsys.readouterr().out and generator.runs == 1

    ALTERATIONS[alteration](package)
    assert main(["--output", str(output)]) == 0
    message = capsys.readouterr().err
    expected = {
        "edited": "cekura_client/api/runs.py was changed",
        "deleted": "cekura_client/api/runs.py is missing",
        "added": "cekura_client/api/extra.py was added",
    }[alteration]
    assert f"is not what was generated: the tree ({expected}); regenerating" in message
    assert generator.runs == 2
    assert (package / "api" / "runs.py").read_text("utf-8") == "def runs_list(): ...\n"
    assert not (package / "api" / "extra.py").exists()


def test_leftover_temporary_directories_of_dead_runs_are_removed(
    patched: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generate_client, "build_client", CountingGenerator())
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead = tmp_path / f".generate-{finished.stdout.strip()}-k3j2"
    alive = tmp_path / f".generate-{os.getpid()}-a8f1"
    for directory in (dead / "generated" / "cekura_client", alive, tmp_path / ".generate-update"):
        directory.mkdir(parents=True)
    assert main(["--output", str(tmp_path / "generated")]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, ".generate-update", "generated"])
