"""Keep the forked generator templates honest: each records the upstream template it started from.

`templates/` replaces some of openapi-python-client's templates. The generator calls its template
API unstable, so an upgrade can change a template we forked without anything failing: the fork keeps
the old code, and the upstream fix or feature is silently lost. `templates/forks.json` records the
generator version and the sha256 of each upstream template a fork started from, and
`templates/upstream/` keeps those upstream files byte for byte (MIT, see its LICENSE) so the diff to
merge can be printed. No library tracks template forks; this is the smallest check that notices.
The templates whose whole output an override replaces (`generate_client.REPLACED_BY_OVERRIDES`) are
recorded the same way, under `replaced`: their upstream change is to be merged into the override.

`python -m scripts.generate.template_fork` compares the installed generator with the record: exit 0 when every
forked template is still the recorded upstream, else 1 with each upstream diff to merge into the fork.
After merging, `--record` copies the installed upstream templates and rewrites the record.
"""

import argparse
import difflib
import hashlib
import importlib.metadata
import importlib.resources
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from scripts.core import paths
from scripts.generate.generate_client import REPLACED_BY_OVERRIDES

GENERATOR = "openapi-python-client"
TEMPLATES_DIR = paths.ROOT / "templates"
MANIFEST = TEMPLATES_DIR / "forks.json"
UPSTREAM_COPIES = TEMPLATES_DIR / "upstream"


@dataclass(frozen=True)
class Drift:
    """A forked template whose upstream is no longer the one recorded; `diff` is what upstream changed."""

    template: str
    reason: str
    diff: str


def installed_templates() -> Path:
    """The installed generator's templates folder."""
    return Path(str(importlib.resources.files("openapi_python_client") / "templates"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_manifest(manifest: Path = MANIFEST) -> dict[str, str]:
    """Template path (relative to templates/) -> sha256 of the upstream file the fork started from."""
    record = json.loads(manifest.read_text("utf-8"))
    forks: dict[str, str] = record["forks"]
    return forks


def read_replaced(manifest: Path = MANIFEST) -> dict[str, str]:
    """Upstream template -> sha256 of the version whose output an override replaces."""
    replaced: dict[str, str] = json.loads(manifest.read_text("utf-8")).get("replaced", {})
    return replaced


def replaced_names() -> list[str]:
    """The generator templates whose output an override replaces, not forked in templates/."""
    return sorted(REPLACED_BY_OVERRIDES.values())


def forked_names(templates: Path = TEMPLATES_DIR, upstream: Path | None = None) -> list[str]:
    """Templates here that replace a generator template of the same path (new templates are not forks)."""
    upstream = upstream or installed_templates()
    return sorted(
        path.relative_to(templates).as_posix()
        for path in templates.rglob("*.jinja")
        if UPSTREAM_COPIES not in path.parents and (upstream / path.relative_to(templates)).is_file()
    )


def find_drifts(
    upstream: Path,
    *,
    manifest: Path = MANIFEST,
    copies: Path = UPSTREAM_COPIES,
    templates: Path = TEMPLATES_DIR,
) -> list[Drift]:
    """Every way the record, its upstream copies and the `upstream` generator templates disagree."""
    recorded = read_manifest(manifest)
    replaced = read_replaced(manifest)
    drifts = [
        Drift(name, "forked but not recorded in templates/forks.json", "")
        for name in forked_names(templates, upstream)
        if name not in recorded
    ]
    drifts += [
        Drift(name, "replaced by an override but not recorded in templates/forks.json", "")
        for name in replaced_names()
        if name not in replaced
    ]
    recorded = {**recorded, **replaced}
    for name, digest in sorted(recorded.items()):
        copy = copies / name
        if not copy.is_file() or sha256(copy) != digest:
            drifts.append(Drift(name, "templates/upstream/ copy missing or not the recorded upstream", ""))
            continue
        current = upstream / name
        if not current.is_file():
            drifts.append(Drift(name, "the generator no longer has this template", ""))
        elif sha256(current) != digest:
            diff = difflib.unified_diff(
                copy.read_text("utf-8").splitlines(keepends=True),
                current.read_text("utf-8").splitlines(keepends=True),
                fromfile=f"recorded/{name}",
                tofile=f"installed/{name}",
            )
            drifts.append(Drift(name, "upstream changed since the fork", "".join(diff)))
    return drifts


def record(upstream: Path, version: str) -> None:
    """Copy the upstream of each forked or replaced template into templates/upstream/; rewrite the record."""
    names = forked_names(TEMPLATES_DIR, upstream)
    for name in [*names, *replaced_names()]:
        target = UPSTREAM_COPIES / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(upstream / name, target)
    forks = {name: sha256(UPSTREAM_COPIES / name) for name in names}
    replaced = {name: sha256(UPSTREAM_COPIES / name) for name in replaced_names()}
    document = {"generator": GENERATOR, "version": version, "forks": forks, "replaced": replaced}
    MANIFEST.write_text(json.dumps(document, indent=2) + "\n", "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help="record the installed upstream templates")
    args = parser.parse_args(argv)
    upstream = installed_templates()
    if args.record:
        record(upstream, importlib.metadata.version(GENERATOR))
        return 0
    drifts = find_drifts(upstream)
    for drift in drifts:
        print(f"{drift.template}: {drift.reason}", file=sys.stderr)
        if drift.diff:
            print(drift.diff, file=sys.stderr)
    if drifts:
        print(
            f"error: {len(drifts)} forked template(s) out of step with {GENERATOR} "
            f"{importlib.metadata.version(GENERATOR)}: merge each upstream diff into its fork in templates/ "
            "(a replaced template's into its override), "
            "then run `python -m scripts.generate.template_fork --record`",
            file=sys.stderr,
        )
        return 1
    count = len(read_manifest()) + len(read_replaced())
    print(f"every forked or replaced template matches its recorded upstream ({count} templates)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
