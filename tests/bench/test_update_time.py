"""The update-time item's set-up: a project copy and a document with exactly one operation changed."""

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from scripts.bench.update_time import (
    CHANGE,
    changed_operation,
    copy_project,
    one_operation_document,
    update_environment,
)
from scripts.core import paths
from scripts.core.errors import ToolchainError
from scripts.core.openapi_document import iter_operations
from scripts.upstream.fetch_spec import MIRROR_ENV


def operations(document: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {(path, method): json.dumps(op, sort_keys=True) for path, method, op in iter_operations(document)}


def test_the_copy_has_the_code_and_the_locked_spec_but_no_build_output(tmp_path: Path) -> None:
    copy = copy_project(tmp_path / "project")
    assert (copy / "scripts" / "update" / "update_spec.py").is_file()
    assert (copy / "spec" / "lock.json").read_bytes() == paths.LOCK_FILE.read_bytes()
    assert (copy / "spec" / "upstream").is_dir()
    assert not (copy / "generated").exists() and not (copy / ".git").exists()


def test_exactly_one_in_scope_operation_changes(tmp_path: Path) -> None:
    copy = copy_project(tmp_path / "project")
    output = tmp_path / "changed.json"
    where = one_operation_document(copy, output)
    before = json.loads((copy / "spec" / "upstream" / "openapi.json").read_text("utf-8"))
    after = json.loads(output.read_text("utf-8"))
    old, new = operations(before), operations(after)
    differing = [key for key in new if old.get(key) != new[key]]
    assert old.keys() == new.keys() and len(differing) == 1
    path, method = differing[0]
    assert where == f"{method.upper()} {path}"
    changed = after["paths"][path][method]
    assert changed["description"].endswith(CHANGE)
    assert any("api_key" in requirement for requirement in changed["security"])


def test_a_document_without_an_in_scope_operation_is_a_clear_error() -> None:
    document: dict[str, Any] = {"paths": {"/x/": {"get": {"security": [{"session": []}], "responses": {}}}}}
    with pytest.raises(ToolchainError, match="no `api_key` operation to change"):
        changed_operation(document)


def test_an_uncached_document_is_a_clear_error(tmp_path: Path) -> None:
    copy = copy_project(tmp_path / "project")
    (copy / "spec" / "upstream" / "openapi.json").unlink()
    with pytest.raises(ToolchainError, match=r"openapi\.json is not cached and locked: run `nox -s fetch`"):
        one_operation_document(copy, tmp_path / "changed.json")


def test_a_relative_mirror_is_named_from_the_project_for_the_copy() -> None:
    env = update_environment({"PATH": "/usr/bin", MIRROR_ENV: "../shared/cekura-spec"})
    assert env[MIRROR_ENV] == str((paths.ROOT / "../shared/cekura-spec").resolve())
    assert env["PATH"].startswith(str(Path(sys.executable).parent))


def test_an_absolute_mirror_or_a_url_is_passed_as_it_is() -> None:
    for mirror in ("/srv/mirror", "http://127.0.0.1:8000/mirror"):
        assert update_environment({MIRROR_ENV: mirror})[MIRROR_ENV] == mirror
