"""Check every documented example of an OpenAPI 3.1 document against the schema it illustrates.

Examples are where the upstream shows what the API really sends and accepts, so an example that
its own schema rejects marks either a schema too narrow for the API (patch the schema) or a wrong
example (patch the example); mock servers serve these examples, so both matter.

Checked: media-type `example`/`examples` (request bodies, responses, parameters and headers with
`content`), parameter and header `example`/`examples`, and schema-level `example`/`examples`
anywhere in inline or component schemas. Validation is JSON Schema Draft 2020-12 (the OpenAPI 3.1
dialect) through `jsonschema`, with a `referencing` registry holding the whole document, so
`#/components/schemas/...` references resolve as they do for any OpenAPI tool.

One OpenAPI rule on top of JSON Schema: a required property marked `readOnly` is not required in
a request, and one marked `writeOnly` is not required in a response (drf-spectacular, which
writes the Cekura document, relies on it). Component schemas serve both directions, so their own
examples get both exemptions.
"""

import argparse
import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import quote

import referencing.exceptions

# jsonschema ships no type information and the typecheck group has no stubs for it.
from jsonschema import (
    Draft202012Validator,
    ValidationError,
    validators,
)
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from scripts.core.openapi_document import HTTP_METHODS, pointer, resolve

DOCUMENT_URI = "urn:cekura:openapi-document"
MAX_MESSAGE_LENGTH = 200

# Keywords whose value is a schema, a list of schemas, or a map of name to schema (2020-12).
_SCHEMA_KEYWORDS = (
    "items",
    "additionalProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
    "contentSchema",
)
_SCHEMA_LIST_KEYWORDS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_MAP_KEYWORDS = ("properties", "patternProperties", "dependentSchemas", "$defs")

Pointer = tuple[str | int, ...]


class Direction(Enum):
    """Which way an example travels; decides which `required` exemptions apply."""

    REQUEST = "request"
    RESPONSE = "response"
    EITHER = "either"


@dataclass(frozen=True)
class ExampleViolation:
    """One documented example that its schema rejects."""

    example: str
    """JSON pointer of the example value in the document."""
    schema: str
    """JSON pointer of the schema the example must satisfy."""
    message: str
    """One line: where in the example it fails, and why."""
    location: Pointer = field(default=(), compare=False, repr=False)
    """The example's place as keys and indexes: what `drop_invalid_examples` deletes."""

    def __str__(self) -> str:
        return f"{self.example}: {self.message} (schema {self.schema})"


@dataclass(frozen=True)
class _Example:
    location: Pointer
    value: Any
    schema: Pointer
    direction: Direction


