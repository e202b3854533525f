"""`scripts.upstream.assemble_pages` and `narrow`: inline pages, then every page of the mirror."""

import copy
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from mirror import load_document, mirror_dir
from narrow import narrow_to_operation

from scripts.core.errors import ToolchainError
from scripts.core.openapi_document import escape_token, iter_operations
from scripts.upstream.assemble_pages import assemble_pages
from scripts.upstream.pages import extract_page_operation

# --- inline pages ---------------------------------------------------------------------------------

HEADER = """\
openapi: 3.1.0
info:
  title: Cekura API
  version: v1
servers:
  - url: https://api.cekura.ai
security: []
"""
API_KEY_SCHEME = """\
  securitySchemes:
    api_key:
      type: apiKey
      in: header
      name: X-CEKURA-API-KEY
"""
FOO = """\
    Foo:
      type: object
      properties:
        id:
          type: integer
"""


def page(method: str, path: str, body: str, header: str = HEADER) -> str:
    """A documentation page as the docs site serves it: prose, then the OpenAPI fence."""
    return f"# Title\n\nSome prose.\n\n## OpenAPI\n\n````yaml {method} {path}\n{header}{body}````\n"


GET_FOO = page(
    "get",
    "/foos/{id}/",
    """\
paths:
  /foos/{id}/:
    get:
      operationId: foos-retrieve
      security:
        - api_key: []
      responses:
        '200':
          description: ''
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Foo'
components:
  schemas:
"""
    + FOO
    + API_KEY_SCHEME,
)
POST_BAR = page(
    "post",
    "/bars/",
    """\
paths:
  /bars/:
    post:
      operationId: bars-create
      security:
        - api_key: []
      responses:
        '201':
          description: ''
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Bar'
components:
  schemas:
    Bar:
      type: object
      properties:
        foo:
          $ref: '#/components/schemas/Foo'
"""
    + FOO
    + API_KEY_SCHEME,
)
DELETE_FOO = page(
    "delete",
    "/foos/{id}/",
    """\
paths:
  /foos/{id}/:
    delete:
      operationId: foos-destroy
      security:
        - api_key: []
      responses:
        '204':
          description: No response body
components:
"""
    + API_KEY_SCHEME,
)


def test_union_of_pages_keeps_first_appearance_order() -> None:
    assembled = assemble_pages([("b.md", POST_BAR), ("a.md", GET_FOO), ("c.md", DELETE_FOO)])

    assert list(assembled) == ["openapi", "info", "servers", "security", "paths", "components"]
    assert assembled["info"] == {"title": "Cekura API", "version": "v1"}
    assert assembled["security"] == []
    assert list(assembled["paths"]) == ["/bars/", "/foos/{id}/"]
    assert list(assembled["paths"]["/foos/{id}/"]) == ["get", "delete"]
    assert assembled["paths"]["/bars/"]["post"]["operationId"] == "bars-create"
    assert list(assembled["components"]) == ["schemas", "securitySchemes"]
    assert list(assembled["components"]["schemas"]) == ["Bar", "Foo"]
    assert list(assembled["components"]["securitySchemes"]) == ["api_key"]


def test_identical_components_and_operations_collapse() -> None:
    once = assemble_pages([("a.md", GET_FOO)])
    twice = assemble_pages([("a.md", GET_FOO), ("b.md", POST_BAR), ("a-copy.md", GET_FOO)])

    assert twice["components"]["schemas"]["Foo"] == once["components"]["schemas"]["Foo"]
    assert twice["components"]["securitySchemes"] == once["components"]["securitySchemes"]
    assert twice["paths"]["/foos/{id}/"] == once["paths"]["/foos/{id}/"]


def test_conflicting_component_names_both_pages_and_the_component() -> None:
    changed = GET_FOO.replace("type: integer", "type: string")

    with pytest.raises(ToolchainError) as raised:
        assemble_pages([("a.md", POST_BAR), ("b.md", changed)])

    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(
        "pages a.md and b.md define components.schemas.Foo differently "
        "(first difference at /properties/id/type)"
    )


