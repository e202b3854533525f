"""`tests/prebuilt_client.py`: a tree is reused only when it is what the current inputs give, intact."""

from pathlib import Path

import pytest
from prebuilt_client import repository_inputs, reusable

from scripts.generate.generate_fingerprint import write_inputs
from scripts.generate.generate_manifest import write_manifest


@pytest.fixture
def tree(tmp_path: Path, patched_document: object) -> Path:
    """A stand-in for a generated tree, recorded as built from the current inputs."""
    del patched_document  # the fingerprint hashes the patched document: it must exist
    package = tmp_path / "generated" / "cekura_client"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("# generated\n")
    write_inputs(package.parent, repository_inputs())
    write_manifest(package.parent)
    return package.parent


def test_a_tree_built_from_the_current_inputs_is_reused(tree: Path) -> None:
    assert reusable(tree)


def test_a_tree_edited_after_generation_is_not_reused(tree: Path) -> None:
    (tree / "cekura_client" / "__init__.py").write_text("# edited\n")
    assert not reusable(tree)


def test_a_tree_built_from_other_inputs_is_not_reused(tree: Path) -> None:
    write_inputs(tree, repository_inputs() | {"templates": "0" * 64})
    assert not reusable(tree)


def test_a_missing_tree_is_not_reused(tmp_path: Path) -> None:
    assert not reusable(tmp_path / "nothing")
