"""Check an HTTP request against the operation the OpenAPI document declares for it.

Used by the mock server (to answer 401/400/404/405/415 as Django REST framework would) and by the
request-conformance tests (to prove the client sends what the spec declares). It decodes each part
as OpenAPI says (path `simple` style, query `form` style with `explode`, the body per media type)
and validates every value with the document's schema (`OpenApiIndex.errors`).

Each part is read as the Cekura backend (Django) reads it: the route is matched on the
percent-decoded path (a WSGI server decodes `%2F` to `/` before Django routes); a query key sent
several times gives its last value (`QueryDict.get`), except for an exploded array, and the check
says so with a 400 naming what Django would have read; an `explode: false` array is the last
value split at commas (django-filter's `BaseCSVWidget`); a parameter declared with `content:
application/json` is one JSON text.

Why not openapi-core, the usual OpenAPI request validator: its releases pin
openapi-spec-validator below 0.9, which conflicts with this project's pin; and it reads form and
multipart bodies as flat keys, not with Django REST framework's nesting rules (`drf_form`).
"""

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

from jsonschema.exceptions import ValidationError

from .coercion import coerce, json_types
from .drf_form import FormDecodeError, read_form, read_multipart
from .openapi_index import FORM, JSON, MULTIPART, REQUEST, OpenApiIndex, Operation, Parameter

NOT_AUTHENTICATED = "Authentication credentials were not provided."
REQUIRED = "This field is required."
NON_FIELD = "non_field_errors"

ErrorTree = dict[str, Any]  # DRF's error body: field -> [messages] or a nested ErrorTree


