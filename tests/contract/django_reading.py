"""What the Django app must read from a request: the caller's arguments as the JSON it answers with,
the differences between the two, and the refusals before I/O that a documented rule allows.

`spec_routes.py` answers with what Django read: the operation it routed to, the path values its
converters gave, the query as the operation's FilterSet cleaned it, the headers, and the body as
the operation's serializer validated it. Each must equal what the caller passed.
"""

import datetime
import enum
import inspect
import json
import re
import uuid
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from drf_server import plain
from rest_framework.renderers import JSONRenderer
from spec_routes import is_json_parameter
from spec_serializers import SerializerFactory

from contract import spec
from contract.capture import API_KEY, API_KEY_HEADER
from contract.json_compare import first_difference, same_json
from scripts.generate.python_surface import parameter_names
from scripts.mock_server.openapi_index import FORM, MULTIPART, Operation, Parameter

FORM_TYPES = (FORM, MULTIPART)
NO_SEGMENT = frozenset({"", ".", ".."})  # path values that name no segment of their own
# django-filter's NumberFilter refuses a number above this (`get_max_validator`, a guard against huge
# exponents): the backend refuses such a value however it is sent, so it says nothing of the encoding.
NUMBER_FILTER_MAX = 1e50
_ABSENT: Any = object()


def python_names(operation: Operation) -> list[tuple[Parameter, str]]:
    """Each parameter with the name of the generated function's argument for it."""
    names = parameter_names([(p.name, p.location) for p in operation.parameters])
    return list(zip(operation.parameters, names, strict=True))


