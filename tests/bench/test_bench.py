"""The bench's own logic: round-robin sampling, pairwise ratios, the synthesised page, the report.

Nothing here times anything: samplers return fixed numbers, and the page is checked against the
patched document's schema with a real validator.
"""

import gc
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from scripts.bench.calls import loopback_server, write_pages
from scripts.bench.gc_cost import gc_cost
from scripts.bench.imports import HIDE_CLICK, Interpreter, step_seconds
from scripts.bench.regeneration import (
    BARE_PATCHED,
    BARE_UPSTREAM,
    FULL,
    locked_upstream_document,
    size_section,
    skipped_by_generator,
)
from scripts.bench.report import Goal, Section, markdown
from scripts.bench.sample_page import build_page, list_response_schema
from scripts.bench.timing import Samples, round_robin
from scripts.core import paths
from scripts.core.errors import ToolchainError
from scripts.core.jsonio import sha256_hex
from scripts.core.openapi_document import resolve
from scripts.upstream.lock import Lock, LockedFile

DOCUMENT_URI = "urn:bench:openapi-document"


def test_round_robin_rotates_the_order_and_keeps_round_order() -> None:
    calls: list[str] = []
    values = {"a": iter([1.0, 2.0, 3.0]), "b": iter([10.0, 20.0, 30.0]), "c": iter([7.0, 8.0, 9.0])}

    def sampler(name: str) -> Any:
        def sample() -> float:
            calls.append(name)
            return next(values[name])

        return sample

    samples = round_robin({name: sampler(name) for name in values}, rounds=3)
    assert calls == ["a", "b", "c", "b", "c", "a", "c", "a", "b"]
    assert samples.by_name == {"a": [1.0, 2.0, 3.0], "b": [10.0, 20.0, 30.0], "c": [7.0, 8.0, 9.0]}


def test_a_round_of_blocks_interleaves_them_and_keeps_each_contenders_mean() -> None:
    calls: list[str] = []
    values = {"a": iter([1.0, 3.0, 5.0, 7.0]), "b": iter([10.0, 30.0, 50.0, 70.0])}

    def sampler(name: str) -> Any:
        def sample() -> float:
            calls.append(name)
            return next(values[name])

        return sample

    samples = round_robin({name: sampler(name) for name in values}, rounds=2, blocks=2)
    assert calls == ["a", "b", "b", "a", "b", "a", "a", "b"]
    assert samples.by_name == {"a": [2.0, 6.0], "b": [20.0, 60.0]}


def test_ratio_is_the_median_of_same_round_ratios_not_of_medians() -> None:
    samples = Samples({"mine": [1.0, 10.0, 100.0], "base": [1.0, 5.0, 200.0]})
    assert samples.ratio("mine", "base") == 1.0  # rounds: 1, 2, 0.5
    assert samples.median("mine") / samples.median("base") == 2.0


def test_spread_is_the_lowest_and_highest_same_round_ratio() -> None:
    samples = Samples({"mine": [1.0, 10.0, 100.0], "base": [1.0, 5.0, 200.0]})
    assert samples.spread("mine", "base") == (0.5, 2.0)


def test_a_ratio_goal_is_the_median_same_round_ratio_with_its_spread() -> None:
    samples = Samples({"mine": [1.0, 10.0, 100.0], "base": [1.0, 5.0, 200.0]})
    goal = samples.ratio_goal("mine vs base", "mine", "base", 1.2)
    assert (goal.text, goal.measured, goal.limit, goal.unit) == ("mine vs base", 1.0, 1.2, "x")
    assert goal.spread == (0.5, 2.0) and goal.met


def test_a_goal_shows_its_spread_beside_the_median() -> None:
    machine: dict[str, object] = {
        "cpu": "c", "cores": 2, "memory_gib": 4.0, "os": "o", "python": "3.11.7",
        "load_average_1_5_15": [0.5, 0.5, 0.5],
    }  # fmt: skip
    text = markdown(machine, [], [Goal("per call", 1.04, 1.0, "x", (0.98, 1.12))])
    assert "| per call | 1.04x | 0.98-1.12x | 1x | no |" in text


