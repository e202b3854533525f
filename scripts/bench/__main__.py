"""`python -m scripts.bench`: run every item and write `reports/bench.md` and `reports/bench.json`."""

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from scripts.bench import calls, imports, machine, parsing, regeneration, update_time
from scripts.bench.report import Goal, Section, markdown, write_reports
from scripts.bench.sample_page import build_page
from scripts.core import paths
from scripts.core.errors import ToolchainError

PAGE_SIZES = (1, 100)


def run(args: argparse.Namespace) -> tuple[dict[str, object], list[Section], list[Goal]]:
    description = machine.describe()
    sections: list[Section] = []
    goals: list[Goal] = []
    with tempfile.TemporaryDirectory(prefix="cekura-bench-") as tmp:
        workdir = Path(tmp)
        print("bench: regeneration (full pipeline, no-op, bare generator on two documents)...", flush=True)
        regen, regen_sections, regen_goals = regeneration.measure(workdir, args.regeneration_rounds)
        sections += regen_sections
        goals += regen_goals
        sys.path.insert(0, str(regen.client))
        print("bench: imports in fresh interpreters...", flush=True)
        import_sections, import_goals = imports.measure(regen.client, args.rounds)
        document = json.loads(paths.PATCHED_DOCUMENT.read_text("utf-8"))
        pages = {size: json.dumps(build_page(document, size)).encode() for size in PAGE_SIZES}
        print("bench: calls on a loopback server...", flush=True)
        call_sections, call_goals = calls.measure(pages, workdir, args.rounds)
        print("bench: parsing...", flush=True)
        parse_sections, _ = parsing.measure(pages[max(PAGE_SIZES)], max(PAGE_SIZES), args.rounds)
        print("bench: update of a one-operation change (one run, about a minute)...", flush=True)
        update_sections, update_goals = update_time.measure(workdir)
        sections += update_sections
        goals += update_goals
    sections += import_sections + call_sections + parse_sections
    goals += import_goals + call_goals
    return description, sections, goals


def rounds(text: str) -> int:
    """A round count: a whole number of at least 1 (a median needs one sample)."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nox -s bench --", description=__doc__)
    parser.add_argument("--rounds", type=rounds, default=21, help="rounds for imports, calls and parsing")
    parser.add_argument(
        "--regeneration-rounds", type=rounds, default=3, help="rounds for the regeneration runs"
    )
    parser.add_argument("--out", type=Path, default=paths.ROOT / "reports", help="where to write the reports")
    args = parser.parse_args(argv)
    try:
        description, sections, goals = run(args)
    except (ToolchainError, LookupError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    markdown_path, json_path = write_reports(args.out, description, sections, goals)
    print(markdown(description, sections, goals))
    print(f"wrote {markdown_path} and {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