def with_defaults(function: Callable[..., Any], arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments of the call, the function's defaults included (a default enum is passed too)."""
    bound = inspect.signature(function).bind_partial(**arguments)
    bound.apply_defaults()
    return {k: v for k, v in bound.arguments.items() if type(v).__name__ != "Unset"}


def as_json(value: Any) -> Any:
    """A Python argument as the JSON value it stands for."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, list):
        return [as_json(item) for item in value]
    return value


def parameter_differences(
    reading: Mapping[str, Any], operation: Operation, arguments: Mapping[str, Any]
) -> list[str]:
    """How the path, query and headers Django read differ from the arguments (empty: they agree)."""
    expected: dict[str, dict[str, Any]] = {"path": {}, "query": {}, "header": {}}
    for parameter, name in python_names(operation):
        if arguments.get(name) is not None:
            expected[parameter.location][parameter.name] = as_json(arguments[name])
    expected["header"].update({h: API_KEY for h in operation.api_key_headers if h == API_KEY_HEADER})
    problems = []
    if not same_json(reading["path"], expected["path"]):
        problems.append("path " + first_difference(reading["path"], expected["path"]))
    for name in sorted(expected["query"].keys() | reading["query"].keys()):
        passed, read = expected["query"].get(name, _ABSENT), reading["query"].get(name, _ABSENT)
        if passed == [] and read is _ABSENT:
            continue  # django-filter reads `k=` and no `k` alike: an empty value is no filter
        if _above_number_filter_max(passed) and name in reading["query_errors"]:
            continue
        if passed is _ABSENT or read is _ABSENT or not same_json(read, passed):
            problems.append(f"query {name}: Django read {_shown(read)}, the caller passed {_shown(passed)}")
    for name, errors in reading["query_errors"].items():
        if not _above_number_filter_max(expected["query"].get(name)):
            problems.append(f"query {name}: Django refused it: {errors}")
    if reading["undeclared_query"]:
        problems.append(f"query keys no parameter declares: {reading['undeclared_query']}")
    for name, passed in expected["header"].items():
        if reading["headers"].get(name) != passed:
            problems.append(f"header {name}: Django read {reading['headers'].get(name)!r}")
    return problems


def _above_number_filter_max(value: Any) -> bool:
    if isinstance(value, list):
        return any(_above_number_filter_max(item) for item in value)
    return isinstance(value, int | float) and not isinstance(value, bool) and value > NUMBER_FILTER_MAX


def _shown(value: Any) -> str:
    return "nothing" if value is _ABSENT else repr(value)


@cache
def _serializers() -> SerializerFactory:
    return SerializerFactory(dict(spec.index().document))


def body_difference(
    reading: Mapping[str, Any], operation: Operation, media_type: str, body: Any
) -> str | None:
    """How the body Django validated differs from what the same serializer validates from the caller's
    JSON (`body`, files as bytes); None when they agree.

    The one documented difference: DRF reads a boolean without a default that a form leaves out as
    false (null if nullable), where JSON leaves it absent; only in a full (not partial) update.
    """
    if reading.get("media_type") != media_type:
        return f"Django read the body as {reading.get('media_type')}, not {media_type}"
    serializer_class, many = _serializers().body_serializer(dict(operation.bodies[media_type].node))
    partial = operation.method == "patch"
    checked = serializer_class(data=_with_uploads(body), many=many, partial=partial)
    if not checked.is_valid():  # DRF is stricter than the schema (a NUL in a string): the same refusal
        refused = json.loads(JSONRenderer().render(checked.errors))
        if reading.get("body_errors") == refused:
            return None
        return f"the caller's JSON is refused with {refused}, the body sent with {reading.get('body_errors')}"
    if "body_errors" in reading:
        return f"Django refused the body: {reading['body_errors']}"
    expected = json.loads(JSONRenderer().render(plain(checked.validated_data)))
    read = reading["body"]
    if media_type in FORM_TYPES and not partial:
        _drop_unsent_booleans(serializer_class(many=many), read, expected)
    return None if read == expected else "body " + first_difference(read, expected)


def _with_uploads(value: Any) -> Any:
    """The JSON body with each file's bytes as the upload DRF makes of the part the client sends."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    if isinstance(value, bytes):
        return SimpleUploadedFile("upload.bin", value, "application/octet-stream")
    if isinstance(value, dict):
        return {k: _with_uploads(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_uploads(v) for v in value]
    return value


def _drop_unsent_booleans(serializer: Any, read: Any, expected: Any) -> None:
    from rest_framework import serializers

    if isinstance(serializer, serializers.ListSerializer) and isinstance(read, list):
        for item, expected_item in zip(read, expected, strict=False):
            _drop_unsent_booleans(serializer.child, item, expected_item)
    elif isinstance(serializer, serializers.Serializer) and isinstance(read, dict):
        for name, field in serializer.fields.items():
            if name in read and name not in expected:
                unsent = isinstance(field, serializers.BooleanField) and field.default is serializers.empty
                if unsent and read[name] in (False, None):
                    del read[name]
            elif name in read and isinstance(expected, dict):
                _drop_unsent_booleans(field, read[name], expected[name])


def documented_refusal(
    error: ValueError, operation: Operation, media_type: str | None, arguments: Mapping[str, Any]
) -> str | None:
    """The documented rule under which the client refused these arguments before any I/O, or None.

    - a body its media type cannot say (`[]` in a form, a file in JSON): the message suggests
      another `body_content_type=...`;
    - a path value of `.`, `..` or `` (it would name another URL), or holding `/` (a WSGI server
      decodes `%2F` before Django routes, so no converter of one segment reads it), naming the
      parameter;
    - an `explode: false` list that is empty or holds a comma in an item (django-filter would read
      another list), naming the parameter;
    - a naive datetime (Django would read it in the server's time zone), naming the parameter.
    """
    from cekura_client.errors import RequestEncodingError

    text = str(error)
    if media_type is not None and "body_content_type=" in text:
        return f"the body cannot be said as {media_type}"
    if not isinstance(error, RequestEncodingError):
        return None
    for parameter, name in python_names(operation):
        value = arguments.get(name)
        if value is None or not re.match(rf"({re.escape(parameter.name)}|{re.escape(name)})[:\[]", text):
            continue
        text = str(as_json(value))
        if parameter.location == "path" and (text in NO_SEGMENT or "/" in text):
            return f"path {parameter.name} = {value!r}"
        csv = parameter.location == "query" and isinstance(value, list) and not parameter.explode
        if csv and (not value or any("," in str(as_json(item)) for item in value)):
            return f"query {parameter.name} = {value!r}"
        if isinstance(value, datetime.datetime) and value.utcoffset() is None:
            return f"{parameter.location} {parameter.name}: a naive datetime"
    return None


def json_parameter(parameter: Parameter) -> bool:
    return is_json_parameter(spec.index(), parameter)
