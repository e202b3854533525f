"""Every operation of the patched document as a Django URL pattern and a DRF view that answers with
what Django read from the request: the oracle of the request conformance tests.

How each part of a request is read, as the Cekura backend (Django REST framework, django-filter)
reads it:

- Route: one `path()` per document path, literal segments before templated ones (DRF routers list
  a viewset's extra actions before its detail route). Django matches the percent-decoded path (a
  WSGI server decodes `%2F` to `/`), so a URL that collapsed or split lands on another operation,
  or on none, and the answer says which.
- Path parameters: Django's converters. `str` for strings (one non-empty segment); for integers
  `signed_int`, `int`'s rule with a sign, since the document allows negative integers and a DRF
  router's `[^/.]+` lookup takes them too. Where the operations of one path disagree (a string id
  for GET, an integer for PUT), the route takes `str` and the integer's view reads it as a number.
- Query parameters: a django-filter `FilterSet` per operation, bound to `request.query_params` (a
  `QueryDict`: the last value of a repeated key, as `QueryDict.get` gives it). `explode: false`
  arrays are `BaseInFilter`s (comma-separated, `BaseCSVWidget`); JSON parameters (`content:
  application/json`, and `type: object` ones, whose descriptions say JSON text) are read with
  Django's `forms.JSONField`; numbers with `NumberFilter`, booleans `BooleanFilter`, date-times
  `IsoDateTimeFilter`, dates `DateFilter`, UUIDs `UUIDFilter`. Strings are the text as received:
  whether a backend strips it is its own policy, which no encoding changes.
- Headers: `request.headers` (the API-key header and any header parameter).
- Body: the serializer `spec_serializers` builds from the operation's schema for the request's
  media type, parsed by DRF's parsers; PATCH validates with `partial=True`.

Every read answers status 226 (no operation documents it, so the generated client leaves the body
alone) with a `Reading` as JSON.
"""

import decimal
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

import django_filters
from django import forms
from django.db.models import QuerySet
from django.urls import path, register_converter
from drf_server import UrlConf, plain
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from spec_serializers import SerializerFactory

from scripts.mock_server.coercion import json_types
from scripts.mock_server.openapi_index import JSON, OpenApiIndex, Operation, Parameter

READING_STATUS = 226
_INTEGER = re.compile("-?[0-9]+")  # what `signed_int` matches


class SignedIntConverter:
    """Django's `int` converter, signed."""

    regex = _INTEGER.pattern

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(SignedIntConverter, "signed_int")


class TextFilter(django_filters.Filter):  # type: ignore[misc]  # django-filter ships no types
    """The text as received (`forms.Field` neither strips nor refuses anything)."""


class JsonFilter(django_filters.Filter):  # type: ignore[misc]
    """A JSON text parameter, parsed by Django's `forms.JSONField`."""

    field_class = forms.JSONField


class NumberInFilter(django_filters.BaseInFilter, django_filters.NumberFilter):  # type: ignore[misc]
    """`k=1,2,3` as numbers."""


class TextInFilter(django_filters.BaseInFilter, TextFilter):  # type: ignore[misc]
    """`k=a,b,c` as texts."""


_FORMAT_FILTERS: dict[str, Any] = {
    "date-time": django_filters.IsoDateTimeFilter,
    "date": django_filters.DateFilter,
    "uuid": django_filters.UUIDFilter,
}


@dataclass(frozen=True)
class QueryReader:
    """The FilterSet of one operation's query parameters, and each one's JSON type for the answer."""

    filterset: Any
    kinds: Mapping[str, str]  # parameter name -> integer, number or other

    def read(self, query: Any) -> dict[str, Any]:
        bound = self.filterset(data=query, queryset=QuerySet())
        form = bound.form
        form.is_valid()
        present = [name for name in self.kinds if name in query]
        return {
            "query": {
                name: _json_value(form.cleaned_data[name], self.kinds[name])
                for name in present
                if name in form.cleaned_data
            },
            "query_errors": {
                name: list(map(str, form.errors[name])) for name in present if name in form.errors
            },
            "undeclared_query": sorted(key for key in query if key not in self.kinds),
        }


