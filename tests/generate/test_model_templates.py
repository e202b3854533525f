"""The faster model templates (`templates/model.py.jinja`, `union_property.py.jinja`) keep behaviour.

A tiny document with every shape the changes touch (a required property with a default, dates and
datetimes, nested models in both directions of a cycle, lists, a passthrough union, unions that
build models or datetimes, extra keys, models whose properties are all required) is generated
with the project's templates; each check runs in a fresh interpreter so that the once-per-module
import of referenced models starts cold.
"""

from pathlib import Path
from typing import Any

import pytest
from fixture_client import build_fixture_client, run_in_client

CHILD = {"$ref": "#/components/schemas/Child"}
ITEM = {"$ref": "#/components/schemas/Item"}
FIXTURE_DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Fixture", "version": "1"},
    "paths": {
        "/items/": {
            "get": {
                "operationId": "items_list",
                "tags": ["items"],
                "responses": {
                    "200": {
                        "description": "",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}},
                    }
                },
            },
            "post": {  # a multipart body: the generator gives `Item` a `to_multipart`
                "operationId": "items_create",
                "tags": ["items"],
                "requestBody": {"content": {"multipart/form-data": {"schema": ITEM}}},
                "responses": {"201": {"description": "", "content": {"application/json": {"schema": ITEM}}}},
            },
        }
    },
    "components": {
        "schemas": {
            "Page": {
                "type": "object",
                "required": ["count", "results"],
                "properties": {"count": {"type": "integer"}, "results": {"type": "array", "items": ITEM}},
            },
            "Item": {
                "type": "object",
                "required": ["id", "created", "level"],
                "properties": {
                    "id": {"type": "integer"},
                    "level": {"type": "integer", "default": 3},
                    "created": {"type": "string", "format": "date-time"},
                    "day": {"type": "string", "format": "date"},
                    "note": {"type": ["string", "null"]},
                    "score": {"type": "number", "default": 1.5},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "child": CHILD,
                    "children": {"type": "array", "items": CHILD},
                    "maybe_child": {"anyOf": [CHILD, {"type": "null"}]},
                    "when": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "integer"}]},
                    "free": {"anyOf": [{}, {"type": "null"}]},
                },
            },
            "Pair": {  # every property required, one with a default: read key by key, no copy
                "type": "object",
                "required": ["left", "right"],
                "properties": {"right": {"type": "integer", "default": 0}, "left": {"type": "string"}},
            },
            "Child": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "born": {"type": "string", "format": "date"},
                    "parent": {"anyOf": [ITEM, {"type": "null"}]},
                },
            },
        }
    },
}

FULL_ITEM = {
    "id": 7,
    "level": 5,
    "created": "2026-03-15T10:15:45+02:00",
    "day": "2026-03-15",
    "note": "late",
    "score": 0.25,
    "tags": ["a", "b"],
    "child": {"name": "c1", "born": "2020-01-02", "nickname": "extra on a child"},
    "children": [
        {"name": "c2"},
        {"name": "c3", "parent": {"id": 1, "level": 1, "created": "2026-01-01T00:00:00"}},
    ],
    "maybe_child": None,
    "when": 12,
    "unknown_field": {"kept": True},
}

HEADER = """
import datetime, json
from cekura_client.models.item import Item
from cekura_client.models.page import Page
"""


