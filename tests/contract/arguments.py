"""Turn a schemathesis case (JSON values per parameter and body) into the generated function's arguments.

The generated functions take Python values: models (`Model.from_dict`), enums, `datetime`, lists
of those. The annotations of the function say which, so one converter serves all 817 operations.
"""

import datetime
import enum
import inspect
import io
import types
import typing
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from openapi_python_client.strings import PythonIdentifier

from scripts.mock_server.openapi_index import Operation

NOT_SET: Any = object()


class Unconvertible(TypeError):
    """A JSON value that no type of the annotation takes."""


def call_arguments(
    function: Callable[..., Any], operation: Operation, case: Any, media_type: str | None
) -> dict[str, Any]:
    """Keyword arguments for `function` (`sync_detailed` of `operation`) that send `case`."""
    hints = typing.get_type_hints(function)
    accepted = inspect.signature(function).parameters
    arguments: dict[str, Any] = {}
    sources = {"path": case.path_parameters or {}, "query": case.query or {}, "header": case.headers or {}}
    for parameter in operation.parameters:
        values = sources.get(parameter.location, {})
        if parameter.name not in values:
            continue
        name = python_name(parameter.name, parameter.location, accepted)
        arguments[name] = to_python(values[parameter.name], hints[name])
    body = getattr(case, "body", NOT_SET)
    if "body" in accepted and _is_set(body):
        model = body_model(function, media_type)
        arguments["body"] = name_files(
            to_python(unwrap_binary(body), model if model is not None else hints["body"])
        )
        if media_type is not None and "body_content_type" in accepted:
            arguments["body_content_type"] = media_type
    return arguments


def body_model(function: Callable[..., Any], media_type: str | None) -> Any:
    """The model the endpoint declares for `media_type` (its `_BODY_FORMATS`), or None if it has none."""
    formats = getattr(inspect.getmodule(function), "_BODY_FORMATS", ())
    chosen = next((f for f in formats if f.media_type == media_type), None)
    if chosen is None:
        return None
    return list[chosen.model] if chosen.many else chosen.model  # type: ignore[name-defined]


def python_name(name: str, location: str, accepted: Mapping[str, inspect.Parameter]) -> str:
    """The generator's name for a parameter: its Python identifier; on a clash with a parameter of the
    same location, the name as written (`result__id` beside `result_id`), else suffixed by location."""
    base = str(PythonIdentifier(name, prefix="field"))
    as_written = str(PythonIdentifier(name, prefix="field", skip_snake_case=True))
    for candidate in ([as_written] if as_written != base else []) + [base, f"{base}_{location}"]:
        if candidate in accepted:
            return candidate
    raise AssertionError(f"parameter {name!r} ({location}) is not an argument of the generated function")


def to_python(value: Any, annotation: Any) -> Any:
    """`value` (JSON) as the Python type `annotation` names; `Unconvertible` when none fits."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if getattr(a, "__name__", "") != "Unset"]
        if value is None and type(None) in options:
            return None
        for option in options:
            if option is type(None):
                continue
            try:
                return to_python(value, option)
            except (Unconvertible, ValueError, KeyError, TypeError):
                continue
        raise Unconvertible(f"{value!r} fits none of {annotation}")
    if annotation is Any:
        return value
    if origin is list:
        if not isinstance(value, list):
            raise Unconvertible(f"{value!r} is not a list")
        (item,) = typing.get_args(annotation) or (Any,)
        return [to_python(v, item) for v in value]
    if origin is dict or annotation is dict:
        if not isinstance(value, dict):
            raise Unconvertible(f"{value!r} is not an object")
        return value
    return _scalar(value, annotation)


def _scalar(value: Any, annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation(value)
    if annotation is datetime.datetime and isinstance(value, str):
        return datetime.datetime.fromisoformat(value)
    if annotation is datetime.date and isinstance(value, str):
        return datetime.date.fromisoformat(value)
    if annotation is uuid.UUID and isinstance(value, str):
        return uuid.UUID(value)
    if hasattr(annotation, "from_dict") and isinstance(value, dict):
        return annotation.from_dict(value)
    if getattr(annotation, "__name__", "") == "File" and isinstance(value, bytes | str):
        data = getattr(value, "data", value)  # schemathesis wraps generated bytes in `Binary(str)`
        payload = data.encode() if isinstance(data, str) else bytes(data)
        return annotation(
            payload=io.BytesIO(payload), file_name="upload.bin", mime_type="application/octet-stream"
        )
    if annotation is bool and isinstance(value, bool):
        return value
    if annotation is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if annotation is float and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if annotation is str and isinstance(value, str):
        return value
    raise Unconvertible(f"{value!r} is not a {annotation}")


def name_files(value: Any) -> Any:
    """Give every `File` in a body built by `from_dict` a file name: a JSON body has none to give, and a
    multipart part without one is not a file to Django (the encoder refuses it, as documented)."""
    if type(value).__name__ == "File" and getattr(value, "file_name", None) is None:
        value.file_name = "upload.bin"
    elif isinstance(value, list):
        for item in value:
            name_files(item)
    elif hasattr(value, "__attrs_attrs__"):
        for field in value.__attrs_attrs__:
            name_files(getattr(value, field.name))
        for item in getattr(value, "additional_properties", {}).values():
            name_files(item)
    return value


def unwrap_binary(value: Any) -> Any:
    """The body with schemathesis's `Binary` wrappers (generated file contents) replaced by their bytes."""
    if type(value).__name__ == "Binary":
        return bytes(value.data)
    if isinstance(value, dict):
        return {k: unwrap_binary(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap_binary(v) for v in value]
    return value


def _is_set(value: Any) -> bool:
    return value is not NOT_SET and type(value).__name__ != "NotSet"