@dataclass(frozen=True)
class OperationReader:
    """How one operation's requests are read."""

    operation_id: str
    query: QueryReader
    header_names: tuple[str, ...]
    bodies: Mapping[str, tuple[Any, bool]]  # media type -> (serializer class, many)
    partial: bool
    integer_path: frozenset[str]  # integer path parameters of a path whose other operations say string

    def read(self, request: Request, path_values: Mapping[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "operation_id": self.operation_id,
            "path": {name: self._path_value(name, value) for name, value in path_values.items()},
            **self.query.read(request.query_params),
            "headers": {name: request.headers.get(name) for name in self.header_names},
        }
        if self.bodies:
            answer.update(self._read_body(request))
        return answer

    def _path_value(self, name: str, value: Any) -> Any:
        """A converter's value; an integer parameter routed by `str` read as a number, as its view would."""
        if name in self.integer_path and isinstance(value, str) and _INTEGER.fullmatch(value):
            return int(value)
        return value

    def _read_body(self, request: Request) -> dict[str, Any]:
        media_type = request.content_type.split(";", 1)[0].strip().lower() or None
        if media_type is None:
            return {"media_type": None, "body": None}
        if media_type not in self.bodies:
            return {"media_type": media_type, "body_errors": {"detail": "a media type it does not declare"}}
        try:
            data = request.data
        except APIException as error:
            return {"media_type": media_type, "body_errors": {"detail": str(error.detail)}}
        serializer_class, many = self.bodies[media_type]
        checked = serializer_class(data=data, many=many, partial=self.partial)
        if not checked.is_valid():
            return {"media_type": media_type, "body_errors": checked.errors}
        return {"media_type": media_type, "body": plain(checked.validated_data)}


class OperationView(APIView):  # type: ignore[misc]  # DRF ships no type information
    """The operations of one document path, by method; answers what Django read."""

    readers: Mapping[str, OperationReader] = {}

    def get(self, request: Request, **path_values: Any) -> Response:
        reader = self.readers.get(request.method.lower())
        if reader is None:
            return Response({"detail": f"{request.method} is not an operation of this path"}, status=405)
        return Response(reader.read(request, path_values), status=READING_STATUS)

    post = put = patch = delete = get


def operation_urlconf(index: OpenApiIndex) -> UrlConf:
    """A urlconf routing every operation of `index`'s document to a reading view."""
    factory = SerializerFactory(dict(index.document))
    by_path: dict[str, dict[str, Operation]] = {}
    for operation in index.operations:
        by_path.setdefault(operation.path, {})[operation.method] = operation
    ordered = sorted(by_path, key=lambda p: tuple(1 if "{" in part else 0 for part in p.split("/")))
    patterns = []
    for document_path in ordered:
        operations = by_path[document_path]
        readers = {method: _reader(index, factory, op) for method, op in operations.items()}
        patterns.append(
            path(_django_route(index, document_path, operations), OperationView.as_view(readers=readers))
        )
    return UrlConf(patterns)


def _django_route(index: OpenApiIndex, document_path: str, operations: Mapping[str, Operation]) -> str:
    """`/a/{id}/b/` as `a/<signed_int:id>/b/` (`str` unless every operation declares an integer)."""
    kinds: dict[str, set[str]] = {}
    for operation in operations.values():
        for parameter in operation.parameters:
            if parameter.location == "path":
                kinds.setdefault(parameter.name, set()).update(json_types(index, parameter.schema.node))

    def converter(match: re.Match[str]) -> str:
        name = match.group(1)
        return f"<{'signed_int' if kinds.get(name) == {'integer'} else 'str'}:{name}>"

    return re.sub(r"\{(\w+)\}", converter, document_path.lstrip("/"))


def _reader(index: OpenApiIndex, factory: SerializerFactory, operation: Operation) -> OperationReader:
    query = [p for p in operation.parameters if p.location == "query"]
    filters = {p.name: _query_filter(index, p) for p in query}
    filterset = type(f"{operation.operation_id}_filters", (django_filters.FilterSet,), filters)
    kinds = {p.name: _kind(index, p) for p in query}
    headers = [p.name for p in operation.parameters if p.location == "header"]
    bodies = {media: factory.body_serializer(dict(schema.node)) for media, schema in operation.bodies.items()}
    return OperationReader(
        operation_id=operation.operation_id,
        query=QueryReader(filterset, kinds),
        header_names=tuple(dict.fromkeys([*operation.api_key_headers, *headers])),
        bodies=bodies,
        partial=operation.method == "patch",
        integer_path=frozenset(
            p.name
            for p in operation.parameters
            if p.location == "path" and json_types(index, p.schema.node) == {"integer"}
        ),
    )


def is_json_parameter(index: OpenApiIndex, parameter: Parameter) -> bool:
    """Whether the backend reads the parameter as one JSON text: declared so (`content`), or an object
    (the document's `filters` objects, whose descriptions say JSON)."""
    return parameter.media_type == JSON or json_types(index, parameter.schema.node) == {"object"}


def _query_filter(index: OpenApiIndex, parameter: Parameter) -> Any:
    """The filter that reads `parameter` (labelled: a filter without a model cannot name itself)."""
    return _filter_class(index, parameter)(label=parameter.name)


def _filter_class(index: OpenApiIndex, parameter: Parameter) -> Any:
    if is_json_parameter(index, parameter):
        return JsonFilter
    schema = index.resolve(parameter.schema.node)
    types = json_types(index, schema) - {"null"}
    if types == {"array"}:
        if parameter.style != "form" or parameter.explode:
            raise ValueError(f"no Django reading for {parameter.name}: {parameter.style} array, explode")
        items = json_types(index, schema.get("items", {})) - {"null"}
        return NumberInFilter if items and items <= {"integer", "number"} else TextInFilter
    if types and types <= {"integer", "number"}:
        return django_filters.NumberFilter
    if types == {"boolean"}:
        return django_filters.BooleanFilter
    if types == {"string"} and schema.get("format") in _FORMAT_FILTERS:
        return _FORMAT_FILTERS[schema["format"]]
    return TextFilter


def _kind(index: OpenApiIndex, parameter: Parameter) -> str:
    schema = index.resolve(parameter.schema.node)
    if json_types(index, schema) - {"null"} == {"array"}:
        schema = index.resolve(schema.get("items", {}))
    types = json_types(index, schema) - {"null"}
    return "integer" if types == {"integer"} else "number" if types == {"number"} else "other"


def _json_value(value: Any, kind: str) -> Any:
    """A cleaned form value as JSON: numbers by the parameter's type (NumberFilter reads Decimals)."""
    if isinstance(value, list):
        return [_json_value(item, kind) for item in value]
    if isinstance(value, decimal.Decimal):
        if kind == "integer" and value == value.to_integral_value():
            return int(value)
        return float(value) if kind == "number" else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value
