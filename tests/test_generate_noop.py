"""No-op regeneration: `generate` skips when no input changed, and notices each kind of change."""

from pathlib import Path

import pytest

from scripts import paths
from scripts.errors import ToolchainError
from scripts.generate_client import GENERATOR_CONFIG, OVERRIDES_DIR, TEMPLATES_DIR, main
from scripts.generate_client import __file__ as GENERATION_STEP
from scripts.generate_fingerprint import (
    FINGERPRINT_FILE,
    changed_inputs,
    current_inputs,
    stored_inputs,
    tree_digest,
    write_inputs,
)
from scripts.sdk_surface import input_digests


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


def test_unchanged_inputs_skip_then_force_regenerates(
    patched: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A tree that claims the current inputs but holds no code: only a skip leaves it empty.
    output = tmp_path / "generated"
    (output / "cekura_client").mkdir(parents=True)
    write_inputs(output, repository_inputs())

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


def test_missing_document_says_to_patch(tmp_path: Path) -> None:
    with pytest.raises(ToolchainError, match="run `nox -s patch` first"):
        current_inputs(tmp_path / "openapi.json", TEMPLATES_DIR, OVERRIDES_DIR, GENERATOR_CONFIG, tmp_path)
