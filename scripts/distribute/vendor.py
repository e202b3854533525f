"""`nox -s vendor -- DEST --package NAME`: copy the generated client into another repository.

DEST is the other repository's source root and NAME a dotted import path, so
`--package myapp._vendor.cekura` puts the package in `DEST/myapp/_vendor/cekura/`. Every
`cekura_client` token in the code becomes NAME (the generated modules import each other
relatively; the overrides' absolute imports and logger names are rewritten), and
`_provenance.py` records the spec's sha256 and date, the patched document's sha256, the
generator's version and this project's version and commit. The copy needs only the client's
runtime dependencies (attrs, httpx, msgspec). The client is generated afresh from
`spec/build/openapi.json` for the copy, so the stamp is true by construction.

Vendoring never deletes what it did not write: an existing directory is replaced (whole, once the
new copy is complete) only if it carries this tool's stamp. Every problem with NAME and DEST (not
an identifier path, shadows a standard-library or installed module, DEST a file or inside this
project, an unstamped directory in the way) is reported on one line before anything is generated.

`--check` copies nothing: it exits 0 if the copy at DEST was made from the current lock
(same spec, patched document and generator), 1 if it is stale or missing.
"""

import argparse
import importlib.metadata
import keyword
import re
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from scripts.core import paths
from scripts.core.errors import ToolchainError
from scripts.distribute.provenance import Provenance, current_provenance, project_commit, read_provenance
from scripts.generate.generate_client import build_client
from scripts.upstream.lock import read_lock
from scripts.upstream.sources import load_sources

PACKAGE = "cekura_client"
PROVENANCE_FILE = "_provenance.py"
_REFERENCE = re.compile(rf"\b{PACKAGE}\b")


def check_package_name(name: str) -> list[str]:
    parts = name.split(".")
    if not all(part.isidentifier() and not keyword.iskeyword(part) for part in parts) or name == PACKAGE:
        raise ToolchainError(f"--package {name!r} is not a dotted Python import path other than {PACKAGE}")
    return parts


def taken_top_level_names() -> frozenset[str]:
    """Top-level names a vendored package must not take: the standard library's and installed ones."""
    installed = importlib.metadata.packages_distributions()
    return frozenset(sys.stdlib_module_names) | frozenset(sys.builtin_module_names) | frozenset(installed)


def name_problems(name: str) -> list[str]:
    """Why NAME cannot be the copy's import path (empty: it can)."""
    try:
        parts = check_package_name(name)
    except ToolchainError as exc:
        return [str(exc)]
    if parts[0] in taken_top_level_names():
        return [
            f"--package {name!r} would shadow the installed or standard-library module {parts[0]!r} "
            "(the copy could never be imported); put it under your own package, e.g. myapp._vendor.cekura"
        ]
    return []


def is_stamped_copy(directory: Path) -> bool:
    """True if `directory` was written by this tool: it holds a readable provenance stamp."""
    try:
        read_provenance(directory / PROVENANCE_FILE)
    except ToolchainError:
        return False
    return True


def destination_problems(dest: Path, parts: Sequence[str] | None, project: Path = paths.ROOT) -> list[str]:
    """Why the copy cannot go to DEST (at DEST/<parts...> when the name is valid) without harm."""
    if dest.exists() and not dest.is_dir():
        return [f"DEST {dest} is a file, not a directory: give the other repository's source root"]
    project = project.resolve()
    if dest.resolve().is_relative_to(project):
        return [f"DEST {dest} is inside this project: vendor into another repository's source root"]
    if not parts:
        return []
    target = dest.joinpath(*parts)
    if project.is_relative_to(target.resolve()):
        return [f"{target} holds this project: choose another DEST or --package"]
    for directory in [dest.joinpath(*parts[:depth]) for depth in range(1, len(parts))]:
        if directory.exists() and not directory.is_dir():
            return [f"{directory} is a file where the package needs a directory: choose another --package"]
    if target.exists() and not (target.is_dir() and is_stamped_copy(target)):
        return [
            f"{target} exists and was not written by `nox -s vendor` (no readable {PROVENANCE_FILE} stamp): "
            "choose another --package or move it away yourself"
        ]
    return []


def vendor_problems(dest: Path, name: str, project: Path = paths.ROOT) -> list[str]:
    """Every problem with NAME and DEST, so one run reports them all before generating anything."""
    problems = name_problems(name)
    parts = None if problems else name.split(".")
    return problems + destination_problems(dest, parts, project)


def rewrite_references(source: str, name: str) -> str:
    """Every `cekura_client` token becomes NAME: imports, logger names and docstrings alike."""
    return _REFERENCE.sub(name, source)


def vendor(package: Path, dest: Path, name: str, provenance: Provenance) -> Path:
    """Copy `package` to DEST/<NAME as path>, rewritten and stamped; return the copy's directory."""
    problems = vendor_problems(dest, name)
    if problems:
        raise ToolchainError("; ".join(problems))
    target = dest.joinpath(*check_package_name(name))
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}-") as tmp:
        staged = Path(tmp) / target.name
        shutil.copytree(package, staged, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        for module in [*staged.rglob("*.py"), *staged.rglob("*.md")]:  # the code and its docs
            module.write_text(rewrite_references(module.read_text("utf-8"), name), encoding="utf-8")
        (staged / PROVENANCE_FILE).write_text(provenance.as_module(), encoding="utf-8")
        previous = Path(tmp) / "previous"
        if target.exists():  # a stamped copy of ours (checked above): replaced whole
            target.rename(previous)
        staged.rename(target)
    return target


def stale_reasons(dest: Path, name: str, current: Provenance) -> list[str]:
    """Why the copy at DEST is not the one the current lock gives (empty: up to date)."""
    stamp = dest.joinpath(*check_package_name(name)) / PROVENANCE_FILE
    if not stamp.is_file():
        return [f"no vendored copy at {stamp.parent}"]
    return read_provenance(stamp).stale_against(current)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nox -s vendor --", description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path, help="the other repository's source root")
    parser.add_argument("--package", required=True, help="dotted import name, e.g. myapp._vendor.cekura")
    parser.add_argument("--check", action="store_true", help="only say whether the copy is up to date")
    args = parser.parse_args(argv)
    problems = vendor_problems(args.dest, args.package) if not args.check else name_problems(args.package)
    if problems:
        print(f"error: {'; '.join(problems)}", file=sys.stderr)
        return 2
    try:
        current = current_provenance(
            read_lock(paths.LOCK_FILE), load_sources(paths.SOURCES_FILE), project_commit()
        )
        if args.check:
            reasons = stale_reasons(args.dest, args.package, current)
            print(
                f"vendor: stale: {'; '.join(reasons)}"
                if reasons
                else "vendor: up to date with spec/lock.json"
            )
            return 1 if reasons else 0
        with tempfile.TemporaryDirectory(prefix="cekura-vendor-") as tmp:
            output = Path(tmp) / "generated"
            build_client(paths.PATCHED_DOCUMENT, output)
            target = vendor(output / PACKAGE, args.dest, args.package, current)
    except ToolchainError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"vendored {PACKAGE} as {args.package} into {target} "
        f"(spec {current.spec_sha256[:12]}…, accepted {current.spec_date})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
