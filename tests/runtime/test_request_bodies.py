"""Request bodies through the generated client: every operation, each declared media type, and what a
real Django REST framework server on loopback reads from them.

The DRF app's serializers are built from the patched document's request schemas
(`spec_serializers.py`), not written per operation; the bodies are the document's own request
examples (all of them), plus file uploads built here.
"""

import base64
import importlib
import inspect
import json
import pkgutil
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from io import BytesIO
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from contract.arguments import name_files
from drf_server import register, serve
from spec_serializers import SerializerFactory
from spec_values import minimal_value

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
REFUSAL_ADVICE = 'body_content_type="application/json"'
UNDOCUMENTED_STATUS = 226  # the generated parser leaves an undocumented status's body alone


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    spec: dict[str, Any]
    module: types.ModuleType


@pytest.fixture(scope="module")
def operations(generated_project: Path, patched_document: dict[str, Any]) -> dict[str, Operation]:
    api = importlib.import_module("cekura_client.api")
    modules = {
        info.name.rsplit(".", 1)[1]: info.name
        for info in pkgutil.walk_packages(api.__path__, "cekura_client.api.")
        if not info.ispkg
    }
    return {
        spec["operationId"]: Operation(
            spec["operationId"], method, path, spec, importlib.import_module(modules[spec["operationId"]])
        )
        for path, item in patched_document["paths"].items()
        for method, spec in item.items()
        if method != "parameters"
    }


