"""A blank string that a form would drop is refused before any I/O, as the schema's `minLength` says.

drf-spectacular publishes a `CharField` that does not allow blank strings as `minLength: 1`. DRF
refuses `""` for it from JSON, but reads it from a form as absent (optional field) or null
(nullable field). A client generated from a tiny document calls the request conformance tests'
Django REST framework app (`spec_routes`, serializers built from the same document), so the
value Django read is compared with the one the caller passed.
"""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from drf_server import serve
from fixture_client import build_fixture_client, run_in_client
from spec_routes import READING_STATUS, operation_urlconf

from scripts.mock_server.openapi_index import OpenApiIndex

JSON, FORM, MULTIPART = "application/json", "application/x-www-form-urlencoded", "multipart/form-data"
NOT_BLANK = {"type": "string", "minLength": 1}
WIDGET = {"$ref": "#/components/schemas/Widget"}


def operation(operation_id: str, schema: dict[str, Any]) -> dict[str, Any]:
    content = {media_type: {"schema": schema} for media_type in (JSON, FORM, MULTIPART)}
    return {
        "operationId": operation_id,
        "requestBody": {"required": True, "content": content},
        "responses": {"204": {"description": ""}},
    }


DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Fixture", "version": "1"},
    "paths": {
        "/widgets/": {"post": operation("widgets_create", WIDGET)},
        "/widgets/bulk/": {"post": operation("widgets_bulk_create", {"type": "array", "items": WIDGET})},
    },
    "components": {
        "schemas": {
            "Widget": {
                "type": "object",
                "required": ["title"],
                "properties": {
                    "title": {"type": "string"},
                    "label": NOT_BLANK,
                    "note": {"type": ["string", "null"], "minLength": 1},
                    "part": {"$ref": "#/components/schemas/Part"},
                    "parts": {"type": "array", "items": {"$ref": "#/components/schemas/Part"}},
                    "tags": {"type": "array", "items": NOT_BLANK},
                },
            },
            "Part": {"type": "object", "properties": {"name": NOT_BLANK}},
        }
    },
}

CALLS = """
import json
from cekura_client.api.default import widgets_bulk_create, widgets_create
from cekura_client.client import Client
from cekura_client.errors import RequestEncodingError
from cekura_client.models import Widget

sent = []
client = Client(base_url={base_url!r}, httpx_args={{"event_hooks": {{"request": [sent.append]}}}})
results = {{}}
for name, (media_type, body) in {cases!r}.items():
    before = len(sent)
    try:
        if isinstance(body, list):
            operation, sent_body = widgets_bulk_create, [Widget.from_dict(item) for item in body]
        else:
            operation, sent_body = widgets_create, Widget.from_dict(body)
        response = operation.sync_detailed(client=client, body=sent_body, body_content_type=media_type)
        result = {{"read": json.loads(response.content)}}
    except RequestEncodingError as error:
        result = {{"refused": str(error), "value_error": isinstance(error, ValueError)}}
    results[name] = {{**result, "sent": len(sent) - before}}
print(json.dumps(results))
"""

# name -> (media type, body as JSON), the refused ones with the field path the message names
REFUSED = {
    "optional form": (FORM, {"title": "t", "label": ""}, "label"),
    "optional multipart": (MULTIPART, {"title": "t", "label": ""}, "label"),
    "nullable form": (FORM, {"title": "t", "note": ""}, "note"),
    "nested object": (FORM, {"title": "t", "part": {"name": ""}}, r"part\.name"),
    "list item object": (
        MULTIPART,
        {"title": "t", "parts": [{"name": "a"}, {"name": ""}]},
        r"parts\[1\]\.name",
    ),
    "list body": (FORM, [{"title": "t"}, {"title": "u", "label": ""}], r"\[1\]\.label"),
}
SENT = {
    # the same body in JSON: sent, and refused by DRF
    "json": (JSON, {"title": "t", "label": "", "note": "", "part": {"name": ""}}),
    # what a form reads as JSON does: sent
    "blank allowed": (FORM, {"title": ""}),
    "set": (FORM, {"title": "t", "label": "x", "note": "y", "part": {"name": "z"}}),
    "whitespace form": (FORM, {"title": "t", "label": "  "}),
    "whitespace json": (JSON, {"title": "t", "label": "  "}),
    "list item form": (FORM, {"title": "t", "tags": ["a", ""]}),
    "list item json": (JSON, {"title": "t", "tags": ["a", ""]}),
}
BLANK = ["This field may not be blank."]


@pytest.fixture(scope="module")
def django_app() -> Iterator[str]:
    with serve(operation_urlconf(OpenApiIndex(DOCUMENT))) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory, django_app: str) -> dict[str, Any]:
    client: Path = build_fixture_client(tmp_path_factory, "blank-strings", DOCUMENT)
    cases = {name: (media_type, body) for name, (media_type, body, *_) in {**REFUSED, **SENT}.items()}
    found: dict[str, Any] = run_in_client(client, CALLS.format(base_url=django_app, cases=cases))
    return found


def test_drf_drops_from_a_form_the_blank_string_it_refuses_from_json(django_app: str) -> None:
    """Why the client refuses: the form's `""` is not read as the JSON body's."""

    def read(**body: Any) -> Any:
        response = httpx.post(django_app + "/widgets/", **body)
        assert response.status_code == READING_STATUS, response.text
        return response.json()

    assert read(json={"title": "t", "label": ""})["body_errors"] == {"label": BLANK}
    assert read(json={"title": "t", "note": ""})["body_errors"] == {"note": BLANK}
    assert read(data={"title": "t", "label": ""})["body"] == {"title": "t"}
    assert read(data={"title": "t", "note": ""})["body"] == {"title": "t", "note": None}
    assert read(data={"title": "t", "part.name": ""})["body"] == {"title": "t", "part": {}}


@pytest.mark.parametrize("name", REFUSED)
def test_a_blank_string_a_form_would_drop_is_refused_before_any_io(
    results: dict[str, Any], name: str
) -> None:
    result = results[name]
    path = REFUSED[name][2]
    assert result["sent"] == 0, result
    assert result["value_error"] is True
    message = result["refused"]
    assert re.match(rf"^{path}: this field may not be blank, and DRF reads \"\" in a form", message)
    assert message.endswith(
        'leave the field unset, or send the body with body_content_type="application/json"'
    )
    assert "\n" not in message


def test_json_sends_the_blank_string_and_drf_refuses_it(results: dict[str, Any]) -> None:
    read = results["json"]["read"]
    assert results["json"]["sent"] == 1
    assert read["body_errors"] == {"label": BLANK, "note": BLANK, "part": {"name": BLANK}}


def test_what_a_form_reads_as_json_does_is_sent(results: dict[str, Any]) -> None:
    """Whitespace and list items: DRF refuses them from a form as from JSON, so nothing is lost."""
    assert results["blank allowed"]["read"]["body"] == {"title": ""}
    assert results["set"]["read"]["body"] == {"title": "t", "label": "x", "note": "y", "part": {"name": "z"}}
    for value in ("whitespace", "list item"):
        as_form, as_json = results[f"{value} form"], results[f"{value} json"]
        assert as_form["sent"] == as_json["sent"] == 1
        assert as_form["read"]["body_errors"] == as_json["read"]["body_errors"]
    assert results["whitespace form"]["read"]["body_errors"] == {"label": BLANK}
    assert results["list item form"]["read"]["body_errors"] == {"tags": {"1": BLANK}}