@dataclass(frozen=True)
class HttpRequest:
    """What arrived: header names are lower-case; `query` is the raw query string (no `?`)."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes


@dataclass
class Verdict:
    """`status` 0 means accepted; otherwise the status and the DRF-shaped body to answer with."""

    operation: Operation | None
    status: int = 0
    body: ErrorTree = field(default_factory=dict)
    allowed: list[str] = field(default_factory=list)
    media_type: str | None = None
    decoded_body: Any = None

    @property
    def accepted(self) -> bool:
        return self.status == 0


def check_request(
    index: OpenApiIndex, request: HttpRequest, accepted_keys: Collection[str] | None = None
) -> Verdict:
    """Route, authenticate, then validate parameters and body; the first failing stage decides.

    `accepted_keys`: the API keys that authenticate; None accepts any non-empty key.
    """
    operation, path_values, allowed = index.match(request.method, unquote(request.path))
    if operation is None:
        if allowed:
            return Verdict(None, 405, {"detail": f'Method "{request.method.upper()}" not allowed.'}, allowed)
        return Verdict(None, 404, {"detail": "Not found."})
    if operation.api_key_headers:
        keys = [request.headers.get(h.lower()) for h in operation.api_key_headers]
        if not any(keys):
            return Verdict(operation, 401, {"detail": NOT_AUTHENTICATED})
        if accepted_keys is not None and not any(k in accepted_keys for k in keys):
            return Verdict(operation, 401, {"detail": "Invalid API key."})
    errors: ErrorTree = {}
    _check_parameters(index, operation, request, path_values, errors)
    if any(p.location == "path" and p.name in errors for p in operation.parameters):
        return Verdict(operation, 404, {"detail": "Not found."})  # DRF: no object has such a key
    verdict = Verdict(operation)
    if operation.bodies:
        rejected = _check_body(index, operation, request, errors, verdict)
        if rejected is not None:
            return rejected
    if errors:
        verdict.status, verdict.body = 400, errors
    return verdict


class _Unreadable(ValueError):
    """A parameter Django would not read as sent; the message says what it would read."""


def _check_parameters(
    index: OpenApiIndex,
    operation: Operation,
    request: HttpRequest,
    path_values: Mapping[str, str],
    errors: ErrorTree,
) -> None:
    query = parse_qs(request.query, keep_blank_values=True)
    for parameter in operation.parameters:
        try:
            present, value = _read_parameter(index, parameter, path_values, query, request.headers)
        except _Unreadable as problem:
            errors[parameter.name] = [str(problem)]
            continue
        if not present:
            if parameter.required:
                errors[parameter.name] = [REQUIRED]
            continue
        for error in index.errors(parameter.schema, value, direction=REQUEST):
            _add(errors, [parameter.name, *error.absolute_path], drf_message(error))


def _read_parameter(
    index: OpenApiIndex,
    parameter: Parameter,
    path_values: Mapping[str, str],
    query: Mapping[str, list[str]],
    headers: Mapping[str, str],
) -> tuple[bool, Any]:
    schema = index.resolve(parameter.schema.node)
    if parameter.location == "path":
        text = path_values.get(parameter.name)  # already decoded, as Django's converters get it
        return (text is not None, coerce(index, schema, text) if text is not None else None)
    if parameter.location == "header":
        text = headers.get(parameter.name.lower())
        return (text is not None, coerce(index, schema, text) if text is not None else None)
    if parameter.location != "query":
        return False, None
    exploded_array = "array" in json_types(index, schema) and parameter.explode
    values = query.get(parameter.name)
    if values is not None and len(values) > 1 and not exploded_array:
        raise _Unreadable(
            f"Sent {len(values)} times: Django reads the last value only ({values[-1]!r})."
            + (" Send one comma-separated value." if "array" in json_types(index, schema) else "")
        )
    if parameter.media_type == JSON:
        if values is None:
            return False, None
        try:
            return True, json.loads(values[-1])
        except ValueError:
            raise _Unreadable("Enter a valid JSON.") from None  # Django's forms.JSONField message
    if "array" in json_types(index, schema):
        if values is None:
            return False, None
        if not parameter.explode:  # `k=1,2`; `k=` is the empty list (django-filter's CSV fields agree)
            values = values[-1].split(",") if values[-1] else []
        items = index.resolve(schema.get("items", {}))
        return True, [coerce(index, items, v) for v in values]
    if "object" in json_types(index, schema) and parameter.explode:
        properties = schema.get("properties", {})
        found = {
            k: coerce(index, index.resolve(properties[k]), v[-1]) for k, v in query.items() if k in properties
        }
        return bool(found), found
    values = query.get(parameter.name)
    return (values is not None, coerce(index, schema, values[-1]) if values is not None else None)


def _check_body(
    index: OpenApiIndex, operation: Operation, request: HttpRequest, errors: ErrorTree, verdict: Verdict
) -> Verdict | None:
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    if not request.body and not media_type:
        if operation.body_required:
            errors[NON_FIELD] = ["No data provided"]
        return None
    schema = operation.bodies.get(media_type)
    if schema is None:
        return Verdict(operation, 415, {"detail": f'Unsupported media type "{content_type}" in request.'})
    verdict.media_type = media_type
    try:
        value = decode_body(index, schema.node, media_type, content_type, request.body)
    except FormDecodeError as problem:
        return Verdict(operation, 400, {"detail": f"{media_type} parse error - {problem}"})
    except ValueError as problem:
        return Verdict(operation, 400, {"detail": f"JSON parse error - {problem}"})
    verdict.decoded_body = value
    for error in index.errors(schema, value, direction=REQUEST):
        path = [str(p) for p in error.absolute_path]
        _add(errors, path or [NON_FIELD], drf_message(error))
    return None


def decode_body(
    index: OpenApiIndex, schema: Mapping[str, Any], media_type: str, content_type: str, body: bytes
) -> Any:
    """The body as the JSON value a DRF serializer would read, per media type."""
    if media_type == JSON or media_type.endswith("+json"):
        return json.loads(body.decode("utf-8")) if body else {}
    if media_type == FORM:
        return read_form(index, schema, body)
    if media_type == MULTIPART:
        return read_multipart(index, schema, content_type, body)
    return body.decode("utf-8", "replace")


def drf_message(error: ValidationError) -> str:
    """The message DRF gives for the same fault where there is one, else the validator's."""
    kind = error.validator
    if kind == "required":
        return f"{error.message.split(' ', 1)[0]}: {REQUIRED}"
    if kind == "enum":
        return f'"{error.instance}" is not a valid choice.'
    if kind == "type":
        expected = error.validator_value
        names = {
            "integer": "A valid integer is required.",
            "number": "A valid number is required.",
            "boolean": "Must be a valid boolean.",
            "string": "Not a valid string.",
            "array": f'Expected a list of items but got type "{type(error.instance).__name__}".',
            "object": f'Expected a dictionary of items but got type "{type(error.instance).__name__}".',
        }
        first = expected if isinstance(expected, str) else next(iter(expected), "")
        return names.get(first, str(error.message))
    return str(error.message)


def _add(errors: ErrorTree, path: list[Any], message: str) -> None:
    """Put `message` at `path`, nesting dicts as DRF nests serializer errors."""
    if message.endswith(REQUIRED) and ": " in message:
        name, message = message.split(": ", 1)
        path = [*(p for p in path if p != NON_FIELD), name.strip("'")]
    node = errors
    keys = [str(p) for p in path] or [NON_FIELD]
    for key in keys[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    messages = node.setdefault(keys[-1], [])
    if isinstance(messages, list) and message not in messages:
        messages.append(message)
