"""The endpoint data the templates print, computed from the generator's own parse of small documents."""

from pathlib import Path
from typing import Any

import pytest
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.openapi import Endpoint

from scripts.generate.generate_client import GENERATOR_CONFIG
from scripts.generate.template_data import (
    BodyFormat,
    TemplateData,
    argument_entries,
    described,
    grouped_imports,
)

FORMS = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")


def parse(
    schemas: dict[str, Any],
    content: dict[str, Any] | None,
    parameters: list[Any] | None = None,
    responses: dict[str, Any] | None = None,
    description: str = "",
) -> GeneratorData:
    """The generator's parse of one POST operation with this body, these schemas and parameters."""
    path = "/things/{id}/" if any(p["in"] == "path" for p in parameters or []) else "/things/"
    document = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {
            path: {
                "post": {
                    "operationId": "things_create",
                    "tags": ["things"],
                    "parameters": parameters or [],
                    **({"requestBody": {"required": True, "content": content}} if content else {}),
                    "responses": responses or {"204": {"description": ""}},
                    "description": description,
                }
            }
        },
        "components": {"schemas": schemas},
    }
    config = Config.from_sources(
        ConfigFile.load_from_path(GENERATOR_CONFIG), MetaType.PDM, Path("openapi.json"), "utf-8", False, None
    )
    parsed = GeneratorData.from_dict(document, config=config)
    assert isinstance(parsed, GeneratorData), parsed
    return parsed


def endpoint(parsed: GeneratorData) -> Endpoint:
    (collection,) = parsed.endpoint_collections_by_tag.values()
    assert not collection.parse_errors, collection.parse_errors
    (found,) = collection.endpoints
    return found


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def same_body(schema: dict[str, Any], media_types: tuple[str, ...] = FORMS) -> dict[str, Any]:
    return {media: {"schema": schema} for media in media_types}


THING = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string"},
        "anything": {},
        "number_or_text": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
        "nullable_text": {"type": ["string", "null"]},
        "kind": {"oneOf": [{"enum": ["a", "b"]}, {"enum": [""]}, {"type": "null"}]},
        "tags": {"type": "array", "items": {}},
        "settings": {"type": "object", "additionalProperties": True},
        "parent": ref("Thing"),
        "children": {"type": "array", "items": ref("Child")},
    },
}
CHILD = {"type": "object", "properties": {"payload": {}, "owner": ref("Thing")}}


def test_untyped_paths_are_found_through_lists_unions_and_nested_models_once_per_model() -> None:
    parsed = parse({"Thing": THING, "Child": CHILD}, same_body(ref("Thing")))

    (formats,) = TemplateData(parsed.models).body_formats(endpoint(parsed))

    # `nullable_text` (one type and null) and `kind` (one enum split with "" and null) are typed;
    # `parent` and `children[].owner` are Thing again, not entered a second time.
    assert formats == BodyFormat(
        model="Thing",
        media_types=FORMS,
        many=False,
        json_fields=("anything", "children[].payload", "number_or_text", "settings.*", "tags[]"),
    )
    assert formats.expression == (
        'body_formats(Thing, "application/json", "application/x-www-form-urlencoded", "multipart/form-data", '
        'json_fields=("anything", "children[].payload", "number_or_text", "settings.*", "tags[]"))'
    )


def test_names_that_differ_only_in_case_are_both_sent_as_json() -> None:
    schema = {"type": "object", "properties": {"Note": {}, "note": {}, "a": {}}}
    parsed = parse({"Notes": schema}, same_body(ref("Notes"), ("application/json",)))

    (formats,) = TemplateData(parsed.models).body_formats(endpoint(parsed))

    assert formats.json_fields == ("a", "Note", "note")


def test_one_format_per_run_of_media_types_sharing_a_model_and_a_list_body_is_many() -> None:
    schemas = {"Thing": {"type": "object", "properties": {"name": {"type": "string"}}}, "Other": CHILD}
    content = {
        "application/json": {"schema": {"type": "array", "items": ref("Thing")}},
        "application/x-www-form-urlencoded": {"schema": ref("Thing")},
        "multipart/form-data": {"schema": ref("Thing")},
        "application/merge-patch+json": {"schema": ref("Other")},
    }
    parsed = parse({**schemas, "Child": CHILD}, content)
    data = TemplateData(parsed.models)

    formats = data.body_formats(endpoint(parsed))

    assert [(f.model, f.media_types, f.many) for f in formats] == [
        ("Thing", ("application/json",), True),
        ("Thing", ("application/x-www-form-urlencoded", "multipart/form-data"), False),
        ("Other", ("application/merge-patch+json",), False),
    ]
    assert formats[0].expression == 'body_formats(Thing, "application/json", many=True)'
    assert formats[2].json_fields == ("payload",)  # `owner` is this Thing, all typed
    assert data.body_type(endpoint(parsed)) == "list[Thing] | Thing | Other"


