"""The bench's own logic: round-robin sampling, pairwise ratios, the synthesised page, the report.

Nothing here times anything: samplers return fixed numbers, and the page is checked against the
patched document's schema with a real validator.
"""

from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

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


def test_ratio_is_the_median_of_same_round_ratios_not_of_medians() -> None:
    samples = Samples({"mine": [1.0, 10.0, 100.0], "base": [1.0, 5.0, 200.0]})
    assert samples.ratio("mine", "base") == 1.0  # rounds: 1, 2, 0.5
    assert samples.median("mine") / samples.median("base") == 2.0


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
    assert "| import vs httpx | 1.55x | 2x | yes |" in text
    assert "| no-op regeneration | 2.5 s | 2 s | no |" in text
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