def test_an_interpreter_times_each_import_step_from_the_first(tmp_path: Path) -> None:
    steps = (("first", "import json"), ("then", "import csv\nimport time; time.sleep(0.05)"))
    times = step_seconds(Interpreter(steps), tmp_path)
    assert list(times) == ["first", "then"]
    assert times["then"] - times["first"] >= 0.05


def test_hiding_click_makes_its_import_fail_in_the_timed_interpreter(tmp_path: Path) -> None:
    probe = Interpreter((("probe", "import click"),))
    assert list(step_seconds(probe, tmp_path)) == ["probe"]  # installed in this environment
    with pytest.raises(subprocess.CalledProcessError):
        step_seconds(Interpreter(probe.steps, setup=HIDE_CLICK), tmp_path)


def test_peak_memory_is_the_commands_own_not_the_callers(tmp_path: Path) -> None:
    """A child forked from this process would report at least this process's peak; through the
    launcher, a command that allocates nothing reports far less than the ballast held here."""
    ballast = bytearray(300 * 2**20)
    ballast[::4096] = b"x" * len(ballast[::4096])  # touch every page so it is resident
    small, large = tmp_path / "small", tmp_path / "large"
    launcher = [sys.executable, "-m", "scripts.bench.peak_memory"]
    subprocess.run([*launcher, str(small), "--", sys.executable, "-c", "pass"], check=True, cwd=paths.ROOT)
    allocate = "x = bytearray(100 * 2**20); x[::4096] = b'x' * len(x[::4096])"
    subprocess.run([*launcher, str(large), "--", sys.executable, "-c", allocate], check=True, cwd=paths.ROOT)
    del ballast
    small_mib, large_mib = int(small.read_text()) / 1024, int(large.read_text()) / 1024
    assert small_mib < 100, small_mib
    assert large_mib >= 100, large_mib


def test_peak_memory_passes_the_commands_exit_code_through(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "scripts.bench.peak_memory", str(tmp_path / "peak"), "--"]
    completed = subprocess.run([*command, sys.executable, "-c", "raise SystemExit(3)"], cwd=paths.ROOT)
    assert completed.returncode == 3


def test_gc_cost_counts_the_collections_an_action_runs() -> None:
    cost = gc_cost(gc.collect, 4)
    assert cost.collections_per_call[2] >= 1.0
    assert cost.seconds_per_call > 0


def test_the_loopback_server_serves_the_page_of_the_requested_size(tmp_path: Path) -> None:
    files = write_pages({1: b'{"size": 1}', 100: b'{"size": 100}'}, tmp_path)
    with loopback_server(files) as base_url, httpx.Client(base_url=base_url) as client:
        assert client.get("/x", params={"page_size": 100}).json() == {"size": 100}
        assert client.get("/x", params={"page_size": 1}).json() == {"size": 1}
        assert client.get("/x").json() == {"size": 1}


@pytest.fixture(scope="module")
def item_validator(patched_document: dict[str, Any]) -> Draft202012Validator:
    registry: Registry[Any] = Registry().with_resource(
        DOCUMENT_URI, Resource.from_contents(patched_document, default_specification=DRAFT202012)
    )
    page = resolve(patched_document, list_response_schema(patched_document))
    item_ref = page["properties"]["results"]["items"]["$ref"]
    return Draft202012Validator({"$ref": DOCUMENT_URI + item_ref}, registry=registry)


def test_synthesised_page_items_follow_the_call_log_schema(
    patched_document: dict[str, Any], item_validator: Draft202012Validator
) -> None:
    page = build_page(patched_document, 5)
    assert page["count"] == 5 and len(page["results"]) == 5
    for item in page["results"]:
        errors = [error.message for error in item_validator.iter_errors(item)]
        assert errors == []


def test_synthesised_page_fills_every_documented_property(patched_document: dict[str, Any]) -> None:
    page_schema = resolve(patched_document, list_response_schema(patched_document))
    item_schema = resolve(patched_document, page_schema["properties"]["results"]["items"])
    (item,) = build_page(patched_document, 1)["results"]
    assert set(item) == set(item_schema["properties"])


def test_unknown_operation_is_a_clear_error(patched_document: dict[str, Any]) -> None:
    with pytest.raises(LookupError, match="no_such_list is not in the patched document"):
        build_page(patched_document, 1, operation_id="no_such_list")


