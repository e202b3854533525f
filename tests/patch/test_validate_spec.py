"""`scripts.patch.validate_spec`, the first half of `nox -s validate`, on tiny documents."""

import json
from pathlib import Path

import pytest

from scripts.patch.validate_spec import main

VALID = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}


def test_a_valid_document_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "ok.json").write_text(json.dumps(VALID), encoding="utf-8")
    assert main([str(tmp_path / "ok.json")]) == 0
    assert capsys.readouterr().out == "0 validation error(s)\n"


def test_each_error_is_one_line_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = {**VALID, "info": {"title": "t"}}
    (tmp_path / "bad.json").write_text(json.dumps(broken), encoding="utf-8")
    assert main([str(tmp_path / "bad.json")]) == 1
    assert capsys.readouterr().out == 'info: "version" is a required property\n1 validation error(s)\n'


@pytest.mark.parametrize("content", [None, "not json", "[1]"])
def test_an_unreadable_file_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None
) -> None:
    file = tmp_path / "document.json"
    if content is not None:
        file.write_text(content, encoding="utf-8")
    assert main([str(file)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {file}") or err.startswith(f"error: cannot read {file}")
    assert err.count("\n") == 1
