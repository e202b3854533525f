"""Django on loopback reading the URL of each request as the Cekura backend does: routes, query, filters.

`serve(document, filtersets)` routes every operation of a small OpenAPI document with Django URL
patterns built from its paths (`{name}` becomes `<str:name>`), so a path that collapses or gains
a segment resolves to another operation, or to none. Each request is answered with a record of
what Django read: the operation its path resolved to and the path values, the query as
`QueryDict.getlist` reads it, and the `cleaned_data` of the operation's django-filter `FilterSet`,
if one is given. The raw request target is recorded too (before the WSGI server decodes it).
"""

import json
import re
import types
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import django_filters
import drf_server  # noqa: F401  # configures Django's settings (USE_TZ, TIME_ZONE) once per process
from django.core.handlers.wsgi import WSGIRequest
from django.urls import Resolver404, path, resolve
from loopback import serving

Recorded = dict[str, Any]


class NumberInFilter(django_filters.BaseInFilter, django_filters.NumberFilter):  # type: ignore[misc]
    """A comma-separated list of numbers (`id__in=1,2,3`), as django-filter builds for `__in` lookups."""


class CharInFilter(django_filters.BaseInFilter, django_filters.CharFilter):  # type: ignore[misc]
    """A comma-separated list of strings (`status__in=a,b`)."""


def _urlconf(document: Mapping[str, Any]) -> types.ModuleType:
    """A URLconf with one pattern per (path, operation id) of `document`."""
    module = types.ModuleType("request_oracle_urls")
    patterns = []
    for route, item in document["paths"].items():
        django_route = re.sub(r"\{(\w+)\}", r"<str:\1>", route.lstrip("/"))
        for method, operation in item.items():
            patterns.append(
                path(django_route, _unused_view, name=f"{method.upper()} {operation['operationId']}")
            )
    module.urlpatterns = patterns  # type: ignore[attr-defined]
    return module


def _unused_view(request: Any, **kwargs: Any) -> None:
    """Patterns need a view; the oracle only resolves them."""


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _read(request: WSGIRequest, urlconf: types.ModuleType, filtersets: Mapping[str, Any]) -> Recorded:
    recorded: Recorded = {
        "raw": request.META.get("RAW_URI"),
        "path": request.path,
        "query": {key: request.GET.getlist(key) for key in request.GET},
    }
    try:
        match = resolve(request.path_info, urlconf=urlconf)
    except Resolver404:
        recorded["operation"] = None
        return recorded
    method, operation_id = str(match.url_name).split(" ", 1)
    recorded["operation"] = operation_id if method == request.method else f"{operation_id} (not {method})"
    recorded["path_values"] = match.kwargs
    filterset_class = filtersets.get(operation_id)
    if filterset_class is not None:
        filterset = filterset_class(data=request.GET, queryset=types.SimpleNamespace(model=None))
        form = filterset.form
        recorded["filters"] = (
            {key: _plain(value) for key, value in form.cleaned_data.items() if value not in (None, "", [])}
            if form.is_valid()
            else {"errors": form.errors.get_json_data()}
        )
    return recorded


class _RawTargetHandler(WSGIRequestHandler):
    """Keeps the request target as sent (wsgiref puts it into PATH_INFO percent-decoded)."""

    def get_environ(self) -> dict[str, Any]:
        environ: dict[str, Any] = super().get_environ()
        environ["RAW_URI"] = self.path
        return environ

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


@contextmanager
def serve(document: Mapping[str, Any], filtersets: Mapping[str, Any]) -> Iterator[tuple[str, list[Recorded]]]:
    """Serve the oracle on 127.0.0.1; yields the base URL and the list each request is recorded in."""
    urlconf = _urlconf(document)
    records: list[Recorded] = []

    def application(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        recorded = _read(WSGIRequest(environ), urlconf, filtersets)
        records.append(recorded)
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(recorded).encode()]

    server: WSGIServer = make_server("127.0.0.1", 0, application, handler_class=_RawTargetHandler)
    with serving(server):
        yield f"http://127.0.0.1:{server.server_port}", records