def test_markdown_shows_goals_and_tables() -> None:
    machine: dict[str, object] = {
        "cpu": "test cpu",
        "cores": 2,
        "memory_gib": 4.0,
        "os": "test os",
        "python": "3.11.7",
        "load_average_1_5_15": [0.5, 0.5, 0.5],
        "packages": {"httpx": "0.28.1"},
    }
    sections = [Section("Parsing", ["step", "median ms"], [{"step": "json.loads", "median ms": 0.5961}])]
    goals = [Goal("import vs httpx", 1.55, 2.0, "x"), Goal("no-op regeneration", 2.5, 2.0, " s")]
    text = markdown(machine, sections, goals)
    assert "Machine: test cpu, 2 cores, 4.0 GiB, test os, Python 3.11.7" in text
    assert "| import vs httpx | 1.55x | - | 2x | yes |" in text
    assert "| no-op regeneration | 2.5 s | - | 2 s | no |" in text
    assert "| json.loads | 0.596 |" in text


def write_spec_layout(root: Path, cached: bytes, locked: bytes) -> tuple[Path, Path, Path]:
    """A sources file declaring one document, a lock of `locked`, and a cache holding `cached`."""
    sources, lock, cache = root / "sources.yaml", root / "lock.json", root / "upstream"
    sources.write_text("document:\n  url: https://example.test/openapi.json\n  file: openapi.json\n")
    entry = LockedFile(
        url="https://example.test/openapi.json",
        sha256=sha256_hex(locked),
        size=len(locked),
        fetched="2026-01-01",
    )
    lock.write_bytes(Lock(sources={"openapi.json": entry}).to_json())
    cache.mkdir()
    (cache / "openapi.json").write_bytes(cached)
    return sources, lock, cache


def test_bare_baseline_reads_the_locked_upstream_document(tmp_path: Path) -> None:
    sources, lock, cache = write_spec_layout(tmp_path, b'{"openapi": "3.1.0"}', b'{"openapi": "3.1.0"}')
    assert locked_upstream_document(sources, lock, cache) == cache / "openapi.json"


def test_bare_baseline_refuses_an_upstream_document_that_is_not_the_locked_one(tmp_path: Path) -> None:
    sources, lock, cache = write_spec_layout(tmp_path, b'{"openapi": "3.1.1"}', b'{"openapi": "3.1.0"}')
    with pytest.raises(ToolchainError, match=r"does not match spec/lock\.json; run `nox -s fetch`"):
        locked_upstream_document(sources, lock, cache)


def test_skipped_counts_the_generator_warnings_for_operations_and_schemas() -> None:
    output = (
        "Generating /tmp/out\n"
        "Warning(s) encountered while generating. Client was generated, but some pieces may be missing\n\n"
        "WARNING parsing POST /v1/a/cancel/ within test_framework. Endpoint will not be generated.\n\n"
        "Invalid content type\n\n"
        "WARNING parsing POST /v1/b/cancel/ within test_framework. Endpoint will not be generated.\n\n"
        "Unable to parse schema /components/schemas/BlandConfig\n\n"
        "Unable to parse this part of your OpenAPI document: : Attempted to generate duplicate models\n"
    )
    assert skipped_by_generator(output) == (2, 1)
    assert skipped_by_generator("Generating /tmp/out\n") == (0, 0)


def test_size_rows_compare_every_package_with_both_bare_outputs() -> None:
    section = size_section({FULL: (600, 10), BARE_UPSTREAM: (1000, 20), BARE_PATCHED: (800, 16)})
    assert [row["bytes vs bare upstream"] for row in section.rows] == [0.6, 1.0, 0.8]
    assert [row["bytes vs bare patched"] for row in section.rows] == [0.75, 1.25, 1.0]
    assert "baseline" in str(section.rows[1]["package"]) and "informative" in str(section.rows[2]["package"])


def test_comparison_rows_give_each_contender_its_median_ratio_and_spread() -> None:
    samples = Samples({"plain": [1.0, 2.0, 4.0], "client": [1.0, 3.0, 4.4]})
    rows = samples.comparison_rows("median s", "plain")
    assert rows == [
        {"client": "plain", "median s": 2.0, "vs plain": 1.0, "spread vs plain": "1-1"},
        {"client": "client", "median s": 3.0, "vs plain": 1.1, "spread vs plain": "1-1.5"},
    ]
