"""The golden record: the client generated from a small fixture document the project owns.

`tests/golden_record/fixture.yaml` has the shapes the templates and the generator settings change;
`tests/generate/golden_record/expected/` is what the pipeline generates from it, committed, so a template,
override or generator change shows its effect on generated code as a readable diff in review
(openapi-python-client keeps its own `end_to_end_tests/golden-record` the same way).
`tests/test_golden_record.py` compares a fresh generation with it on every run.

`python -m scripts.generate.golden_record` rewrites `expected/` after a deliberate change; review its diff.
Overrides are copied into the package verbatim and are already in the repository: they are left out.
"""

import argparse
import json
import tempfile
from pathlib import Path

from scripts.core import paths
from scripts.core.yamlio import load_yaml
from scripts.generate.generate_client import OVERRIDES_DIR, build_client, swap_in

GOLDEN_DIR = paths.ROOT / "tests" / "generate" / "golden_record"
FIXTURE = GOLDEN_DIR / "fixture.yaml"
EXPECTED = GOLDEN_DIR / "expected"


def render(fixture: Path, workdir: Path) -> dict[str, bytes]:
    """Generate the client for `fixture` in `workdir`: its files (path -> bytes), without overrides."""
    document = workdir / "openapi.json"
    document.write_text(json.dumps(load_yaml(fixture.read_text("utf-8"))), "utf-8")
    run = build_client(document, workdir / "generated")
    if run.warnings:
        raise SystemExit(f"error: the generator warned on {fixture.name}: {run.warnings[0]}")
    overrides = {p.relative_to(OVERRIDES_DIR).as_posix() for p in OVERRIDES_DIR.rglob("*") if p.is_file()}
    return {
        relative: path.read_bytes()
        for path in sorted(run.output.rglob("*"))
        if path.is_file()
        and "__pycache__" not in path.parts
        and (relative := path.relative_to(run.output).as_posix()) not in overrides
    }


def read_expected(expected: Path = EXPECTED) -> dict[str, bytes]:
    return {
        path.relative_to(expected).as_posix(): path.read_bytes()
        for path in sorted(expected.rglob("*"))
        if path.is_file()
    }


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    # Staged beside `expected/` (one file system), then swapped in whole by the generate step's own
    # `swap_in`: an interrupt leaves the previous record, never a half-written one.
    with tempfile.TemporaryDirectory(dir=GOLDEN_DIR, prefix=".expected-") as work:
        files = render(FIXTURE, Path(work))
        staged = Path(work) / "expected"
        for relative, data in files.items():
            (staged / relative).parent.mkdir(parents=True, exist_ok=True)
            (staged / relative).write_bytes(data)
        swap_in(staged, EXPECTED)
    print(f"wrote {len(files)} files to {EXPECTED.relative_to(paths.ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