def test_a_boolean_is_not_the_same_as_an_integer() -> None:
    """Python's `True == 1` must not collapse two different schemas."""
    one = GET_FOO.replace("type: integer", "type: integer\n          default: 1")
    true = GET_FOO.replace("type: integer", "type: integer\n          default: true")

    with pytest.raises(
        ToolchainError,
        match=r"^pages one\.md and true\.md define components\.schemas\.Foo differently "
        r"\(first difference at /properties/id/default\)",
    ):
        assemble_pages([("one.md", one), ("true.md", true)])


def test_conflicting_operation_names_both_pages() -> None:
    renamed = GET_FOO.replace("operationId: foos-retrieve", "operationId: foos-get")

    with pytest.raises(
        ToolchainError,
        match=r"^pages a\.md and b\.md define GET /foos/\{id\}/ differently "
        r"\(first difference at /operationId\)",
    ):
        assemble_pages([("a.md", GET_FOO), ("b.md", renamed)])


def test_pages_must_agree_on_top_level_fields() -> None:
    newer = GET_FOO.replace("version: v1", "version: v2")

    with pytest.raises(
        ToolchainError,
        match=r"^pages a\.md and b\.md disagree on top-level `info` "
        r"\(first difference at /version\)",
    ):
        assemble_pages([("a.md", POST_BAR), ("b.md", newer)])


def test_a_page_without_a_fence_is_an_error_naming_it() -> None:
    with pytest.raises(ToolchainError, match=r"^page notes\.md: expected one ````yaml .* found no"):
        assemble_pages([("a.md", GET_FOO), ("notes.md", "# Notes\n\nNo OpenAPI section here.\n")])


def test_invalid_yaml_in_the_fence_is_an_error_naming_the_page() -> None:
    broken = GET_FOO.replace("operationId: foos-retrieve", "operationId: [unclosed")

    with pytest.raises(ToolchainError, match=r"^page broken\.md: invalid YAML in the OpenAPI fence"):
        assemble_pages([("broken.md", broken)])


def test_no_pages_is_an_error() -> None:
    with pytest.raises(ToolchainError, match="no pages"):
        assemble_pages([])


# --- narrowing ------------------------------------------------------------------------------------

FULL: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "T", "version": "v1", "x-logo": "l.png"},
    "servers": [{"url": "https://api.example"}],
    "x-mint": {"mcp": {"enabled": True}},
    "paths": {
        "/things/{id}/": {
            "get": {
                "operationId": "things-retrieve",
                "security": [{"oauth2": []}, {"api_key": [], "oauth2": []}, {"api_key": []}],
                "responses": {
                    "200": {
                        "description": "",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Thing"},
                                "example": {"x-kept": "literal data"},
                            }
                        },
                    }
                },
                "x-mcp-expose": True,
            },
            "delete": {"operationId": "things-destroy", "responses": {"204": {"description": ""}}},
        },
        "/internal/": {
            "post": {"security": [{"supabase_session": []}], "responses": {}},
        },
        "/inherits/": {"get": {"responses": {}}},
    },
    "components": {
        "schemas": {
            "Unused": {"type": "string"},
            "Part": {
                "type": "object",
                "properties": {"thing": {"$ref": "#/components/schemas/Thing"}},
            },
            "Thing": {
                "type": "object",
                "properties": {
                    "part": {"$ref": "#/components/schemas/Part"},
                    "kind": {"$ref": "#/components/schemas/Kind"},
                    "x-name": {"type": "string"},
                },
                "x-spec-enum-id": "abc",
            },
            "Kind": {"enum": ["a", "b"]},
        },
        "securitySchemes": {
            "oauth2": {"type": "http", "scheme": "bearer"},
            "api_key": {"type": "apiKey", "in": "header", "name": "X-KEY"},
            "supabase_session": {"type": "http", "scheme": "bearer"},
        },
    },
}


