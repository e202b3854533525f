"""Write a changelog entry for a spec update: what changed in the spec and in the Python surface.

An entry is one `## ` section of `spec/CHANGELOG.md`, newest last:

    ## 2026-11-21: spec sha256 f3b23ef799ce… (was ed1871248ea0…, accepted 2026-08-07)

then, for each layer, a table of counts per rule and the list of changes, breaking first, one per
line as ``- **breaking** `where` `pointer`: rule, detail``. The heading's date and hash are what
`scripts/distribute/build_dist.py` reads to number the package version.
"""

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from scripts.core import paths
from scripts.generate.python_surface import surface_of
from scripts.update.changes import Change, count_breaking
from scripts.update.spec_diff import diff_documents
from scripts.update.surface_diff import diff_surfaces

CHANGELOG_FILE = paths.SPEC_DIR / "CHANGELOG.md"
HEADING = re.compile(r"^## (?P<date>\d{4}-\d{2}-\d{2}): spec sha256 (?P<sha>[0-9a-f]+)", re.MULTILINE)
PREAMBLE = """# Spec changelog

One entry per accepted version of the upstream OpenAPI document, appended by `nox -s update`.
Each entry has two layers: the spec (operations, parameters, bodies, responses and schemas, as
the API-key client sees them) and the Python surface (functions and models of `cekura_client`).
Every change is marked breaking or compatible for a client; the rules are documented in
`scripts/update/spec_diff.py`, `scripts/update/schema_diff.py` and `scripts/update/surface_diff.py`.
"""


@dataclass(frozen=True)
class Comparison:
    spec: list[Change]
    python: list[Change]

    @property
    def changed(self) -> bool:
        return bool(self.spec or self.python)

    @property
    def breaking(self) -> bool:
        return bool(count_breaking(self.spec) or count_breaking(self.python))


def compare(
    old_spec: dict[str, Any], new_spec: dict[str, Any], old_client: dict[str, Any], new_client: dict[str, Any]
) -> Comparison:
    """The spec layer from the comparison views, the Python layer from the generator's inputs."""
    return Comparison(
        spec=diff_documents(old_spec, new_spec),
        python=diff_surfaces(surface_of(old_client), surface_of(new_client)),
    )


def heading(date: str, sha256: str, previous_sha256: str, previous_date: str) -> str:
    return f"## {date}: spec sha256 {sha256[:12]}… (was {previous_sha256[:12]}…, accepted {previous_date})"


def change_line(change: Change) -> str:
    pointer = f" `{change.pointer}`" if change.pointer else ""
    return f"- **{change.verdict}** `{change.where}`{pointer}: {change.kind}, {change.detail}"


def _layer(title: str, changes: list[Change]) -> list[str]:
    if not changes:
        return [f"### {title}", "", "No change.", ""]
    counts = Counter((change.kind, change.breaking) for change in changes)
    kinds = sorted({kind for kind, _ in counts})
    lines = [
        f"### {title}",
        "",
        f"{count_breaking(changes)} breaking, {len(changes) - count_breaking(changes)} compatible.",
        "",
        "| rule | breaking | compatible |",
        "| --- | ---: | ---: |",
        *(f"| {kind} | {counts[kind, True]} | {counts[kind, False]} |" for kind in kinds),
        "",
    ]
    ordered = sorted(changes, key=lambda change: (not change.breaking, change))
    return [*lines, *map(change_line, ordered), ""]


def render_entry(title: str, comparison: Comparison, notes: list[str] | None = None) -> str:
    verdict = "breaking" if comparison.breaking else "compatible" if comparison.changed else "no change"
    lines = [title, "", f"Verdict: **{verdict}**.", ""]
    lines += [f"{note}" for note in notes or []] + ([""] if notes else [])
    lines += _layer("Spec", comparison.spec) + _layer("Python surface", comparison.python)
    return "\n".join(lines)


def appended(existing: str | None, entry: str) -> str:
    """The changelog text with `entry` added at the end (the preamble first if the file is new)."""
    text = existing if existing is not None else PREAMBLE
    return text.rstrip("\n") + "\n\n" + entry.rstrip("\n") + "\n"


def accepted_versions(text: str) -> list[tuple[str, str]]:
    """(date, sha256 prefix) of each entry, in file order."""
    return [(match["date"], match["sha"]) for match in HEADING.finditer(text)]
