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


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {"overlay": "1.0.0", "info": {"version": "1"}, "actions": [{"target": "$", "remove": True}]},
            r"^overlay bad\.yaml: `info` needs a `title` and a `version`$",
        ),
        (
            overlay({"target": "$.info", "update": {}}, {"update": {"x": 1}}),
            r"^overlay bad\.yaml, action 2: needs a string `target`$",
        ),
        (
            overlay({"target": "$.info", "remove": True}, {"target": "$.paths", "remove": 1}),
            r"^overlay bad\.yaml, action 2: `remove` must be true or false$",
        ),
    ],
)
def test_a_malformed_overlay_is_refused_naming_the_action(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(PatchError, match=message):
        parse_overlay(raw, "bad.yaml")


def test_the_first_line_of_a_description_labels_the_action() -> None:
    parsed = parse_overlay(
        overlay({"target": "$.info", "description": "  Why.\nMore detail.\n", "update": {"x": 1}}), "o.yaml"
    )
    assert apply_overlay({"info": {}}, parsed) == ["o.yaml #1 (Why.): updated 1 node(s)"]


def test_removing_the_document_root_is_refused() -> None:
    root = parse_overlay(overlay({"target": "$", "remove": True}), "r.yaml")
    with pytest.raises(PatchError, match=r"^overlay r\.yaml, action 1: cannot remove the document root$"):
        apply_overlay({"info": {}}, root)


def test_removing_several_items_of_one_list_and_of_nested_lists_removes_exactly_those() -> None:
    document: dict[str, Any] = {
        "tags": [{"name": "a"}, {"name": "drop"}, {"name": "b"}, {"name": "drop"}, {"name": "c"}],
        "paths": {"/x": {"get": {"parameters": [{"name": "p", "x-drop": True}, {"name": "q"}]}}},
    }
    parsed = parse_overlay(
        overlay(
            {"target": "$.tags[?@.name == 'drop']", "remove": True},
            {"target": "$.paths.*.*.parameters[?@['x-drop']]", "remove": True},
        ),
        "r.yaml",
    )
    assert apply_overlay(document, parsed) == ["r.yaml #1: removed 2 node(s)", "r.yaml #2: removed 1 node(s)"]
    assert document == {
        "tags": [{"name": "a"}, {"name": "b"}, {"name": "c"}],
        "paths": {"/x": {"get": {"parameters": [{"name": "q"}]}}},
    }


def test_apply_overlays_reports_each_action_with_its_label_and_verb(tmp_path: Path) -> None:
    document: dict[str, Any] = {"info": {"title": "t"}, "tags": [{"name": "old"}]}
    files = [
        write_overlay(
            tmp_path,
            "10-a.yaml",
            {"target": "$.info", "description": "Describe.", "update": {"description": "d"}},
            {"target": "$.tags[0]", "remove": True},
        )
    ]
    assert apply_overlays(document, files) == [
        "10-a.yaml #1 (Describe.): updated 1 node(s)",
        "10-a.yaml #2: removed 1 node(s)",
    ]
    assert document == {"info": {"title": "t", "description": "d"}, "tags": []}


def test_every_dangling_reference_of_an_update_is_named_in_order_once(tmp_path: Path) -> None:
    document: dict[str, Any] = {"components": {"schemas": {"A": {}, "a/b": {}, "c~d": {}}}}
    update = {
        "allOf": [
            {"$ref": "#/components/schemas/Missing1"},
            {"items": [{"$ref": "#/components/schemas/Missing2"}, {"$ref": "#/components/schemas/Missing1"}]},
            {
                "properties": {
                    "x": {"$ref": "#/components/schemas/a~1b"},
                    "y": {"$ref": "#/components/schemas/c~0d"},
                }
            },
            {"$ref": "https://example.com/schema.json"},
        ],
        "x-next": {"$ref": "#/components/schemas/Missing3"},
        "x-last": {"$ref": "#/components/schemas/Missing4"},
    }
    files = [write_overlay(tmp_path, "10-refs.yaml", {"target": "$.components.schemas.A", "update": update})]
    with pytest.raises(StaleOverlayError) as raised:
        apply_overlays(document, files)
    reasons = [action.reason for action in raised.value.actions]
    assert reasons == [
        f"refers to #/components/schemas/{name}, which the document does not define"
        for name in ("Missing1", "Missing2", "Missing3", "Missing4")
    ]