def test_narrow_keeps_one_operation_and_what_it_references() -> None:
    before = copy.deepcopy(FULL)

    narrowed = narrow_to_operation(FULL, "get", "/things/{id}/")

    assert before == FULL
    assert narrowed == {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "v1"},
        "servers": [{"url": "https://api.example"}],
        "security": [],
        "paths": {
            "/things/{id}/": {
                "get": {
                    "operationId": "things-retrieve",
                    "security": [{"api_key": []}],
                    "responses": FULL["paths"]["/things/{id}/"]["get"]["responses"],
                }
            }
        },
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "properties": {
                        "part": {"$ref": "#/components/schemas/Part"},
                        "kind": {"$ref": "#/components/schemas/Kind"},
                        "x-name": {"type": "string"},
                    },
                },
                "Part": FULL["components"]["schemas"]["Part"],
                "Kind": {"enum": ["a", "b"]},
            },
            "securitySchemes": {"api_key": FULL["components"]["securitySchemes"]["api_key"]},
        },
    }
    # Depth first, in order of first reference, as the pages list them.
    assert list(narrowed["components"]["schemas"]) == ["Thing", "Part", "Kind"]


def test_narrow_puts_inherited_security_on_the_operation() -> None:
    full = copy.deepcopy(FULL)
    full["security"] = [{"oauth2": []}, {"api_key": []}]

    narrowed = narrow_to_operation(full, "get", "/inherits/")

    assert narrowed["security"] == []
    assert narrowed["paths"]["/inherits/"]["get"]["security"] == [{"api_key": []}]
    api_key = FULL["components"]["securitySchemes"]["api_key"]
    assert narrowed["components"] == {"securitySchemes": {"api_key": api_key}}


def test_narrow_refuses_an_operation_the_api_key_cannot_call() -> None:
    with pytest.raises(ToolchainError, match=r"POST /internal/: no security requirement is met"):
        narrow_to_operation(FULL, "post", "/internal/")


def test_narrow_refuses_a_missing_operation() -> None:
    with pytest.raises(ToolchainError, match=r"PUT /things/\{id\}/: the document has no such"):
        narrow_to_operation(FULL, "put", "/things/{id}/")


# --- the spec mirror ------------------------------------------------------------------------------


MIRROR_PAGES = mirror_dir() / "pages"
MIRROR_MISSING = f"spec mirror pages not found at {MIRROR_PAGES} (set CEKURA_SPEC_MIRROR)"
PAGE_NAMES = sorted(p.name for p in MIRROR_PAGES.glob("*.md")) if MIRROR_PAGES.is_dir() else []


@dataclass(frozen=True)
class KnownDifference:
    """What a page is known to say differently from `openapi.json`, and why."""

    why: str
    differences: tuple[str, ...]


def _published_page(path: str, request_schema: str) -> KnownDifference:
    operation = f"/paths/{escape_token(path)}/post"
    runs = f"{operation}/responses/200/content/application~1json/schema/properties/runs"
    request = f"/components/schemas/{request_schema}"
    fields = [f"outbound_dial_window_{name}" for name in ("opens_at", "seconds", "closes_at")]
    return KnownDifference(
        why="published by the docs site from an older document than the mirror's openapi.json "
        "(older than all three mirrored versions, which all have outbound_dial_window_*); "
        "the docs site also orders operation keys its own way",
        differences=(
            f"key order {operation}: "
            "['operationId', 'description', 'summary', 'tags', 'requestBody', 'security', "
            "'responses'] -> "
            "['tags', 'summary', 'description', 'operationId', 'requestBody', 'responses', "
            "'security']",
            *(f"only in openapi.json: {runs}/items/properties/{field}" for field in fields),
            *(f"only in openapi.json: {runs}/examples/{i}/{field}" for i in (0, 1) for field in fields),
            f"only in openapi.json: {request}/properties/mock_tool_names",
        ),
    )


KNOWN_DIFFERENCES = {
    "run-evaluator-pipecat.md": _published_page(
        "/test_framework/v1/scenarios/run_scenarios_pipecat/", "SchemaPostRunScenariosPipecat"
    ),
    "run-evaluator-vapi-webrtc.md": _published_page(
        "/test_framework/v1/scenarios/run_scenarios_vapi_webrtc/", "RunScenariosVapiWebRTCRequest"
    ),
}