def find_example_violations(document: dict[str, Any]) -> list[ExampleViolation]:
    """Validate every documented example in `document`; return the failures in document order."""
    registry: Registry[Any] = Registry().with_resource(
        DOCUMENT_URI, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    violations = []
    for example in _iter_examples(document):
        message = _check(example, registry)
        if message is not None:
            violations.append(
                ExampleViolation(
                    example=pointer(example.location),
                    schema=pointer(example.schema),
                    message=message,
                    location=example.location,
                )
            )
    return violations


def _check(example: _Example, registry: Registry[Any]) -> str | None:
    validator_class = _VALIDATORS[example.direction]
    # The fragment is percent-encoded: referencing unquotes it, and keys may hold `%` or `#`.
    root = {"$ref": f"{DOCUMENT_URI}#{quote(pointer(example.schema), safe='/~')}"}
    validator = validator_class(root, registry=registry)
    try:
        errors = list(validator.iter_errors(example.value))
    except referencing.exceptions.Unresolvable as exc:
        return _one_line(f"schema cannot be resolved: {exc}")
    if not errors:
        return None
    error = best_match(errors)
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return _one_line(f"{error.json_path}: {error.message}") + more


def _one_line(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > MAX_MESSAGE_LENGTH:
        text = text[: MAX_MESSAGE_LENGTH - 1] + "…"
    return text


# --- which validator: JSON Schema 2020-12, with OpenAPI's readOnly/writeOnly `required` rule ---


def _required_keyword(exempt: tuple[str, ...]) -> Any:
    def required(
        validator: Validator, required: Any, instance: Any, schema: Mapping[str, Any]
    ) -> Iterator[ValidationError]:
        if not validator.is_type(instance, "object"):
            return
        properties = schema.get("properties", {})
        for name in required:
            if name in instance:
                continue
            declared = properties.get(name) if isinstance(properties, Mapping) else None
            if isinstance(declared, Mapping) and any(declared.get(k) is True for k in exempt):
                continue
            yield ValidationError(f"{name!r} is a required property")

    return required


def _validator_for(exempt: tuple[str, ...]) -> type[Validator]:
    extended: type[Validator] = validators.extend(
        Draft202012Validator, {"required": _required_keyword(exempt)}
    )
    return extended


_VALIDATORS: dict[Direction, type[Validator]] = {
    Direction.REQUEST: _validator_for(("readOnly",)),
    Direction.RESPONSE: _validator_for(("writeOnly",)),
    Direction.EITHER: _validator_for(("readOnly", "writeOnly")),
}


# --- where the examples are ---


def _iter_examples(document: Mapping[str, Any]) -> Iterator[_Example]:
    return _ExampleFinder(document).examples()


def _entries(value: Any) -> Iterable[tuple[str, Any]]:
    return value.items() if isinstance(value, Mapping) else ()


def _indexed(value: Any) -> Iterable[tuple[int, Any]]:
    return enumerate(value) if isinstance(value, list) else ()


class _ExampleFinder:
    """Walks the OpenAPI objects that can hold examples; `$ref`'d objects are visited once, at
    their definition in `components`, except Example objects, which are followed to their value."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document

    def examples(self) -> Iterator[_Example]:
        for section in ("paths", "webhooks"):
            for name, path_item in _entries(self.document.get(section)):
                yield from self.path_item(path_item, (section, name))
        components = self.document.get("components")
        if not isinstance(components, Mapping):
            return
        at: Pointer = ("components",)
        for name, parameter in _entries(components.get("parameters")):
            yield from self.parameter(parameter, (*at, "parameters", name), Direction.REQUEST)
        for name, body in _entries(components.get("requestBodies")):
            yield from self.request_body(body, (*at, "requestBodies", name))
        for name, response in _entries(components.get("responses")):
            yield from self.response(response, (*at, "responses", name))
        for name, header in _entries(components.get("headers")):
            yield from self.parameter(header, (*at, "headers", name), Direction.RESPONSE)
        for name, schema in _entries(components.get("schemas")):
            yield from self.schema(schema, (*at, "schemas", name), Direction.EITHER)

    def path_item(self, path_item: Any, at: Pointer) -> Iterator[_Example]:
        if not isinstance(path_item, Mapping):
            return
        for index, parameter in _indexed(path_item.get("parameters")):
            yield from self.parameter(parameter, (*at, "parameters", index), Direction.REQUEST)
        for method in HTTP_METHODS:
            operation = path_item.get(method)
            if not isinstance(operation, Mapping):
                continue
            op_at = (*at, method)
            for index, parameter in _indexed(operation.get("parameters")):
                yield from self.parameter(parameter, (*op_at, "parameters", index), Direction.REQUEST)
            yield from self.request_body(operation.get("requestBody"), (*op_at, "requestBody"))
            for status, response in _entries(operation.get("responses")):
                yield from self.response(response, (*op_at, "responses", status))

    def request_body(self, body: Any, at: Pointer) -> Iterator[_Example]:
        if isinstance(body, Mapping) and "$ref" not in body:
            yield from self.content(body.get("content"), (*at, "content"), Direction.REQUEST)

    def response(self, response: Any, at: Pointer) -> Iterator[_Example]:
        if not isinstance(response, Mapping) or "$ref" in response:
            return
        for name, header in _entries(response.get("headers")):
            yield from self.parameter(header, (*at, "headers", name), Direction.RESPONSE)
        yield from self.content(response.get("content"), (*at, "content"), Direction.RESPONSE)

    def parameter(self, parameter: Any, at: Pointer, direction: Direction) -> Iterator[_Example]:
        """A parameter or header: a `schema` with `example`/`examples`, or a `content` map."""
        if not isinstance(parameter, Mapping) or "$ref" in parameter:
            return
        if "content" in parameter:
            yield from self.content(parameter["content"], (*at, "content"), direction)
        elif "schema" in parameter:
            yield from self.documented(parameter, at, direction)

    def content(self, content: Any, at: Pointer, direction: Direction) -> Iterator[_Example]:
        for media_type, media in _entries(content):
            if isinstance(media, Mapping) and "schema" in media:
                yield from self.documented(media, (*at, media_type), direction)

    def documented(self, owner: Mapping[str, Any], at: Pointer, direction: Direction) -> Iterator[_Example]:
        """A media type's (or parameter's) `example` and `examples`, then its schema's own."""
        schema_at = (*at, "schema")
        if "example" in owner:
            yield _Example((*at, "example"), owner["example"], schema_at, direction)
        for name, entry in _entries(owner.get("examples")):
            entry_at = (*at, "examples", name)
            if isinstance(entry, Mapping) and isinstance(entry.get("$ref"), str):
                entry = resolve(self.document, entry)
            else:
                entry_at = (*entry_at, "value")
            if isinstance(entry, Mapping) and "value" in entry:
                yield _Example(entry_at, entry["value"], schema_at, direction)
        yield from self.schema(owner["schema"], schema_at, direction)

    def schema(self, schema: Any, at: Pointer, direction: Direction) -> Iterator[_Example]:
        """Schema-level `example` (OpenAPI) and `examples` (JSON Schema), in every subschema."""
        if not isinstance(schema, Mapping):
            return
        if "example" in schema:
            yield _Example((*at, "example"), schema["example"], at, direction)
        for index, value in _indexed(schema.get("examples")):
            yield _Example((*at, "examples", index), value, at, direction)
        for keyword in _SCHEMA_KEYWORDS:
            if isinstance(schema.get(keyword), Mapping):
                yield from self.schema(schema[keyword], (*at, keyword), direction)
        for keyword in _SCHEMA_LIST_KEYWORDS:
            for index, subschema in _indexed(schema.get(keyword)):
                yield from self.schema(subschema, (*at, keyword, index), direction)
        for keyword in _SCHEMA_MAP_KEYWORDS:
            for name, subschema in _entries(schema.get(keyword)):
                yield from self.schema(subschema, (*at, keyword, name), direction)


# --- command line ---


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m scripts.patch.check_examples FILE.json`: print each violation; exit 1 if any."""
    parser = argparse.ArgumentParser(
        prog="python -m scripts.patch.check_examples",
        description="Validate every documented example of an OpenAPI 3.1 document.",
    )
    parser.add_argument("document", type=Path, help="the OpenAPI document (JSON)")
    args = parser.parse_args(argv)
    try:
        document = json.loads(args.document.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"error: cannot read {args.document}: {exc}", file=sys.stderr)
        return 2
    if not isinstance(document, dict):
        print(f"error: {args.document} is not a JSON object", file=sys.stderr)
        return 2
    violations = find_example_violations(document)
    for violation in violations:
        print(violation)
    print(f"{len(violations)} example violation(s) in {args.document}", file=sys.stderr)
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
