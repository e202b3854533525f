"""Read a form or multipart body into the JSON value Django REST framework's serializers would see.

DRF reads flat form keys by the serializer field they belong to (`rest_framework/utils/html.py`,
`fields.py`): a nested object from dotted keys (`obj.key=v`), a list of objects from indexed keys
(`p[0]key=v`), a list of scalars from the repeated key (`k=1&k=2`, or by index inside a list item),
an untyped field (`JSONField`) from its JSON text. This reader follows the same rules, with the
operation's schema standing in for the serializer, and turns text into the type the schema asks for
(`"3"` to 3 for an integer, `"true"` to true), as DRF's fields do. The client's encoder,
`cekura_client.form_encoding`, writes these conventions; DRF's own reader needs serializer fields,
which a spec-driven server does not have, so no library does this job.

What cannot be checked this way: a value DRF would read as blank or null from an empty text (a form
has no null), and the difference between a missing boolean and `false` (DRF defaults it).
"""

import contextlib
import json
import re
from collections.abc import Mapping
from email import message_from_bytes
from email.message import Message
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

from openapi_schema_validator import OAS31Validator

from .coercion import coerce, json_types
from .openapi_index import DOCUMENT_URI, OpenApiIndex

_MISSING: Any = object()


class FormDecodeError(ValueError):
    """The body is not well-formed for its media type."""


