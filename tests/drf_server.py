"""A real Django REST framework app on loopback that answers with what a serializer read from a body.

`register(name, serializer)` adds a serializer; `POST /<name>/` (or `PUT`, or `PATCH`, a partial update)
validates the request body with it, parsed by DRF's JSONParser, FormParser or MultiPartParser as the
Content-Type says, and answers `{"media_type": ..., "data": validated_data}` (status 200) or the
serializer's errors (status 400). Uploaded files are answered as name, content type and content, so
what DRF read can be compared across media types.

`serve(urlconf)` serves other URL patterns instead (`spec_routes.py`: every operation of the
document): each server picks its own, through `request.urlconf`, so several apps share one Django.
"""

import base64
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import django
from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        DEBUG_PROPAGATE_EXCEPTIONS=True,  # an error of the app shows its traceback, not an HTML 500
        SECRET_KEY="drf-server-tests",
        ALLOWED_HOSTS=["127.0.0.1"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=["rest_framework", "django_filters"],
        MIDDLEWARE=[f"{__name__}.server_urlconf"],
        USE_TZ=True,
        TIME_ZONE="UTC",
        REST_FRAMEWORK={
            "DEFAULT_PARSER_CLASSES": [
                "rest_framework.parsers.JSONParser",
                "rest_framework.parsers.FormParser",
                "rest_framework.parsers.MultiPartParser",
            ],
            "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
            "DEFAULT_AUTHENTICATION_CLASSES": [],
            "DEFAULT_PERMISSION_CLASSES": [],
            "UNAUTHENTICATED_USER": None,
        },
    )
    django.setup()

# These imports need the settings above.
from django.core.files.uploadedfile import UploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path
from loopback import serving
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

_SERIALIZERS: dict[str, Any] = {}


def serializer(class_name: str, /, **fields: Any) -> Any:
    """A `serializers.Serializer` subclass with `fields` (built with `type`: DRF has no type stubs)."""
    return type(class_name, (serializers.Serializer,), fields)


def register(name: str, serializer_class: Any, *, many: bool = False, status: int = 200) -> str:
    """Serve `serializer_class` (a list of them with `many`) at `/<name>/`; returns that path.

    `name` may hold slashes: an operation's path without its outer slashes. `status` is the status
    of a valid body's answer: a generated client leaves the body of an undocumented one unparsed.
    """
    _SERIALIZERS[name] = (serializer_class, many, status)
    return f"/{name}/"


def plain(value: Any) -> Any:
    """`value` as JSON-ready data, an uploaded file as its name, content type and content."""
    if isinstance(value, UploadedFile):
        return {
            "file_name": value.name,
            "content_type": value.content_type,
            "content": base64.b64encode(value.read()).decode("ascii"),
        }
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


class ValidatedDataView(APIView):  # type: ignore[misc]  # DRF ships no type information
    """Validates the body with the registered serializer; PATCH is a partial update."""

    def post(self, request: Request, name: str) -> Response:
        return self._validate(request, name, partial=False)

    def put(self, request: Request, name: str) -> Response:
        return self._validate(request, name, partial=False)

    def patch(self, request: Request, name: str) -> Response:
        return self._validate(request, name, partial=True)

    def _validate(self, request: Request, name: str, *, partial: bool) -> Response:
        serializer_class, many, status = _SERIALIZERS[name]
        checked = serializer_class(data=request.data, many=many, partial=partial)
        if not checked.is_valid():
            return Response(checked.errors, status=400)
        return Response(
            {"media_type": request.content_type.split(";")[0], "data": plain(checked.validated_data)},
            status=status,
        )


urlpatterns = [path("<path:name>/", ValidatedDataView.as_view())]


_URLCONF_KEY = "drf_server.urlconf"


class UrlConf:
    """URL patterns for one server (Django takes any hashable object with `urlpatterns` as a urlconf)."""

    def __init__(self, patterns: list[Any]) -> None:
        self.urlpatterns = patterns


def server_urlconf(get_response: Callable[[WSGIRequest], HttpResponse]) -> Any:
    """Middleware: route with the urlconf of the server the request came to (`serve(urlconf)`)."""

    def middleware(request: WSGIRequest) -> HttpResponse:
        urlconf = request.META.get(_URLCONF_KEY)
        if urlconf is not None:
            request.urlconf = urlconf
        return get_response(request)

    return middleware


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


@contextmanager
def serve(urlconf: UrlConf | None = None) -> Iterator[str]:
    """Serve the app (with `urlconf`'s patterns if given) on 127.0.0.1 at a free port in a background
    thread; yields the base URL."""
    django_app = get_wsgi_application()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if urlconf is not None:
            environ[_URLCONF_KEY] = urlconf
        result: Iterable[bytes] = django_app(environ, start_response)
        return result

    server: WSGIServer = make_server("127.0.0.1", 0, app, handler_class=_QuietHandler)
    with serving(server):
        yield f"http://127.0.0.1:{server.server_port}"