def test_a_single_json_field_is_a_one_item_tuple() -> None:
    schema = {"type": "object", "properties": {"extra": {}, "name": {"type": "string"}}}
    parsed = parse({"Thing": schema}, same_body(ref("Thing"), ("multipart/form-data",)))
    (formats,) = TemplateData(parsed.models).body_formats(endpoint(parsed))
    assert formats.expression == 'body_formats(Thing, "multipart/form-data", json_fields=("extra",))'


def test_a_body_that_is_not_a_model_is_refused_with_the_operation_named() -> None:
    parsed = parse({}, same_body({"type": "string"}, ("application/json",)))
    with pytest.raises(ValueError, match=r"things_create: the application/json body is not an object"):
        TemplateData(parsed.models).body_formats(endpoint(parsed))


@pytest.mark.parametrize(
    ("query", "encoder"),
    [
        ({"type": "integer"}, None),
        ({"type": "string"}, None),
        ({"type": "string", "format": "date-time"}, "aware_datetime"),
        ({"type": "array", "items": {"type": "integer"}}, "comma_separated"),
        ({"type": "object", "properties": {"a": {"type": "integer"}}}, "json_text"),
    ],
)
def test_a_query_value_goes_through_the_request_url_function_for_its_type(
    query: dict[str, Any], encoder: str | None
) -> None:
    query_parameter = {"name": "q", "in": "query", "schema": query, "style": "form", "explode": False}
    path_parameter = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    operation = endpoint(parse({"Thing": CHILD}, same_body(ref("Thing")), [path_parameter, query_parameter]))
    (prop,) = operation.query_parameters

    assert TemplateData.query_encoder(prop) == encoder
    assert TemplateData.uses_request_url(operation) is True  # the path parameter
    operation.path_parameters = []  # then only the query parameter decides
    assert TemplateData.uses_request_url(operation) is (encoder is not None)


def json_response(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "", "content": {"application/json": {"schema": schema}}}


RESPONSES = {
    "200": json_response(ref("Thing")),
    "201": json_response({"type": "array", "items": ref("Thing")}),
    "204": {"description": ""},
    "400": json_response({"type": "array", "items": {"type": "string"}}),
    "4XX": json_response(ref("Thing")),
    "default": {
        "description": "",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    },
}


def test_each_status_gets_its_parser_and_sync_returns_the_union_of_the_2xx_bodies() -> None:
    parsed = parse(
        {"Thing": {"type": "object", "properties": {"name": {"type": "string"}}}}, None, responses=RESPONSES
    )
    operation = endpoint(parsed)

    parsers = TemplateData.response_parsers(operation)

    assert [(p.key, p.parser, p.argument, p.source) for p in parsers] == [
        ("200", "Thing.from_dict", None, None),
        ("201", "_parse_201", "data: Any", "data"),
        ("204", "None", None, None),
        ("400", "_parse_400", "data: Any", "data"),
        ('"4XX"', "Thing.from_dict", None, None),
        ('"default"', "FromResponse(_parse_default)", "response: httpx.Response", None),
    ]
    assert TemplateData.parses_bodies(operation) is True
    assert TemplateData.success_type(operation) == "list[Thing] | None | Thing"


def test_an_operation_without_response_bodies_parses_none_and_returns_none() -> None:
    operation = endpoint(parse({}, None))
    assert TemplateData.parses_bodies(operation) is False
    assert [(p.key, p.parser) for p in TemplateData.response_parsers(operation)] == [("204", "None")]
    assert TemplateData.success_type(operation) == "None"


@pytest.mark.parametrize(
    ("description", "deprecated"),
    [
        ("Deprecated: use `things_create_v2`.", True),
        ("Creates a thing. Deprecated: soon.", False),
        ("", False),
    ],
)
def test_an_operation_warns_when_its_description_opens_with_deprecated(
    description: str, deprecated: bool
) -> None:
    assert TemplateData.deprecated(endpoint(parse({}, None, description=description))) is deprecated


def test_docstring_entries_keep_what_the_signature_does_not_say_once_each() -> None:
    parameters = [
        {"name": "page", "in": "query", "schema": {"type": "integer", "default": 1, "description": "Page."}},
        {"name": "search", "in": "query", "schema": {"type": "string"}},
    ]
    described_body = {"type": "object", "description": "A thing.", "properties": {"name": {"type": "string"}}}
    operation = endpoint(parse({"Thing": described_body}, same_body(ref("Thing")), parameters))
    page, search = operation.query_parameters

    assert described(page) == "page: Page. Default: 1."
    assert described(search) == ""  # `search (str | Unset): ` says nothing the signature does not
    assert argument_entries(operation) == ["page: Page. Default: 1.", "body: A thing."]


def test_model_imports_become_one_statement_and_other_lines_stay() -> None:
    imports = {
        "from ..models.thing import Thing",
        "from ..models.other_thing import OtherThing",
        "from ..models.thing import thing_helper",
        "from ..types import UNSET, Unset",
        "from typing import cast",
    }
    assert grouped_imports(imports).splitlines() == [
        "from ..models.thing import thing_helper",
        "from ..types import UNSET, Unset",
        "from typing import cast",
        "from ..models import OtherThing, Thing",
    ]
    assert grouped_imports({"from typing import cast"}) == "from typing import cast"
