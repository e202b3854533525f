"""The bench's results as data, a Markdown table for people and JSON for tools."""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

Cell = str | int | float | None


@dataclass(frozen=True)
class Section:
    """One measured item: a table whose first column names the contender."""

    title: str
    columns: list[str]
    rows: list[dict[str, Cell]]
    note: str = ""
    samples: dict[str, list[float]] = field(default_factory=dict)


@dataclass(frozen=True)
class Goal:
    """A target: `measured` (a median) must not exceed `limit`; `spread` is the (min, max) of the
    per-round values the median was taken over, when there are rounds."""

    text: str
    measured: float
    limit: float
    unit: str
    spread: tuple[float, float] | None = None

    @property
    def met(self) -> bool:
        return self.measured <= self.limit


def format_cell(value: Cell) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return value


def markdown(machine: dict[str, object], sections: list[Section], goals: list[Goal]) -> str:
    lines = ["# Benchmarks", "", "Machine: " + machine_line(machine), ""]
    lines += ["| goal | median | spread (min-max) | limit | met |", "| --- | --- | --- | --- | --- |"]
    for goal in goals:
        measured, limit = format_cell(goal.measured), format_cell(goal.limit)
        spread = (
            f"{format_cell(goal.spread[0])}-{format_cell(goal.spread[1])}{goal.unit}" if goal.spread else "-"
        )
        met = format_cell(goal.met)
        lines.append(f"| {goal.text} | {measured}{goal.unit} | {spread} | {limit}{goal.unit} | {met} |")
    for section in sections:
        lines += ["", f"## {section.title}", ""]
        if section.note:
            lines += [section.note, ""]
        lines.append("| " + " | ".join(section.columns) + " |")
        lines.append("| " + " | ".join("---" for _ in section.columns) + " |")
        for row in section.rows:
            lines.append("| " + " | ".join(format_cell(row.get(column)) for column in section.columns) + " |")
    return "\n".join(lines) + "\n"


def machine_line(machine: dict[str, object]) -> str:
    packages = machine.get("packages", {})
    versions = ", ".join(f"{k} {v}" for k, v in packages.items()) if isinstance(packages, dict) else ""
    return (
        f"{machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB, {machine['os']}, "
        f"Python {machine['python']}, load average {machine['load_average_1_5_15']} at start; {versions}"
    )


def write_reports(
    directory: Path, machine: dict[str, object], sections: list[Section], goals: list[Goal]
) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    data = {
        "machine": machine,
        "goals": [{**asdict(goal), "met": goal.met} for goal in goals],
        "sections": [asdict(section) for section in sections],
    }
    json_path, markdown_path = directory / "bench.json", directory / "bench.md"
    json_path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    markdown_path.write_text(markdown(machine, sections, goals), encoding="utf-8")
    return markdown_path, json_path
