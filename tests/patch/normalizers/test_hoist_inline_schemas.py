import copy
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mirror import load_api_key_document

from scripts.patch.normalizers import hoist_inline_schemas

RUN_STATUS = ["pending", "running", "completed", "failed"]


def ref(name: str) -> str:
    return f"#/components/schemas/{name}"


def enum(values: list[str], **annotations: Any) -> dict[str, Any]:
    return {"type": "string", "enum": values, **annotations}


def obj(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


def document(schemas: dict[str, Any], paths: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"openapi": "3.1.0", "paths": paths or {}, "components": {"schemas": schemas}}


def json_response(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "", "content": {"application/json": {"schema": schema}}}


def walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def test_identical_enums_become_one_component_and_sites_keep_their_descriptions() -> None:
    doc = document(
        {
            "Run": obj(status=enum(RUN_STATUS, description="Status of the run")),
            "Result": obj(status=enum(RUN_STATUS, description="Status of the result")),
        }
    )
    report = hoist_inline_schemas.normalize(doc)
    schemas = doc["components"]["schemas"]
    assert schemas["StatusEnum"] == enum(RUN_STATUS)
    assert schemas["Run"]["properties"]["status"] == {
        "$ref": ref("StatusEnum"),
        "description": "Status of the run",
    }
    assert schemas["Result"]["properties"]["status"] == {
        "$ref": ref("StatusEnum"),
        "description": "Status of the result",
    }
    assert report == [
        "hoisted 1 repeated inline schema(s) into new components, replacing 2 inline "
        "occurrence(s) by $ref; most repeated: StatusEnum (2)"
    ]


def test_a_single_occurrence_stays_inline() -> None:
    doc = document({"Run": obj(status=enum(RUN_STATUS)), "Job": obj(kind=enum(["a", "b"]))})
    before = copy.deepcopy(doc)
    assert hoist_inline_schemas.normalize(doc) == []
    assert doc == before


def test_agreeing_descriptions_move_to_the_component_and_defaults_stay_on_the_site() -> None:
    language = enum(["en", "fr"], description="Language")
    doc = document(
        {
            "Agent": obj(language={**language, "default": "en"}),
            "Call": obj(language=copy.deepcopy(language)),
        }
    )
    hoist_inline_schemas.normalize(doc)
    schemas = doc["components"]["schemas"]
    assert schemas["LanguageEnum"] == enum(["en", "fr"], description="Language")
    # The generator reads a default next to a one-entry allOf, not next to a bare $ref.
    assert schemas["Agent"]["properties"]["language"] == {
        "allOf": [{"$ref": ref("LanguageEnum")}],
        "description": "Language",
        "default": "en",
    }
    assert schemas["Call"]["properties"]["language"] == {
        "$ref": ref("LanguageEnum"),
        "description": "Language",
    }


def test_nested_repeats_are_hoisted_inner_first() -> None:
    owner = obj(name={"type": "string"}, role=enum(["admin", "member"]))
    doc = document(
        {
            "Team": obj(owner=copy.deepcopy(owner)),
            "Project": obj(owner=owner),
            "Invite": obj(role=enum(["member", "admin"], description="Invited as")),
        }
    )
    hoist_inline_schemas.normalize(doc)
    schemas = doc["components"]["schemas"]
    assert schemas["RoleEnum"] == enum(["admin", "member"])
    assert schemas["Owner"] == obj(name={"type": "string"}, role={"$ref": ref("RoleEnum")})
    assert schemas["Team"]["properties"]["owner"] == {"$ref": ref("Owner")}
    assert schemas["Project"]["properties"]["owner"] == {"$ref": ref("Owner")}
    assert schemas["Invite"]["properties"]["role"] == {
        "$ref": ref("RoleEnum"),
        "description": "Invited as",
    }


def test_an_inline_copy_of_a_component_becomes_a_ref_to_it() -> None:
    address = obj(street={"type": "string", "description": "Street"}, zip={"type": "string"})
    inline = obj(street={"type": "string"}, zip={"type": "string"})
    doc = document({"Address": address, "Person": obj(home={**inline, "description": "Home address"})})
    report = hoist_inline_schemas.normalize(doc)
    assert doc["components"]["schemas"]["Person"]["properties"]["home"] == {
        "$ref": ref("Address"),
        "description": "Home address",
    }
    assert list(doc["components"]["schemas"]) == ["Address", "Person"]
    assert report == ["replaced 1 inline schema(s) by $ref to 1 equal existing component(s), e.g. Address"]


def test_clashing_names_are_qualified_by_their_enclosing_model() -> None:
    doc = document(
        {
            "Run": obj(
                status=enum(RUN_STATUS), items={"type": "array", "items": obj(status=enum(RUN_STATUS))}
            ),
            "Job": obj(status=enum(["queued", "done"])),
            "Task": obj(status=enum(["queued", "done"])),
            "Priority": {"type": "integer"},
            "Ticket": obj(priority=obj(level={"type": "integer"})),
            "Bug": obj(priority=obj(level={"type": "integer"})),
        },
        paths={
            "/things": {
                "get": {
                    "operationId": "list-things",
                    "responses": {"404": json_response(obj(detail={"type": "string"}))},
                }
            },
            "/others": {
                "get": {
                    "operationId": "list-others",
                    "responses": {"404": json_response(obj(detail={"type": "string"}))},
                }
            },
        },
    )
    hoist_inline_schemas.normalize(doc)
    schemas = doc["components"]["schemas"]
    new = list(schemas)[6:]
    # Two structures want `StatusEnum`; `Priority` is a component: all are qualified.
    # The run status occurs under `Run` and under `Run.items[]` (`ItemsItem`): tie, shortest wins.
    assert new == ["BugPriority", "JobStatusEnum", "NotFoundResponse", "RunStatusEnum"]
    assert schemas["Run"]["properties"]["items"]["items"]["properties"]["status"] == {
        "$ref": ref("RunStatusEnum")
    }
    assert doc["paths"]["/things"]["get"]["responses"]["404"]["content"]["application/json"] == {
        "schema": {"$ref": ref("NotFoundResponse")}
    }


def test_names_the_generator_derives_from_operation_ids_are_avoided() -> None:
    body = obj(name={"type": "string"})
    doc = document(
        {"A": obj(create_thing_body=copy.deepcopy(body)), "B": obj(create_thing_body=body)},
        paths={"/things": {"post": {"operationId": "create-thing", "responses": {}}}},
    )
    hoist_inline_schemas.normalize(doc)
    assert "CreateThingBody" not in doc["components"]["schemas"]
    assert doc["components"]["schemas"]["A"]["properties"]["create_thing_body"] == {
        "$ref": ref("ACreateThingBody")
    }


def test_output_is_deterministic_and_a_second_run_changes_nothing() -> None:
    doc = document(
        {
            "Run": obj(status=enum(RUN_STATUS), owner=obj(role=enum(["a", "b"]))),
            "Job": obj(status=enum(RUN_STATUS), owner=obj(role=enum(["a", "b"]))),
            "Task": obj(status=enum(["x", "y"]), mode=enum(["x", "y"])),
        }
    )
    first, second = copy.deepcopy(doc), copy.deepcopy(doc)
    assert hoist_inline_schemas.normalize(first) == hoist_inline_schemas.normalize(second)
    assert json.dumps(first) == json.dumps(second)
    assert hoist_inline_schemas.normalize(first) == []  # and idempotent


def api_key_document(mirror: Path) -> dict[str, Any]:
    """The mirror narrowed as the patch step does: api_key operations, no `x-` keys."""

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if not k.startswith("x-")}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    doc: dict[str, Any] = strip(load_api_key_document(mirror))
    return doc


def test_the_run_status_enum_of_the_real_document_becomes_one_component(mirror: Path) -> None:
    doc = api_key_document(mirror)
    started = time.perf_counter()
    report = hoist_inline_schemas.normalize(doc)
    assert time.perf_counter() - started < 5

    schemas = doc["components"]["schemas"]
    holders = [node for node in walk(doc) if node.get("enum") == RUN_STATUS]
    named = [name for name, schema in schemas.items() if schema.get("enum") == RUN_STATUS]
    assert len(named) == 1
    assert holders == [schemas[named[0]]]
    assert report[0].startswith("hoisted ")

    refs = {node["$ref"] for node in walk(doc) if isinstance(node.get("$ref"), str)}
    missing = {r for r in refs if r.startswith(ref("")) and r.removeprefix(ref("")) not in schemas}
    assert not missing