class _Form:
    """Form fields in arrival order: key -> every value sent under it (text, or a file's name)."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.values: dict[str, list[str]] = {}
        for key, value in pairs:
            self.values.setdefault(key, []).append(value)

    def last(self, key: str) -> str | None:
        found = self.values.get(key)
        return found[-1] if found else None

    def indexes(self, key: str) -> list[int]:
        pattern = re.compile(re.escape(key) + r"\[(\d+)\]")
        return sorted({int(m.group(1)) for k in self.values if (m := pattern.match(k))})

    def has_below(self, key: str) -> bool:
        """Whether a key nests under `key` (`key.x`, `key[0]`)."""
        return any(k.startswith((key + ".", key + "[")) for k in self.values)


def read_form(index: OpenApiIndex, schema: Mapping[str, Any], body: bytes) -> Any:
    """An application/x-www-form-urlencoded body as DRF reads it under `schema`."""
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body))
    except (UnicodeDecodeError, ValueError) as error:
        raise FormDecodeError(str(error)) from None
    return _read_root(index, schema, _Form(pairs))


def read_multipart(index: OpenApiIndex, schema: Mapping[str, Any], content_type: str, body: bytes) -> Any:
    """A multipart/form-data body as DRF reads it under `schema`; a file reads as its file name."""
    if "boundary=" not in content_type:
        raise FormDecodeError("multipart body without a boundary in its Content-Type")
    if re.fullmatch(rb"\s*--[^\r\n]+--\s*", body):  # the closing delimiter alone: no parts
        return _read_root(index, schema, _Form([]))
    message = message_from_bytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body, policy=HTTP
    )
    if not message.is_multipart() or message.defects:
        raise FormDecodeError(f"malformed multipart body: {message.defects or 'no parts'}")
    pairs = [_part(part) for part in message.iter_parts()]
    return _read_root(index, schema, _Form(pairs))


def _part(part: Message) -> tuple[str, str]:
    name = part.get_param("name", header="content-disposition")
    if not isinstance(name, str):
        raise FormDecodeError("a multipart part has no name")
    file_name = part.get_filename()
    if file_name is not None:
        return name, file_name
    payload = part.get_payload(decode=True)
    text = payload.decode(part.get_content_charset() or "utf-8") if isinstance(payload, bytes) else ""
    return name, text


def _read_root(index: OpenApiIndex, schema: Mapping[str, Any], form: _Form) -> Any:
    value = _read(index, schema, form, key="", in_item=False, is_item=False)
    return {} if value is _MISSING else value


def _read(
    index: OpenApiIndex, schema: Mapping[str, Any], form: _Form, key: str, in_item: bool, is_item: bool
) -> Any:
    schema = index.resolve(schema)
    for keyword in ("anyOf", "oneOf"):
        branches = [index.resolve(b) for b in schema.get(keyword, ())]
        if branches:
            return _read_alternatives(index, schema, branches, form, key, in_item, is_item)
    properties = dict(schema.get("properties", {}))
    for branch in schema.get("allOf", ()):
        properties.update(index.resolve(branch).get("properties", {}))
    declared = schema.get("type")
    types = {declared} if isinstance(declared, str) else set(declared or ())
    if properties or "object" in types:
        return _read_object(index, schema, properties, form, key, in_item, is_item)
    if "array" in types:
        return _read_array(index, schema, form, key, in_item)
    text = form.last(key)
    if text is None:
        return _MISSING
    if not types and "enum" not in schema:  # an untyped field: DRF's JSONField parses its JSON text
        try:
            return json.loads(text)
        except ValueError:
            return text
    return coerce(index, schema, text)


def _read_object(
    index: OpenApiIndex,
    schema: Mapping[str, Any],
    properties: Mapping[str, Any],
    form: _Form,
    key: str,
    in_item: bool,
    is_item: bool,
) -> Any:
    separator = "" if is_item or not key else "."
    result: dict[str, Any] = {}
    required = set(schema.get("required", ()))
    for name, child in properties.items():
        value = _read(index, child, form, key + separator + name, in_item, is_item=False)
        field_key = key + separator + name
        absent = field_key not in form.values and not form.has_below(field_key)
        if value is _MISSING and absent and name in required and "array" in json_types(index, child):
            value = []  # a form cannot send an empty list: lenient where DRF would say "required"
        if value is not _MISSING:
            result[name] = value
    extra = schema.get("additionalProperties")
    if not properties and extra is not False:
        prefix = key + separator
        extra_schema = extra if isinstance(extra, Mapping) else {}
        for name in form.values:
            if name.startswith(prefix) and name != key:
                result[name[len(prefix) :]] = (
                    _read(index, extra_schema, form, name, in_item, False)
                    if extra_schema
                    else form.last(name)
                )
    if not result and key and not form.has_below(key):
        text = form.last(key)
        if text is None:
            return _MISSING
        try:  # a JSON-valued object field (DRF JSONField) sends its JSON text
            return json.loads(text)
        except ValueError:
            return text
    return result


def _read_array(index: OpenApiIndex, schema: Mapping[str, Any], form: _Form, key: str, in_item: bool) -> Any:
    items = index.resolve(schema.get("items", {}))
    item_type = items.get("type")
    item_types = {item_type} if isinstance(item_type, str) else set(item_type or ())
    scalar = bool(item_types) and not item_types & {"object", "array"}
    if key and not in_item and key in form.values and (scalar or not item_type):
        return [coerce(index, items, text) if item_type else text for text in form.values[key]]
    positions = form.indexes(key)
    if not positions:
        return _MISSING
    return [_read(index, items, form, f"{key}[{i}]", in_item=True, is_item=True) for i in positions]


def _read_alternatives(
    index: OpenApiIndex,
    schema: Mapping[str, Any],
    branches: list[Mapping[str, Any]],
    form: _Form,
    key: str,
    in_item: bool,
    is_item: bool,
) -> Any:
    """The first reading that its branch accepts: each branch's own, then (a field with no `type`
    of its own is DRF's JSONField) the JSON text."""
    candidates = [(b, _read(index, b, form, key, in_item, is_item)) for b in branches]
    text = form.last(key)
    if text is not None and "type" not in schema:
        with contextlib.suppress(ValueError):
            candidates.append((schema, json.loads(text)))
    present = [(b, v) for b, v in candidates if v is not _MISSING]
    for branch, value in present:
        if _fits(index, branch, value):
            return value
    return present[0][1] if present else _MISSING


def _fits(index: OpenApiIndex, schema: Mapping[str, Any], value: Any) -> bool:
    validator = OAS31Validator(_absolute_refs(schema), registry=index.registry)
    return bool(validator.is_valid(value))


def _absolute_refs(node: Any) -> Any:
    """`node` with `#/...` references pointing into the registered document."""
    if isinstance(node, Mapping):
        return {
            k: (
                DOCUMENT_URI + v
                if k == "$ref" and isinstance(v, str) and v.startswith("#")
                else _absolute_refs(v)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_absolute_refs(v) for v in node]
    return node
