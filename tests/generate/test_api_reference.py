"""The package's `api.md` lists every operation of the patched document, as the client has it."""

import ast
import importlib
import inspect
import json
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from scripts.core import paths
from scripts.core.openapi_document import iter_operations
from scripts.patch.normalizers.resource_tags import resource_tag

ENTRY = re.compile(
    r"^### `(?P<name>\w+)\((?P<parameters>[^)]*)\) -> (?P<returns>.+)`\n\n"
    r"`(?P<method>[A-Z]+) (?P<path>\S+)`(?P<details>.*)\n\n(?P<text>(?:(?!###|## ).*\n)*)",
    re.MULTILINE,
)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(paths.PATCHED_DOCUMENT.read_text("utf-8"))
    return result


@pytest.fixture(scope="module")
def entries(generated_project: Path) -> dict[tuple[str, str], dict[str, str]]:
    """(resource, method name) -> the entry's fields, section by section."""
    text = (generated_project / "cekura_client" / "api.md").read_text("utf-8")
    found: dict[tuple[str, str], dict[str, str]] = {}
    for section in re.split(r"^## ", text, flags=re.MULTILINE)[2:]:  # after the title and the index
        resource = section.split("\n", 1)[0].strip()
        for match in ENTRY.finditer(section):
            key = (resource, match["name"])
            assert key not in found, key
            found[key] = match.groupdict()
    return found


def test_the_reference_lists_every_operation_with_its_path(
    entries: dict[tuple[str, str], dict[str, str]], document: dict[str, Any]
) -> None:
    expected = {}
    for path, method, operation in iter_operations(document):
        resource = resource_tag(path)
        expected[(resource, str(operation["operationId"]).removeprefix(resource + "_"))] = (
            method.upper(),
            path,
        )
    assert len(expected) == 817
    assert {key: (entry["method"], entry["path"]) for key, entry in entries.items()} == expected


def test_deprecated_operations_say_so_and_name_their_successor(
    entries: dict[tuple[str, str], dict[str, str]], document: dict[str, Any]
) -> None:
    deprecated = {
        (resource_tag(path), str(op["operationId"]).removeprefix(resource_tag(path) + "_"))
        for path, _, op in iter_operations(document)
        if op.get("deprecated")
    }
    assert len(deprecated) == 23
    assert {key for key, entry in entries.items() if "**Deprecated**" in entry["text"]} == deprecated
    assert (
        "**Deprecated**: use `client.runs.list_v2` (`api.runs.runs_list_v2`)."
        in entries[("runs", "list")]["text"]
    )


def test_each_entry_has_the_module_signature_and_return_type(
    entries: dict[tuple[str, str], dict[str, str]], generated_project: Path
) -> None:
    for (resource, name), entry in entries.items():
        module = importlib.import_module(f"cekura_client.api.{resource}.{resource}_{name}")
        signature = inspect.signature(module.sync)
        listed = [p.strip() for p in entry["parameters"].split(",")]
        names = [p.split("=")[0] for p in listed if p not in ("", "*")]
        assert names == [n for n in signature.parameters if n != "client"], name
        definition = ast.parse(textwrap.dedent(inspect.getsource(module.sync))).body[0]
        assert isinstance(definition, ast.FunctionDef) and definition.returns is not None
        assert entry["returns"] == ast.unparse(definition.returns), name
        assert f"module `api.{resource}.{resource}_{name}`" in entry["details"]