@pytest.fixture(scope="module")
def components(patched_document: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = patched_document["components"]["schemas"]
    return schemas


# --- json_fields: the generator's view of "no type" equals the document's --------------------------

_TYPED = {"type", "$ref", "anyOf", "oneOf", "allOf", "enum", "const", "properties", "items"}


def untyped_paths(schema: dict[str, Any], components: dict[str, Any], path: str = "") -> set[str]:
    """The document's schema paths with no type or a union of several, in form_encoding's syntax."""
    return _untyped(schema, components, path, ())


def _untyped(
    schema: dict[str, Any], components: dict[str, Any], path: str, seen: tuple[str, ...]
) -> set[str]:
    kinds = schema.get("type")
    if isinstance(kinds, list) and len([kind for kind in kinds if kind != "null"]) > 1:
        return {path}
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return set()
        return _untyped(components[name], components, path, (*seen, name))
    if not _TYPED & schema.keys() and "additionalProperties" not in schema:
        return {path}
    found: set[str] = set()
    for keyword in ("anyOf", "oneOf", "allOf"):
        options = [option for option in schema.get(keyword, ()) if option.get("type") != "null"]
        if len(options) > 1 and keyword != "allOf":  # DRF has no union field: it reads JSON
            return {path}
        for option in options:
            found |= _untyped(option, components, path, seen)
    properties = schema.get("properties", {})
    for name, value in properties.items():
        found |= _untyped(value, components, f"{path}.{name}" if path else name, seen)
    values = schema.get("additionalProperties", True)
    untyped_values = values is True or (isinstance(values, dict) and not _TYPED & values.keys())
    if not properties and "object" in (kinds if isinstance(kinds, list) else [kinds]) and untyped_values:
        found.add(f"{path}.*")
    if "items" in schema:
        found |= _untyped(schema["items"], components, f"{path}[]", seen)
    return found


def test_json_fields_name_every_untyped_schema_path(
    operations: dict[str, Operation], components: dict[str, Any]
) -> None:
    checked, mismatches = 0, []
    for operation in operations.values():
        for body_format in getattr(operation.module, "_BODY_FORMATS", ()):
            schema = operation.spec["requestBody"]["content"][body_format.media_type]["schema"]
            expected = untyped_paths(schema, components)
            checked += 1
            if set(body_format.json_fields) != expected:
                mismatches.append(
                    (operation.operation_id, body_format.media_type, set(body_format.json_fields) ^ expected)
                )
    assert mismatches == []
    declared = sum(len(o.spec.get("requestBody", {}).get("content", {})) for o in operations.values())
    assert checked == declared


# --- _get_kwargs for every operation, in every declared media type ----------------------------------


def argument_value(annotation: Any) -> Any:
    """A valid value for a required parameter, from its annotation."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        return argument_value(options[0])
    if origin is list:
        return [argument_value(typing.get_args(annotation)[0])]
    if origin is typing.Literal:
        return typing.get_args(annotation)[0]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return next(iter(annotation))
    samples: dict[Any, Any] = {
        int: 1,
        str: "x",
        float: 1.0,
        bool: True,
        UUID: UUID(int=1),
        date: date(2026, 1, 1),
        datetime: datetime(2026, 1, 1),
    }
    return samples[annotation]


def required_arguments(function: Any) -> dict[str, Any]:
    return {
        name: argument_value(parameter.annotation)
        for name, parameter in inspect.signature(function).parameters.items()
        if parameter.default is inspect.Parameter.empty and name not in ("body", "client")
    }


def minimal_body(operation: Operation, body_format: Any, components: dict[str, Any]) -> Any:
    schema = operation.spec["requestBody"]["content"][body_format.media_type]["schema"]
    data = minimal_value(schema, components)
    if body_format.many:
        return [name_files(body_format.model.from_dict(item)) for item in data]
    return name_files(body_format.model.from_dict(data))


def assert_declared_content_type(request: httpx.Request, media_type: str) -> None:
    header = request.headers.get("Content-Type", "")
    content = request.read()
    if media_type == MULTIPART:
        assert header.startswith("multipart/form-data; boundary="), header
        boundary = header.split("boundary=", 1)[1].encode()
        assert content.startswith(b"--" + boundary) and content.endswith(b"--" + boundary + b"--\r\n")
    else:
        assert header == media_type
    if media_type == JSON:
        json.loads(content)


def test_every_operation_builds_a_request_in_each_declared_media_type(
    operations: dict[str, Operation], components: dict[str, Any]
) -> None:
    sent: dict[str, int] = {JSON: 0, FORM: 0, MULTIPART: 0}
    refused: list[tuple[str, str, str]] = []  # operation id, media type, message
    http = httpx.Client(base_url="http://127.0.0.1:9")
    for operation in operations.values():
        get_kwargs = operation.module._get_kwargs
        arguments = required_arguments(get_kwargs)
        formats = getattr(operation.module, "_BODY_FORMATS", ())
        if not formats:
            request = http.build_request(**get_kwargs(**arguments))
            assert "Content-Type" not in request.headers and request.read() == b""
            continue
        for body_format in formats:
            body = minimal_body(operation, body_format, components)
            try:
                kwargs = get_kwargs(**arguments, body=body, body_content_type=body_format.media_type)
            except ValueError as error:
                assert REFUSAL_ADVICE in str(error), (operation.operation_id, str(error))
                refused.append((operation.operation_id, body_format.media_type, str(error)))
                continue
            assert_declared_content_type(http.build_request(**kwargs), body_format.media_type)
            sent[body_format.media_type] += 1
    http.close()
    declared = {media_type: 0 for media_type in sent}
    for operation in operations.values():
        for media_type in operation.spec.get("requestBody", {}).get("content", {}):
            declared[media_type] += 1
    refused_by_type = {media_type: [r for r in refused if r[1] == media_type] for media_type in sent}
    assert refused_by_type[JSON] == []
    assert {m: sent[m] + len(refused_by_type[m]) for m in sent} == declared
    assert len(refused) < (declared[FORM] + declared[MULTIPART]) / 10, refused


def test_body_formats_follow_the_declared_media_types_in_order(operations: dict[str, Operation]) -> None:
    for operation in operations.values():
        declared = list(operation.spec.get("requestBody", {}).get("content", {}))
        formats = getattr(operation.module, "_BODY_FORMATS", ())
        assert [f.media_type for f in formats] == declared, operation.operation_id


def test_an_optional_body_left_unset_sends_no_body(operations: dict[str, Operation]) -> None:
    optional = [
        operation
        for operation in operations.values()
        if getattr(operation.module, "_BODY_FORMATS", ())
        and not operation.spec["requestBody"].get("required", False)
    ]
    assert optional
    http = httpx.Client(base_url="http://127.0.0.1:9")
    for operation in optional:
        get_kwargs = operation.module._get_kwargs
        request = http.build_request(**get_kwargs(**required_arguments(get_kwargs)))
        assert "Content-Type" not in request.headers and request.read() == b"", operation.operation_id
    http.close()


def test_the_default_media_type_is_json_unless_the_body_holds_a_file(
    operations: dict[str, Operation], components: dict[str, Any]
) -> None:
    run = operations["scenarios_run_scenarios_pipecat_create_v2"]
    body = minimal_body(run, run.module._BODY_FORMATS[0], components)
    assert run.module._get_kwargs(body=body)["headers"]["Content-Type"] == JSON

    upload = operations["aiagents_upload_knowledge_base_create_v2"]
    with_files = upload.module._BODY_FORMATS[0]
    assert with_files.media_type == MULTIPART
    kwargs = upload.module._get_kwargs(id=1, body=minimal_body(upload, with_files, components))
    assert "Content-Type" not in kwargs["headers"] and kwargs["files"]  # httpx writes it, boundary too


def test_a_body_of_the_wrong_model_for_the_media_type_is_refused_before_any_io(
    operations: dict[str, Operation], components: dict[str, Any]
) -> None:
    upload = operations["aiagents_upload_knowledge_base_create_v2"]
    with_files = upload.module._BODY_FORMATS[0]
    body = minimal_body(upload, with_files, components)
    with pytest.raises(
        ValueError, match=r"^a application/json body is a AiagentsUploadKnowledgeBaseCreateV2"
    ):
        upload.module._get_kwargs(id=1, body=body, body_content_type=JSON)


# --- a real DRF server reads the same data from every media type ------------------------------------


@dataclass(frozen=True)
class Case:
    operation_id: str
    name: str
    body: Any  # a generated model, or a list of them
    path_arguments: dict[str, Any]


def document_examples(operation: Operation) -> Iterator[tuple[str, Any]]:
    content = operation.spec.get("requestBody", {}).get("content", {})
    media = content.get(JSON) or {}
    if "example" in media:
        yield "example", media["example"]
    for name, example in media.get("examples", {}).items():
        yield name, example["value"]


def example_cases(operations: dict[str, Operation]) -> list[Case]:
    cases = []
    for operation in operations.values():
        formats = getattr(operation.module, "_BODY_FORMATS", ())
        json_format = next((f for f in formats if f.media_type == JSON), None)
        if json_format is None:
            continue
        for name, value in document_examples(operation):
            if json_format.many:
                body: Any = [json_format.model.from_dict(item) for item in value]
            else:
                body = json_format.model.from_dict(value)
            cases.append(Case(operation.operation_id, name, body, required_arguments(operation.module.sync)))
    return cases


def file_cases(operations: dict[str, Operation]) -> list[Case]:
    """Uploads: one file beside text fields, and an array of files sent as repeated parts."""
    audio = operations["scenarios_condition_audio_create_v2"].module._BODY_FORMATS[0].model
    upload = operations["aiagents_upload_knowledge_base_create_v2"].module._BODY_FORMATS[0].model
    file_type = importlib.import_module("cekura_client.types").File
    audio_body = audio(
        condition_id=7,
        file=file_type(payload=BytesIO(b"RIFF\x00\x01"), file_name="greeting.wav", mime_type="audio/wav"),
        action_template="say_hello",
    )
    files = [
        file_type(payload=b"# FAQ\n", file_name="faq.md", mime_type="text/markdown"),
        file_type(payload=BytesIO(b"%PDF-1.7"), file_name="policy.pdf", mime_type="application/pdf"),
    ]
    return [
        Case("scenarios_condition_audio_create_v2", "file", audio_body, {"id": 1}),
        Case("scenarios_condition_audio_create", "file", audio_body, {"id": 2}),
        Case("aiagents_upload_knowledge_base_create_v2", "files", upload(files=files), {"id": 3}),
    ]


@dataclass(frozen=True)
class DrfApp:
    """A generated client pointed at the DRF app, and a serializer built from each declared body schema."""

    client: Any
    serializers: dict[tuple[str, str], tuple[Any, bool]]  # (operation id, media type): (class, many)

    def serve(self, operation: Operation, case: Case, media_type: str = JSON) -> None:
        """Serve the operation at the concrete path the client calls (path parameters filled in)."""
        serializer_class, many = self.serializers[operation.operation_id, media_type]
        path = concrete_path(operation, case.path_arguments).strip("/")
        register(path, serializer_class, many=many, status=UNDOCUMENTED_STATUS)


@pytest.fixture(scope="module")
def drf(operations: dict[str, Operation], patched_document: dict[str, Any]) -> Iterator[DrfApp]:
    factory = SerializerFactory(patched_document)
    serializers = {
        (operation.operation_id, media_type): factory.body_serializer(media["schema"])
        for operation in operations.values()
        for media_type, media in operation.spec.get("requestBody", {}).get("content", {}).items()
    }
    client_module = importlib.import_module("cekura_client.client")
    with serve() as base_url:
        client = client_module.AuthenticatedClient(
            base_url=base_url, token="test-key", prefix="", auth_header_name="X-CEKURA-API-KEY"
        )
        yield DrfApp(client, serializers)


def concrete_path(operation: Operation, arguments: dict[str, Any]) -> str:
    return operation.path.format(**{name: str(value) for name, value in arguments.items()})


@dataclass
class Reading:
    media_type: str
    data: Any = None
    refusal: str | None = None


def read_through_client(client: Any, operation: Operation, case: Case, media_type: str) -> Reading:
    """What the DRF server read from the body the generated function sent, or the client's refusal."""
    try:
        response = operation.module.sync_detailed(
            client=client, body=case.body, body_content_type=media_type, **case.path_arguments
        )
    except ValueError as error:
        return Reading(media_type, refusal=str(error))
    assert response.status_code == UNDOCUMENTED_STATUS, (case, media_type, response.content[:500])
    answer = json.loads(response.content)
    assert answer["media_type"] == media_type
    return Reading(media_type, data=answer["data"])


def test_drf_reads_the_same_data_from_every_declared_media_type(
    operations: dict[str, Operation], drf: DrfApp
) -> None:
    cases = example_cases(operations)
    covered = {case.operation_id for case in cases}
    assert {
        "scenarios_run_scenarios_pipecat_create_v2",
        "scenarios_run_scenarios_vapi_webrtc_create_v2",
    } <= covered
    assert len(covered) >= 20
    refusals, differences, readings, unsent = [], [], 0, []
    for case in cases:
        operation = operations[case.operation_id]
        drf.serve(operation, case)
        as_json, *others = [
            read_through_client(drf.client, operation, case, f.media_type)
            for f in sorted(operation.module._BODY_FORMATS, key=lambda f: f.media_type != JSON)
        ]
        assert as_json.refusal is None
        for reading in others:
            readings += 1
            if reading.refusal is not None:
                assert reading.refusal.endswith(REFUSAL_ADVICE) or REFUSAL_ADVICE in reading.refusal
                refusals.append((case.operation_id, case.name, reading.media_type))
            elif reading.data != as_json.data:
                serializer_class, _ = drf.serializers[case.operation_id, JSON]
                unsent += drop_unsent_booleans(serializer_class(), reading.data, as_json.data)
            if reading.data != as_json.data and reading.refusal is None:
                where = first_difference(as_json.data, reading.data)
                differences.append((case.operation_id, case.name, reading.media_type, where))
    assert differences == [], "\n".join(map(str, differences))
    assert len(refusals) < readings / 2, refusals


def drop_unsent_booleans(serializer: Any, form_data: Any, json_data: Any, path: str = "") -> list[str]:
    """Remove from `form_data` the booleans without a default that JSON left out; return their paths.

    The one documented difference: DRF reads a boolean a form leaves out as false (null when
    nullable: `BooleanField.default_empty_html`), not as absent. A boolean with a schema default is
    not removed: the models send every default, so it must read the same.
    """
    from rest_framework import serializers

    dropped = []
    if isinstance(serializer, serializers.ListSerializer) and isinstance(form_data, list):
        for index, (item, json_item) in enumerate(zip(form_data, json_data, strict=False)):
            dropped += drop_unsent_booleans(serializer.child, item, json_item, f"{path}[{index}]")
    elif isinstance(serializer, serializers.Serializer) and isinstance(form_data, dict):
        for name, field in serializer.fields.items():
            if name not in form_data:
                continue
            if name not in json_data:
                boolean_without_default = (
                    isinstance(field, serializers.BooleanField) and field.default is serializers.empty
                )
                if boolean_without_default and form_data[name] in (False, None):
                    del form_data[name]
                    dropped.append(f"{path}.{name}")
                continue
            dropped += drop_unsent_booleans(field, form_data[name], json_data[name], f"{path}.{name}")
    return dropped


def first_difference(expected: Any, actual: Any, path: str = "") -> str:
    """Where two JSON values first differ, and how, for a readable failure."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(expected.keys() | actual.keys()):
            if expected.get(key, "<absent>") != actual.get(key, "<absent>"):
                return first_difference(
                    expected.get(key, "<absent>"), actual.get(key, "<absent>"), f"{path}.{key}"
                )
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
            if left != right:
                return first_difference(left, right, f"{path}[{index}]")
    return f"{path or 'body'}: {expected!r:.80} != {actual!r:.80}"


def test_files_reach_drf_as_named_parts_with_their_content_type(
    operations: dict[str, Operation], drf: DrfApp
) -> None:
    needed = (
        "scenarios_condition_audio_create_v2",
        "scenarios_condition_audio_create",
        "aiagents_upload_knowledge_base_create_v2",
    )
    if missing := [name for name in needed if name not in operations]:
        pytest.skip(f"this version of the document has no {', '.join(missing)}: the upload cases use them")
    audio, second_audio, knowledge = file_cases(operations)
    for case in (audio, second_audio, knowledge):
        drf.serve(operations[case.operation_id], case, MULTIPART)

    read = read_through_client(drf.client, operations[audio.operation_id], audio, MULTIPART)
    assert read.data == {
        "condition_id": 7,
        "file": {"file_name": "greeting.wav", "content_type": "audio/wav", "content": _b64(b"RIFF\x00\x01")},
        "action_template": "say_hello",
    }
    default = operations[second_audio.operation_id].module.sync_detailed(
        client=drf.client, body=second_audio.body, **second_audio.path_arguments
    )
    assert json.loads(default.content)["media_type"] == MULTIPART

    read = read_through_client(drf.client, operations[knowledge.operation_id], knowledge, MULTIPART)
    assert read.data == {
        "files": [
            {"file_name": "faq.md", "content_type": "text/markdown", "content": _b64(b"# FAQ\n")},
            {"file_name": "policy.pdf", "content_type": "application/pdf", "content": _b64(b"%PDF-1.7")},
        ]
    }


def _b64(content: bytes) -> str:
    return base64.b64encode(content).decode("ascii")


# --- refusals reach the caller as RequestEncodingError, before any I/O --------------------------------


def recording_client(sent: list[httpx.Request]) -> Any:
    """A generated client whose transport records each request instead of sending it."""
    client_module = importlib.import_module("cekura_client.client")

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(599)

    return client_module.AuthenticatedClient(
        base_url="http://127.0.0.1:9", token="test-key", httpx_args={"transport": httpx.MockTransport(record)}
    )


@pytest.mark.parametrize("name", ["", "x.y", "[0]", "a]"])
@pytest.mark.parametrize("media_type", [MULTIPART, FORM])
def test_a_list_item_key_a_form_cannot_carry_is_refused_before_any_io(
    operations: dict[str, Operation], name: str, media_type: str
) -> None:
    """`{"": true}` in a knowledge base file went out as the part `knowledge_base_files[0]` = `true`."""
    operation = operations["aiagents_partial_update_v2"]
    model = operation.module._BODY_FORMATS[0].model
    body = model.from_dict({"knowledge_base_files": [{name: True}]})
    errors = importlib.import_module("cekura_client.errors")
    sent: list[httpx.Request] = []
    with pytest.raises(
        errors.RequestEncodingError, match=r"^knowledge_base_files\[0\]: a form cannot"
    ) as raised:
        operation.module.sync_detailed(
            1, client=recording_client(sent), body=body, body_content_type=media_type
        )
    assert isinstance(raised.value, ValueError) and isinstance(raised.value, errors.CekuraError)
    assert sent == []
    as_json = operation.module._get_kwargs(1, body=body, body_content_type=JSON)
    assert as_json["json"] == {"knowledge_base_files": [{name: True}]}


def test_every_body_refusal_is_a_request_encoding_error(
    operations: dict[str, Operation], components: dict[str, Any]
) -> None:
    upload = operations["aiagents_upload_knowledge_base_create_v2"]
    body = minimal_body(upload, upload.module._BODY_FORMATS[0], components)
    errors = importlib.import_module("cekura_client.errors")
    sent: list[httpx.Request] = []
    with pytest.raises(errors.RequestEncodingError, match=r"^a application/json body is a "):
        upload.module.sync_detailed(1, client=recording_client(sent), body=body, body_content_type=JSON)
    assert sent == []


def test_a_patch_built_with_the_constructor_changes_only_what_was_set(
    operations: dict[str, Operation], drf: DrfApp
) -> None:
    """`PatchedSchemaPostAIAgentV2(name=...)` also sent the schema defaults (`language: en`, ...)."""
    operation = operations["aiagents_partial_update_v2"]
    model = operation.module._BODY_FORMATS[0].model
    case = Case(operation.operation_id, "constructor", model(name="Renamed"), {"id": 4})
    for media_type in (JSON, FORM, MULTIPART):
        drf.serve(operation, case, media_type)
        assert read_through_client(drf.client, operation, case, media_type).data == {"name": "Renamed"}