@pytest.fixture(scope="module")
def fixture_client(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_client(tmp_path_factory, "model-templates", FIXTURE_DOCUMENT)


def run_check(client: Path, code: str) -> Any:
    return run_in_client(client, HEADER + code)


def test_full_item_round_trips_through_from_dict_and_to_dict(fixture_client: Path) -> None:
    code = f"""
payload = {FULL_ITEM!r}
item = Item.from_dict(payload)
print(json.dumps({{"again": item.to_dict(), "equal": Item.from_dict(item.to_dict()) == item}}))
"""
    result = run_check(fixture_client, code)
    assert result["equal"] is True
    assert result["again"] == FULL_ITEM


def test_every_attribute_gets_its_own_value(fixture_client: Path) -> None:
    """The constructor is called by position: a required attribute with a default sits after the others."""
    code = f"""
item = Item.from_dict({FULL_ITEM!r})
print(json.dumps({{"id": item.id, "level": item.level, "created": item.created.isoformat(), "note": item.note,
                  "score": item.score, "tags": item.tags, "when": item.when}}))
"""
    assert run_check(fixture_client, code) == {
        "id": 7,
        "level": 5,
        "created": "2026-03-15T10:15:45+02:00",
        "note": "late",
        "score": 0.25,
        "tags": ["a", "b"],
        "when": 12,
    }


def test_minimal_item_leaves_optional_attributes_unset(fixture_client: Path) -> None:
    code = """
from cekura_client.types import Unset
payload = {"id": 1, "level": 2, "created": "2026-03-15T10:15:45Z"}
item = Item.from_dict(payload)
unset = sorted(k for k in ("day", "note", "score", "tags", "child", "children", "maybe_child", "when")
               if isinstance(getattr(item, k), Unset))
print(json.dumps({"unset": unset, "dict": item.to_dict(), "extra": item.additional_properties}))
"""
    result = run_check(fixture_client, code)
    assert result["unset"] == ["child", "children", "day", "maybe_child", "note", "score", "tags", "when"]
    assert result["dict"] == {"id": 1, "level": 2, "created": "2026-03-15T10:15:45+00:00"}
    assert result["extra"] == {}


@pytest.mark.parametrize(
    ("text", "iso", "utc_offset_seconds"),
    [
        ("2026-03-15T10:15:45Z", "2026-03-15T10:15:45+00:00", 0),
        ("2026-03-15T10:15:45.123456Z", "2026-03-15T10:15:45.123456+00:00", 0),
        ("2026-03-15T10:15:45+05:30", "2026-03-15T10:15:45+05:30", 19800),
        ("2026-03-15T10:15:45-08:00", "2026-03-15T10:15:45-08:00", -28800),
        ("2026-03-15T10:15:45", "2026-03-15T10:15:45", None),
    ],
)
def test_datetimes_keep_their_offset(
    fixture_client: Path, text: str, iso: str, utc_offset_seconds: int | None
) -> None:
    code = f"""
created = Item.from_dict({{"id": 1, "level": 1, "created": {text!r}}}).created
offset = created.utcoffset()
seconds = None if offset is None else offset.total_seconds()
print(json.dumps({{"iso": created.isoformat(), "offset": seconds}}))
"""
    assert run_check(fixture_client, code) == {"iso": iso, "offset": utc_offset_seconds}


def test_dates_and_union_members_are_built(fixture_client: Path) -> None:
    code = """
item = Item.from_dict({"id": 1, "level": 1, "created": "2026-03-15T10:15:45Z", "day": "2026-03-15",
                       "when": "2026-03-16T00:00:00Z", "maybe_child": {"name": "m"}, "note": None})
print(json.dumps({"day": type(item.day).__name__, "when": type(item.when).__name__,
                  "maybe_child": type(item.maybe_child).__name__, "note": item.note,
                  "child_name": item.maybe_child.name}))
"""
    assert run_check(fixture_client, code) == {
        "day": "date",
        "when": "datetime",
        "maybe_child": "Child",
        "note": None,
        "child_name": "m",
    }


def test_from_dict_leaves_its_input_alone(fixture_client: Path) -> None:
    code = f"""
import copy
payload = {FULL_ITEM!r}
before = copy.deepcopy(payload)
Page.from_dict({{"count": 1, "results": [payload], "next_page": "kept"}})
print(json.dumps(payload == before))
"""
    assert run_check(fixture_client, code) is True


def test_extra_keys_stay_in_additional_properties(fixture_client: Path) -> None:
    code = f"""
page = Page.from_dict({{"count": 1, "results": [{FULL_ITEM!r}], "next_page": "kept"}})
item = page.results[0]
print(json.dumps({{"page": page.additional_properties, "item": item.additional_keys,
                  "child": item.child.additional_properties, "round_trip": page.to_dict()["next_page"]}}))
"""
    assert run_check(fixture_client, code) == {
        "page": {"next_page": "kept"},
        "item": ["unknown_field"],
        "child": {"nickname": "extra on a child"},
        "round_trip": "kept",
    }


def test_a_model_with_only_required_properties_reads_them_by_key(fixture_client: Path) -> None:
    """Such a model (`Page`, `Pair`) copies the extra keys only when there are some."""
    code = """
import types
from cekura_client.models.pair import Pair
plain, other = Pair.from_dict({"left": "l", "right": 2}), Pair.from_dict({"right": 0, "left": "m"})
extra = Pair.from_dict(types.MappingProxyType({"left": "l", "right": 2, "note": "kept"}))
plain.additional_properties["added"] = 1
try:
    Pair.from_dict({"right": 2, "note": "no left"})
    missing = None
except KeyError as exc:
    missing = exc.args[0]
print(json.dumps({
    "values": [plain.left, plain.right, other.left, other.right],
    "extras": [plain.additional_properties, other.additional_properties, extra.additional_properties],
    "to_dict": extra.to_dict(),
    "missing": missing,
}))
"""
    assert run_check(fixture_client, code) == {
        "values": ["l", 2, "m", 0],
        "extras": [{"added": 1}, {}, {"note": "kept"}],
        "to_dict": {"left": "l", "right": 2, "note": "kept"},
        "missing": "left",
    }


def test_referenced_models_load_on_first_use_not_on_import(fixture_client: Path) -> None:
    """Item and Child refer to each other; neither pulls the other in until a model is built."""
    code = """
import sys
loaded_after_import = "cekura_client.models.child" in sys.modules
from cekura_client.models.child import Child
item = Item(id=1, created=datetime.datetime(2026, 1, 1), maybe_child=Child(name="n"))
print(json.dumps({"loaded_after_import": loaded_after_import, "to_dict": item.to_dict()}))
"""
    result = run_check(fixture_client, code)
    assert result["loaded_after_import"] is False
    assert result["to_dict"] == {"id": 1, "created": "2026-01-01T00:00:00", "level": 3,
                                 "maybe_child": {"name": "n"}}  # fmt: skip


def test_to_dict_works_before_any_from_dict(fixture_client: Path) -> None:
    """`to_dict` alone (no `from_dict` yet) must still find the referenced model for its union check."""
    code = """
from cekura_client.models.child import Child
child = Child(name="c", parent=Item(id=2, created=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)))
print(json.dumps(child.to_dict()))
"""
    assert run_check(fixture_client, code) == {
        "name": "c",
        "parent": {"id": 2, "created": "2026-01-01T00:00:00+00:00", "level": 3},
    }


def test_to_multipart_takes_a_union_with_a_free_form_member(fixture_client: Path) -> None:
    """`anyOf: [{}, {type: null}]` made `to_multipart` check `isinstance(x, Any)`: a TypeError."""
    code = """
item = Item.from_dict({"id": 1, "created": "2026-01-01T00:00:00", "level": 1, "free": {"k": 1}})
print(json.dumps([name for name, _ in item.to_multipart()]))
"""
    assert "free" in run_check(fixture_client, code)


def test_the_constructor_leaves_an_optional_default_unset(fixture_client: Path) -> None:
    """An optional property with a schema default is sent only when set: the server applies its default.

    A required one keeps its default (it must be sent). The default went out with every request, so a
    PATCH built with the constructor reset such fields.
    """
    code = """
from cekura_client.types import Unset
item = Item(id=1, created=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
chosen = Item(id=1, created=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), score=1.5)
print(json.dumps({"score_unset": isinstance(item.score, Unset), "level": item.level,
                  "to_dict": item.to_dict(), "chosen": chosen.to_dict()["score"]}))
"""
    assert run_check(fixture_client, code) == {
        "score_unset": True,
        "level": 3,
        "to_dict": {"id": 1, "created": "2026-01-01T00:00:00+00:00", "level": 3},
        "chosen": 1.5,
    }
