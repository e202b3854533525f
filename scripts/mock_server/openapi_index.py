"""The operations of an OpenAPI 3.1 document, with their routes and schema validators built once.

Schemas are checked with `openapi_schema_validator.OAS31Validator` (the OpenAPI 3.1 dialect of JSON
Schema, with its format checker) and a `referencing` registry holding the whole document: each
validator is `{"$ref": "<document>#<pointer>"}`, so `#/components/schemas/...` references inside
resolve as for any OpenAPI tool. Validators are cached by pointer, so one run builds each once.
"""

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from jsonschema import validators
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS31Validator, oas31_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from scripts.core.openapi_document import HTTP_METHODS, escape_token, resolve_located

READ_ONLY_METHODS = frozenset({"get", "head", "options"})
DOCUMENT_URI = "urn:cekura:openapi-document"
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
REQUEST = "request"
RESPONSE = "response"
_EXEMPT = {REQUEST: "readOnly", RESPONSE: "writeOnly"}


def _required_except(flag: str) -> Any:
    """JSON Schema `required`, less the properties marked `flag` (OpenAPI: readOnly is required only
    in responses, writeOnly only in requests)."""
    required = OAS31Validator.VALIDATORS["required"]

    def check(validator: Any, names: Any, instance: Any, schema: Mapping[str, Any]) -> Any:
        properties = schema.get("properties", {})
        kept = [n for n in names if not (isinstance(properties.get(n), Mapping) and properties[n].get(flag))]
        yield from required(validator, kept, instance, schema)

    return check


def _write_only_absent(validator: Any, flag: Any, instance: Any, schema: Mapping[str, Any]) -> Any:
    """A value under a `writeOnly: true` schema in a response: DRF never renders a write_only field
    (a stored request's nested `api_key` must not come back), and schemathesis refuses it."""
    if flag is True:
        yield ValidationError("a write-only value is never part of a response")


_DIRECTED = {
    REQUEST: validators.extend(OAS31Validator, {"required": _required_except(_EXEMPT[REQUEST])}),
    RESPONSE: validators.extend(
        OAS31Validator, {"required": _required_except(_EXEMPT[RESPONSE]), "writeOnly": _write_only_absent}
    ),
}


@dataclass(frozen=True)
class Schema:
    """A schema of the document and where it sits (a JSON pointer), which names its validator."""

    pointer: str
    node: Mapping[str, Any]


@dataclass(frozen=True)
class Parameter:
    """One declared parameter: `location` is path, query, header or cookie.

    `media_type`: for a parameter declared with `content` (its value is one text of that media type,
    JSON for `application/json`), that media type; `schema` is then the one under it.
    """

    name: str
    location: str
    required: bool
    schema: Schema
    style: str
    explode: bool
    media_type: str | None = None


@dataclass(frozen=True)
class DocumentedResponse:
    """One documented status code; `schema` is the JSON body's schema, None when there is no JSON body."""

    status: str
    media_types: tuple[str, ...]
    schema: Schema | None
    examples: tuple[Any, ...]


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str
    tag: str
    parameters: tuple[Parameter, ...]
    bodies: Mapping[str, Schema]  # media type -> schema, in the document's order
    body_required: bool
    responses: tuple[DocumentedResponse, ...]
    api_key_headers: tuple[str, ...]  # header names of the apiKey schemes it requires (any one suffices)
    route: re.Pattern[str] = field(compare=False, repr=False)

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def response(self, status: str) -> DocumentedResponse | None:
        return next((r for r in self.responses if r.status == status), None)

    def success(self) -> DocumentedResponse:
        """The documented 2xx response a successful call answers with (the lowest code)."""
        successes = sorted((r for r in self.responses if r.status.startswith("2")), key=lambda r: r.status)
        return successes[0] if successes else self.responses[0]


