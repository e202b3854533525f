"""The packages of `scripts/` are layers: a module imports only from its own layer or from lower ones.

Imports are read with `ast` from the source, so an import inside a function counts as much as one
at the top of the module.
"""

import ast
from pathlib import Path

import pytest

from scripts.core import paths
from scripts.patch.patch_spec import PatchLayout

SCRIPTS = paths.ROOT / "scripts"
# Pipeline order: each stage stands on the ones before it. `mock_server`, `bench` and `mutation` are side
# packages at the top: they may use any stage, no stage uses them, and they do not use each other.
RANKS = {
    "core": 0,
    "upstream": 1,
    "patch": 2,
    "generate": 3,
    "update": 4,
    "distribute": 5,
    "mock_server": 6,
    "bench": 6,
    "mutation": 6,
}


def module_name(file: Path) -> str:
    parts = file.relative_to(paths.ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(file: Path, source: str | None = None) -> set[str]:
    """The `scripts.*` modules `file` imports, relative imports made absolute."""
    package = module_name(file) if file.name == "__init__.py" else module_name(file).rpartition(".")[0]
    text = file.read_text("utf-8") if source is None else source
    found: set[str] = set()
    for node in ast.walk(ast.parse(text, filename=str(file))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from scripts.core import paths` imports the module `scripts.core.paths`.
            found.update(f"{base}.{alias.name}" for alias in node.names)
            found.add(base)
    return {name for name in found if name == "scripts" or name.startswith("scripts.")}


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


SOURCES = sorted(p for p in SCRIPTS.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_module_belongs_to_a_layer() -> None:
    loose = [str(p.relative_to(SCRIPTS)) for p in SOURCES if p.parent == SCRIPTS and p.name != "__init__.py"]
    assert loose == []
    assert {p.relative_to(SCRIPTS).parts[0] for p in SOURCES if p.parent != SCRIPTS} == set(RANKS)


def upward_imports(file: Path, source: str | None = None) -> list[str]:
    """The imports of `file` that reach a layer at its own rank or above, other than its own."""
    here = layer_of(module_name(file))
    if here is None:
        return []  # scripts/__init__.py
    return sorted(
        module
        for module in imported_modules(file, source)
        if (there := layer_of(module)) in RANKS and there != here and RANKS[there] >= RANKS[here]
    )


@pytest.mark.parametrize("file", SOURCES, ids=lambda p: str(p.relative_to(SCRIPTS)))
def test_imports_only_go_down_the_layers(file: Path) -> None:
    assert upward_imports(file) == [], "a layer may only import its own modules and lower layers"


def test_the_rule_catches_an_upward_or_sideways_import() -> None:
    patch_module = SCRIPTS / "patch" / "example.py"
    source = (
        "from scripts.core import paths\n"
        "from . import overlay\n"
        "def late():\n"
        "    from scripts.generate import generate_client\n"
    )
    assert upward_imports(patch_module, source) == ["scripts.generate", "scripts.generate.generate_client"]
    bench_module = SCRIPTS / "bench" / "example.py"
    assert upward_imports(bench_module, "import scripts.mock_server.app\n") == ["scripts.mock_server.app"]


def imported_layers(module: str) -> set[str]:
    """The layers `module` reaches through its imports, transitively."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for candidate in (
            (SCRIPTS.parent / name.replace(".", "/")).with_suffix(".py"),
            (SCRIPTS.parent / name.replace(".", "/") / "__init__.py"),
        ):
            if candidate.is_file():
                todo.extend(imported_modules(candidate))
    return {layer for name in seen if (layer := layer_of(name)) in RANKS}


def test_the_patch_fingerprint_hashes_exactly_the_layers_the_patch_step_imports() -> None:
    """A change in a layer the patch step does not run (bench, generate, ...) must not re-patch,
    and a change in one it runs must."""
    hashed = {directory.name for directory in PatchLayout().toolchain_dirs}
    assert hashed == imported_layers("scripts.patch.patch_spec")
