"""`python -m scripts.bench`: run every item and write `reports/bench.md` and `reports/bench.json`."""

import argparse
import gc
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scripts.bench import async_calls, calls, imports, machine, memory, parsing, regeneration, update_time
from scripts.bench.report import Goal, Section, markdown, write_reports
from scripts.bench.sample_page import ITEMS_PER_ARRAY, build_page
from scripts.core import paths
from scripts.core.errors import ToolchainError

PAGE_SIZES = (1, 100, 1000)
ASYNC_PAGE_SIZE = 100
MEMORY_PAGE_SIZE = 1000


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
        page_data = {size: build_page(document, size) for size in PAGE_SIZES}
        pages = {size: json.dumps(page).encode() for size, page in page_data.items()}
        sections.append(page_shape_section(page_data, pages))
        # The calls are measured in a process the size of a user's, not one holding the document.
        del document, page_data
        gc.collect()
        with calls.loopback_server(calls.write_pages(pages, workdir)) as base_url:
            print("bench: calls on a loopback server...", flush=True)
            call_sections, call_goals = calls.measure(pages, base_url, args.rounds)
            print("bench: async calls...", flush=True)
            async_sections, async_goals = async_calls.measure(
                base_url, ASYNC_PAGE_SIZE, len(pages[ASYNC_PAGE_SIZE]), args.rounds
            )
            print("bench: peak memory in fresh interpreters...", flush=True)
            memory_sections, memory_goals = memory.measure(
                base_url, MEMORY_PAGE_SIZE, len(pages[MEMORY_PAGE_SIZE]), regen.client, args.rounds
            )
        print("bench: parsing...", flush=True)
        parse_sections: list[Section] = []
        for size in PAGE_SIZES[1:]:
            parse_sections += parsing.measure(pages[size], size, args.rounds)[0]
        print("bench: update of a one-operation change (one run, about a minute)...", flush=True)
        update_sections, update_goals = update_time.measure(workdir)
        sections += update_sections
        goals += update_goals
    sections += import_sections + call_sections + async_sections + memory_sections + parse_sections
    goals += import_goals + call_goals + async_goals + memory_goals
    return description, sections, goals


def page_shape_section(page_data: dict[int, dict[str, Any]], pages: dict[int, bytes]) -> Section:
    """What the call rows ask for: the synthesised `call_logs_list` page at each size."""
    item = page_data[max(page_data)]["results"][0]
    return Section(
        title="Page shape",
        columns=["items", "bytes", "bytes per item"],
        rows=[
            {"items": size, "bytes": len(body), "bytes per item": round(len(body) / max(size, 1))}
            for size, body in pages.items()
        ],
        note=f"DRF pages of `call_logs_list` results synthesised from the patched document: "
        f"{len(item)} properties per item (nested arrays of {ITEMS_PER_ARRAY} entries), values from "
        "the schema's examples and formats (`scripts/bench/sample_page.py`).",
    )


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
