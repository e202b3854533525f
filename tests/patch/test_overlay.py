"""The overlay engine: before/overlay/after triples, plus its errors."""

import json
from pathlib import Path
from typing import Any

import pytest

from scripts.core.errors import PatchError
from scripts.core.yamlio import load_yaml
from scripts.patch.overlay import (
    StaleOverlayError,
    apply_overlay,
    apply_overlays,
    load_overlay,
    parse_overlay,
)

CASES = Path(__file__).parent / "overlay_cases"


def load(path: Path) -> Any:
    return load_yaml(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_overlay_case(case: str) -> None:
    document = load(CASES / case / "openapi.yaml")
    apply_overlay(document, load_overlay(CASES / case / "overlay.yaml"))
    assert document == load(CASES / case / "output.yaml")


def overlay(*actions: dict[str, Any]) -> dict[str, Any]:
    return {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": list(actions)}


def test_a_target_that_matches_nothing_fails_naming_file_and_action() -> None:
    document: dict[str, Any] = {"paths": {"/a": {"get": {}}}}
    stale = parse_overlay(
        overlay(
            {"target": "$.paths['/a'].get", "update": {"summary": "x"}},
            {"target": "$.paths['/gone'].post", "remove": True},
        ),
        "07-stale.yaml",
    )
    with pytest.raises(
        PatchError, match=r"overlay 07-stale\.yaml, action 2: target .*/gone.* matches nothing"
    ):
        apply_overlay(document, stale)


def test_the_report_counts_nodes_per_action() -> None:
    document: dict[str, Any] = {"paths": {"/a": {"get": {}, "put": {}}}}
    report = apply_overlay(
        document,
        parse_overlay(
            overlay({"target": "$.paths.*.*", "description": "Mark.", "update": {"x": 1}}), "o.yaml"
        ),
    )
    assert report == ["o.yaml #1 (Mark.): updated 2 node(s)"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {"overlay": "2.0.0", "info": {"title": "t", "version": "1"}, "actions": []},
            "not an Overlay 1.0",
        ),
        (
            {"overlay": "1.0.0", "info": {"title": "t"}, "actions": []},
            "needs a `title` and a `version`",
        ),
        (overlay(), "non-empty list"),
        (overlay({"target": "paths"}), "must be a JSONPath starting with `\\$`"),
        (overlay({"target": "$.paths[?"}), "invalid JSONPath"),
        (overlay({"target": "$.paths"}), "needs `update` or `remove: true`"),
        (overlay({"target": "$.paths", "remove": "yes"}), "`remove` must be true or false"),
    ],
)
def test_malformed_overlays_are_refused(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(PatchError, match=message):
        parse_overlay(raw, "bad.yaml")


def test_a_primitive_target_is_refused() -> None:
    document = {"info": {"title": "t"}}
    primitive = parse_overlay(overlay({"target": "$.info.title", "update": {"x": 1}}), "p.yaml")
    with pytest.raises(PatchError, match="target its parent object instead"):
        apply_overlay(document, primitive)


def test_an_unreadable_overlay_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "05-broken.yaml"
    bad.write_text("overlay: 1.0.0\nactions: [\n")
    with pytest.raises(PatchError, match=r"overlay 05-broken\.yaml: cannot read it"):
        load_overlay(bad)


def write_overlay(directory: Path, name: str, *actions: dict[str, Any]) -> Path:
    path = directory / name
    path.write_text(json.dumps(overlay(*actions)), encoding="utf-8")  # JSON is YAML 1.2
    return path


def test_every_stale_action_of_every_file_is_named_in_one_error(tmp_path: Path) -> None:
    document: dict[str, Any] = {
        "paths": {"/a": {"get": {}}},
        "components": {"schemas": {"A": {"type": "object"}}},
    }
    files = [
        write_overlay(
            tmp_path,
            "10-first.yaml",
            {"target": "$.paths['/gone'].get", "description": "Gone one.", "remove": True},
            {"target": "$.paths['/a'].get", "update": {"summary": "kept"}},
            {"target": "$.paths['/also-gone']", "remove": True},
        ),
        write_overlay(
            tmp_path,
            "20-second.yaml",
            {"target": "$.components.schemas.A", "update": {"anyOf": [{"$ref": "#/components/schemas/B"}]}},
            {"target": "$.components.schemas.Missing", "remove": True},
        ),
    ]
    with pytest.raises(StaleOverlayError) as raised:
        apply_overlays(document, files)
    assert [(a.file, a.index) for a in raised.value.actions] == [
        ("10-first.yaml", 1),
        ("10-first.yaml", 3),
        ("20-second.yaml", 1),
        ("20-second.yaml", 2),
    ]
    message = str(raised.value)
    assert message.startswith("4 overlay action(s) do not fit this document")
    assert (
        "overlay 10-first.yaml, action 1: target $.paths['/gone'].get matches nothing (Gone one.)" in message
    )
    assert (
        "overlay 20-second.yaml, action 1: refers to #/components/schemas/B, "
        "which the document does not define" in message
    )
    # The actions that fit were applied, so later ones saw the document they would see without them.
    assert document["paths"]["/a"]["get"] == {"summary": "kept"}


def test_a_reference_added_to_a_schema_an_earlier_action_created_is_not_stale(tmp_path: Path) -> None:
    document: dict[str, Any] = {"components": {"schemas": {"A": {}}}}
    files = [
        write_overlay(
            tmp_path,
            "10-add.yaml",
            {"target": "$.components.schemas", "update": {"B": {"type": "string"}}},
            {"target": "$.components.schemas.A", "update": {"anyOf": [{"$ref": "#/components/schemas/B"}]}},
        )
    ]
    assert len(apply_overlays(document, files)) == 2