class OpenApiIndex:
    """Operations, routes and validators of one document."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.registry: Registry[Any] = Registry().with_resource(
            DOCUMENT_URI, Resource.from_contents(document, default_specification=DRAFT202012)
        )
        self.operations = tuple(self._operations())
        self._validators: dict[tuple[str, str], Any] = {}

    @classmethod
    def from_path(cls, path: Path) -> "OpenApiIndex":
        document: dict[str, Any] = json.loads(path.read_text("utf-8"))
        return cls(document)

    @cached_property
    def by_operation_id(self) -> dict[str, Operation]:
        return {op.operation_id: op for op in self.operations}

    def match(self, method: str, path: str) -> tuple[Operation | None, dict[str, str], list[str]]:
        """The operation for `method` and `path`, its raw path parameters, and the methods `path` allows.

        A literal segment wins over a template (`/scenarios/run/` over `/scenarios/{id}/`), and the
        most specific path that matches decides alone, as the first matching URL pattern does in
        Django: another method on it is a 405 that allows only that path's methods.
        """
        allowed: list[str] = []
        found: tuple[Operation, dict[str, str]] | None = None
        decided_by: str | None = None
        for operation in self._by_specificity:
            if decided_by is not None and operation.path != decided_by:
                continue
            matched = operation.route.fullmatch(path)
            if matched is None:
                continue
            decided_by = operation.path
            if operation.method not in allowed:
                allowed.append(operation.method)
            if found is None and operation.method == method.lower():
                found = operation, matched.groupdict()
        return (found[0], found[1], allowed) if found else (None, {}, allowed)

    def resolve(self, node: Mapping[str, Any]) -> Mapping[str, Any]:
        """Follow `$ref`s (local ones: the patched document has no other) to the node they name."""
        return self._resolve(node, "")[1]

    def resolve_at(self, node: Mapping[str, Any], pointer: str) -> tuple[str, Mapping[str, Any]]:
        """`resolve`, with the pointer of the node reached (`pointer` when `node` is no reference)."""
        return self._resolve(node, pointer)

    def validator(self, schema: Schema, direction: str) -> Any:
        """A validator for `schema` in a request or a response (`direction`), built on first use."""
        key = (schema.pointer, direction)
        cached = self._validators.get(key)
        if cached is None:
            cached = _DIRECTED[direction](
                {"$ref": f"{DOCUMENT_URI}#{schema.pointer}"},
                registry=self.registry,
                format_checker=oas31_format_checker,
            )
            self._validators[key] = cached
        return cached

    def errors(self, schema: Schema, instance: Any, direction: str = RESPONSE) -> list[ValidationError]:
        """Every way `instance` breaks `schema`, in document order of the failing value."""
        found = self.validator(schema, direction).iter_errors(instance)
        return sorted(found, key=lambda e: [str(p) for p in e.absolute_path])

    @cached_property
    def _by_specificity(self) -> list[Operation]:
        def literal_first(op: Operation) -> tuple[int, ...]:
            return tuple(1 if "{" in part else 0 for part in op.path.split("/"))

        return sorted(self.operations, key=literal_first)

    def _resolve(self, node: Mapping[str, Any], pointer: str) -> tuple[str, Mapping[str, Any]]:
        return resolve_located(self.document, node, pointer)

    def _operations(self) -> Iterator[Operation]:
        for path, item in self.document.get("paths", {}).items():
            for method in HTTP_METHODS:
                if method in item:
                    yield self._operation(method, path, item)

    def _operation(self, method: str, path: str, item: Mapping[str, Any]) -> Operation:
        raw = item[method]
        base = f"/paths/{_escape(path)}"
        declared: dict[tuple[str, str], Parameter] = {}
        for where, entries in (
            (base, item.get("parameters", [])),
            (f"{base}/{method}", raw.get("parameters", [])),
        ):
            for index, entry in enumerate(entries):
                at, resolved = self._resolve(entry, f"{where}/parameters/{index}")
                parameter = self._parameter(resolved, at)
                declared[parameter.name, parameter.location] = parameter
        body_at, body = self._resolve(raw.get("requestBody", {}), f"{base}/{method}/requestBody")
        bodies = {
            media: Schema(f"{body_at}/content/{_escape(media)}/schema", content.get("schema", {}))
            for media, content in body.get("content", {}).items()
        }
        responses = tuple(
            self._response(status, *self._resolve(response, f"{base}/{method}/responses/{_escape(status)}"))
            for status, response in raw.get("responses", {}).items()
        )
        return Operation(
            method=method,
            path=path,
            operation_id=str(raw.get("operationId", f"{method} {path}")),
            tag=str((raw.get("tags") or [""])[0]),
            parameters=tuple(declared.values()),
            bodies=bodies,
            body_required=bool(body.get("required", False)),
            responses=responses,
            api_key_headers=self._api_key_headers(raw.get("security", self.document.get("security", []))),
            route=_route(path),
        )

    def _api_key_headers(self, requirements: list[Mapping[str, Any]]) -> tuple[str, ...]:
        """Header names of the apiKey schemes in `requirements`; empty if any alternative needs none."""
        if any(not requirement for requirement in requirements):
            return ()
        schemes = self.document.get("components", {}).get("securitySchemes", {})
        names = []
        for requirement in requirements:
            for scheme_name in requirement:
                scheme = schemes.get(scheme_name, {})
                if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
                    names.append(str(scheme["name"]))
        return tuple(dict.fromkeys(names))

    @staticmethod
    def _parameter(raw: Mapping[str, Any], pointer: str) -> Parameter:
        location = str(raw["in"])
        style = str(raw.get("style", "simple" if location in {"path", "header"} else "form"))
        schema = Schema(f"{pointer}/schema", raw.get("schema", {}))
        media_type = None
        for media_type, media in raw.get("content", {}).items():  # OpenAPI allows exactly one entry
            schema = Schema(f"{pointer}/content/{_escape(media_type)}/schema", media.get("schema", {}))
        return Parameter(
            name=str(raw["name"]),
            location=location,
            required=bool(raw.get("required", location == "path")),
            schema=schema,
            style=style,
            explode=bool(raw.get("explode", style == "form")),
            media_type=media_type,
        )

    @staticmethod
    def _response(status: str, pointer: str, raw: Mapping[str, Any]) -> DocumentedResponse:
        content = raw.get("content") or {}
        json_media = next((m for m in content if m == JSON or m.endswith("+json")), None)
        media = content.get(json_media, {}) if json_media else {}
        examples = [media["example"]] if "example" in media else []
        examples += [e["value"] for e in (media.get("examples") or {}).values() if "value" in e]
        schema = None
        if json_media and "schema" in media:
            schema = Schema(f"{pointer}/content/{_escape(json_media)}/schema", media["schema"])
        return DocumentedResponse(
            status=status, media_types=tuple(content), schema=schema, examples=tuple(examples)
        )


def _escape(part: str) -> str:
    return escape_token(part)


def _route(path: str) -> re.Pattern[str]:
    """A regex for the path template: `{name}` matches one non-empty segment, captured as `name`."""
    pattern = "".join(
        f"(?P<{part[1:-1]}>[^/]+)" if part.startswith("{") else re.escape(part)
        for part in re.split(r"(\{[^}]+\})", path)
        if part
    )
    return re.compile(pattern)
