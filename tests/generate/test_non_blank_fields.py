"""`non_blank_fields`: the request body properties whose schema forbids a blank string, by model."""

from pathlib import Path
from typing import Any

import pytest

from scripts.core.errors import ToolchainError
from scripts.generate.non_blank_fields import body_models, non_blank_paths, non_blank_table, render

NOT_BLANK = {"type": "string", "minLength": 1}
PART = {"$ref": "#/components/schemas/Part"}
DOCUMENT: dict[str, Any] = {
    "components": {
        "schemas": {
            "Part": {"type": "object", "properties": {"name": NOT_BLANK, "part": PART}},
            "Code": NOT_BLANK,
        }
    }
}


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "object", "properties": {"a": NOT_BLANK, "b": {"type": "string"}}}, {"a"}),
        ({"properties": {"a": {"type": "string", "minLength": 8}}}, {"a"}),
        ({"properties": {"a": {"type": "string", "minLength": 0}}}, set()),
        ({"properties": {"a": {"type": ["string", "null"], "minLength": 1}}}, {"a"}),
        ({"properties": {"a": {"anyOf": [NOT_BLANK, {"type": "null"}]}}}, {"a"}),
        ({"properties": {"a": {"oneOf": [NOT_BLANK, {"type": "integer"}]}}}, set()),  # JSON-valued
        ({"properties": {"a": {"type": ["string", "integer"], "minLength": 1}}}, set()),
        ({"properties": {"a": {"$ref": "#/components/schemas/Code"}}}, {"a"}),
        ({"properties": {"tags": {"type": "array", "items": NOT_BLANK}}}, set()),  # refused alike
        ({"properties": {"extra": {"type": "object", "additionalProperties": NOT_BLANK}}}, set()),
        ({"properties": {"p": PART}}, {"p.name"}),  # a model on the path is not entered again
        ({"properties": {"ps": {"type": "array", "items": PART}}}, {"ps[].name"}),
        ({"properties": {"p": {"anyOf": [PART, {"type": "null"}]}}}, {"p.name"}),
        ({"allOf": [PART]}, {"name"}),
        ({"type": "array", "items": PART}, {"[].name"}),
    ],
)
def test_non_blank_paths_names_the_properties_a_form_would_drop(
    schema: dict[str, Any], expected: set[str]
) -> None:
    assert non_blank_paths(schema, DOCUMENT) == expected


ENDPOINT = """
from ...request_body import add_body, body_formats
from ...models import Part, Widget

_BODY_FORMATS = body_formats(
    Widget, "application/json", "application/x-www-form-urlencoded", json_fields=("meta",)
) + body_formats(Part, "multipart/form-data", many=True)
"""


def test_body_models_reads_the_endpoint_s_body_formats() -> None:
    assert body_models(ENDPOINT) == [
        ("Widget", ("application/json", "application/x-www-form-urlencoded"), False),
        ("Part", ("multipart/form-data",), True),
    ]
    assert body_models("def sync(): ...\n") == []


def write_endpoint(package: Path, name: str, source: str) -> None:
    folder = package / "api" / "default"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.py").write_text(source, encoding="utf-8")


def body(content: dict[str, Any]) -> dict[str, Any]:
    return {"operationId": "widgets_create", "requestBody": {"content": content}}


def test_the_table_holds_the_form_body_models_with_paths_relative_to_the_model(tmp_path: Path) -> None:
    widget = {"type": "object", "properties": {"label": NOT_BLANK, "part": PART}}
    document = {
        **DOCUMENT,
        "paths": {
            "/widgets/": {
                "post": body(
                    {
                        "application/json": {"schema": widget},
                        "application/x-www-form-urlencoded": {"schema": widget},
                        "multipart/form-data": {"schema": {"type": "array", "items": PART}},
                    }
                )
            }
        },
    }
    write_endpoint(tmp_path, "widgets_create", ENDPOINT)
    table = non_blank_table(tmp_path, document)
    assert table == {
        "Part": frozenset({"name"}),
        "Widget": frozenset({"label", "part.name"}),
    }
    namespace: dict[str, Any] = {}
    exec(render(table), namespace)
    assert namespace["NON_BLANK_FIELDS"] == table


def test_a_json_only_body_gets_no_entry(tmp_path: Path) -> None:
    widget = {"type": "object", "properties": {"label": NOT_BLANK}}
    document = {"paths": {"/w/": {"post": body({"application/json": {"schema": widget}})}}}
    write_endpoint(tmp_path, "widgets_create", 'X = 1\n_BODY_FORMATS = body_formats(W, "application/json")\n')
    assert non_blank_table(tmp_path, document) == {}


def test_one_model_with_two_answers_fails_the_generation(tmp_path: Path) -> None:
    form = "application/x-www-form-urlencoded"
    document = {
        "paths": {
            "/a/": {
                "post": {**body({form: {"schema": {"properties": {"a": NOT_BLANK}}}}), "operationId": "a"}
            },
            "/b/": {
                "post": {**body({form: {"schema": {"properties": {"b": NOT_BLANK}}}}), "operationId": "b"}
            },
        }
    }
    for name in ("a", "b"):
        write_endpoint(tmp_path, name, f'_BODY_FORMATS = body_formats(W, "{form}")\n')
    with pytest.raises(ToolchainError, match=r"W forbids blank strings at \['b'\] for b "):
        non_blank_table(tmp_path, document)
