"""`nox -s vendor -- DEST --package NAME`: copy the generated client into another repository.

DEST is the other repository's source root and NAME a dotted import path, so
`--package myapp._vendor.cekura` puts the package in `DEST/myapp/_vendor/cekura/`. Every
`cekura_client` token in the code becomes NAME (the generated modules import each other
relatively; the overrides' absolute imports and logger names are rewritten), and
`_provenance.py` records the spec's sha256 and date, the patched document's sha256, the
generator's version and this project's version and commit. The copy needs only the client's
runtime dependencies (attrs, httpx, msgspec). The client is generated afresh from
`spec/build/openapi.json` for the copy, so the stamp is true by construction. An existing copy
is replaced whole, only once the new one is complete.

`--check` copies nothing: it exits 0 if the copy at DEST was made from the current lock
(same spec, patched document and generator), 1 if it is stale or missing.
"""

import argparse
import keyword
import re
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from scripts import paths
from scripts.errors import ToolchainError
from scripts.generate_client import build_client
from scripts.lock import read_lock
from scripts.provenance import Provenance, current_provenance, project_commit, read_provenance
from scripts.sources import load_sources

PACKAGE = "cekura_client"
PROVENANCE_FILE = "_provenance.py"
_REFERENCE = re.compile(rf"\b{PACKAGE}\b")


def check_package_name(name: str) -> list[str]:
    parts = name.split(".")
    if not all(part.isidentifier() and not keyword.iskeyword(part) for part in parts) or name == PACKAGE:
        raise ToolchainError(f"--package {name!r} is not a dotted Python import path other than {PACKAGE}")
    return parts


def rewrite_references(source: str, name: str) -> str:
    """Every `cekura_client` token becomes NAME: imports, logger names and docstrings alike."""
    return _REFERENCE.sub(name, source)


def vendor(package: Path, dest: Path, name: str, provenance: Provenance) -> Path:
    """Copy `package` to DEST/<NAME as path>, rewritten and stamped; return the copy's directory."""
    target = dest.joinpath(*check_package_name(name))
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}-") as tmp:
        staged = Path(tmp) / target.name
        shutil.copytree(package, staged, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        for module in [*staged.rglob("*.py"), *staged.rglob("*.md")]:  # the code and its docs
            module.write_text(rewrite_references(module.read_text("utf-8"), name), encoding="utf-8")
        (staged / PROVENANCE_FILE).write_text(provenance.as_module(), encoding="utf-8")
        previous = Path(tmp) / "previous"
        if target.exists():
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