def differences(full: Any, page: Any, pointer: str = "") -> list[str]:
    """List how `page` differs from `full`, one line per JSON pointer, key order included."""
    if isinstance(full, dict) and isinstance(page, dict):
        found = []
        order_full, order_page = [k for k in full if k in page], [k for k in page if k in full]
        if order_full != order_page:
            found.append(f"key order {pointer or '/'}: {order_full} -> {order_page}")
        for key in dict.fromkeys([*full, *page]):
            here = f"{pointer}/{escape_token(key)}"
            if key not in page:
                found.append(f"only in openapi.json: {here}")
            elif key not in full:
                found.append(f"only on the page: {here}")
            else:
                found.extend(differences(full[key], page[key], here))
        return found
    if isinstance(full, list) and isinstance(page, list):
        found = []
        for index, (a, b) in enumerate(zip(full, page, strict=False)):
            found.extend(differences(a, b, f"{pointer}/{index}"))
        found += [f"only in openapi.json: {pointer}/{i}" for i in range(len(page), len(full))]
        found += [f"only on the page: {pointer}/{i}" for i in range(len(full), len(page))]
        return found
    if type(full) is type(page) and full == page:
        return []
    return [f"changed {pointer}: {full!r} -> {page!r}"]


@dataclass(frozen=True)
class Mirror:
    full: dict[str, Any]
    assembled: dict[str, Any]
    operations: dict[str, tuple[str, str]]  # page name -> (method, path)


def read_pages(directory: Path) -> list[tuple[str, str]]:
    """Every `*.md` page in `directory`, sorted by file name, as the patch step reads the cache."""
    return [(file.name, file.read_text("utf-8")) for file in sorted(directory.glob("*.md"))]


@cache
def load_mirror() -> Mirror:
    """Assemble the mirror's pages once: parsing 26 pages of YAML is the slow part."""
    pages = read_pages(MIRROR_PAGES)
    full = load_document(mirror_dir())
    operations = {}
    for name, text in pages:
        operation = extract_page_operation(text, name)
        operations[name] = (operation.method, operation.path)
    return Mirror(full=full, assembled=assemble_pages(pages), operations=operations)


needs_mirror = pytest.mark.skipif(not PAGE_NAMES, reason=MIRROR_MISSING)


@needs_mirror
@pytest.mark.parametrize("page_name", PAGE_NAMES or ["(no pages)"])
def test_assembled_page_matches_the_narrowed_full_document(page_name: str) -> None:
    """Operation, referenced schemas (names, order, content), security and info, exactly."""
    mirror = load_mirror()
    method, path = mirror.operations[page_name]
    from_full = narrow_to_operation(mirror.full, method, path)
    from_pages = narrow_to_operation(mirror.assembled, method, path)

    # The pages are already narrowed, so narrowing the assembled operation changes nothing.
    assert from_pages["paths"][path][method] == mirror.assembled["paths"][path][method]
    expected = KNOWN_DIFFERENCES.get(page_name, KnownDifference(why="", differences=()))
    assert differences(from_full, from_pages) == list(expected.differences)


@needs_mirror
def test_assembled_mirror_holds_exactly_the_pages_operations() -> None:
    mirror = load_mirror()
    operations = {(method, path) for path, method, _ in iter_operations(mirror.assembled)}
    assert operations == set(mirror.operations.values())
    assert len(operations) == len(PAGE_NAMES) == 26
    # Every known difference names a page that exists, so none can go stale unnoticed.
    assert set(KNOWN_DIFFERENCES) <= set(PAGE_NAMES)
    referenced = {
        name
        for method, path in operations
        for name in narrow_to_operation(mirror.assembled, method, path)
        .get("components", {})
        .get("schemas", {})
    }
    assert set(mirror.assembled["components"]["schemas"]) == referenced
