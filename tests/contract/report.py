"""The per-operation contract report: operations x media types x responses, each pass, fail or skip.

Each contract test is parametrized with a `Cell`; the conftest records every cell's outcome here,
and the session writes `reports/contract-report.md` (for people) and `.json` (for tools).
"""

import json
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from scripts.core import paths

REPORT_DIR = paths.ROOT / "reports"


@dataclass(frozen=True)
class Cell:
    """One thing checked for one operation: `aspect` (request, response, ...) and its `variant`."""

    operation_id: str
    label: str
    aspect: str
    variant: str

    def __str__(self) -> str:
        return f"{self.operation_id}-{self.aspect}-{self.variant}"


@dataclass(frozen=True)
class Outcome:
    cell: Cell
    result: str  # passed, failed, skipped, xfailed, xpassed
    reason: str


def write_report(outcomes: list[Outcome], directory: Path = REPORT_DIR) -> Path:
    """Write the report files; returns the Markdown one."""
    directory.mkdir(parents=True, exist_ok=True)
    rows = sorted(outcomes, key=lambda o: (o.cell.operation_id, o.cell.aspect, o.cell.variant))
    (directory / "contract-report.json").write_text(
        json.dumps([{**asdict(o.cell), "result": o.result, "reason": o.reason} for o in rows], indent=2)
        + "\n",
        "utf-8",
    )
    totals = Counter(o.result for o in rows)
    by_aspect = Counter((o.cell.aspect, o.result) for o in rows)
    operations = len({o.cell.operation_id for o in rows})
    lines = [
        "# Contract report",
        "",
        f"{operations} operations, {len(rows)} checks: "
        + ", ".join(f"{count} {result}" for result, count in sorted(totals.items())),
        "",
        "| aspect | " + " | ".join(sorted(totals)) + " |",
        "| --- | " + " | ".join("---" for _ in totals) + " |",
    ]
    for aspect in sorted({o.cell.aspect for o in rows}):
        lines.append(f"| {aspect} | " + " | ".join(str(by_aspect[aspect, r]) for r in sorted(totals)) + " |")
    lines += ["", "| operation | aspect | variant | result | reason |", "| --- | --- | --- | --- | --- |"]
    for o in rows:
        reason = o.reason.replace("|", "\\|").replace("\n", " ")[:300]
        cell = o.cell
        what = f"`{cell.operation_id}` ({cell.label})"
        lines.append(f"| {what} | {cell.aspect} | {cell.variant} | {o.result} | {reason} |")
    markdown = directory / "contract-report.md"
    markdown.write_text("\n".join(lines) + "\n", "utf-8")
    return markdown
