"""`scripts.core.openapi_document`: JSON pointers, `$ref` resolution and its one failure behaviour."""

from typing import Any

import pytest

from scripts.core.errors import ToolchainError
from scripts.core.openapi_document import (
    UnresolvedReference,
    escape_token,
    iter_operations,
    iter_path_items,
    lookup,
    pointer,
    raw_parameters,
    ref_name,
    referenced_components,
    resolve,
    resolve_located,
    unescape_token,
)

DOCUMENT: dict[str, Any] = {
    "paths": {
        "/pets/{id}/": {
            "parameters": [{"$ref": "#/components/parameters/Id"}],
            "get": {"parameters": [{"name": "q", "in": "query"}], "responses": {}},
            "summary": "not an operation",
        },
        "/broken/": "not a path item",
    },
    "components": {
        "parameters": {"Id": {"name": "id", "in": "path"}},
        "schemas": {
            "Pet": {"$ref": "#/components/schemas/Animal"},
            "Animal": {"type": "object", "properties": {"tags": {"type": "array"}}},
            "a/b~c": {"type": "string"},
            "Loop": {"$ref": "#/components/schemas/Loop2"},
            "Loop2": {"$ref": "#/components/schemas/Loop"},
        },
    },
    "list": [{"first": 1}, {"second": 2}],
}


@pytest.mark.parametrize(
    ("token", "escaped"), [("a/b", "a~1b"), ("~1", "~01"), ("a~/b", "a~0~1b"), (200, "200"), ("", "")]
)
def test_tokens_escape_and_unescape_as_rfc_6901_says(token: str | int, escaped: str) -> None:
    assert escape_token(token) == escaped
    assert unescape_token(escaped) == str(token)


def test_pointer_spells_a_path_and_lookup_reads_it_back() -> None:
    at = pointer(("components", "schemas", "a/b~c"))
    assert at == "/components/schemas/a~1b~0c"
    assert lookup(DOCUMENT, at) == {"type": "string"}
    assert lookup(DOCUMENT, "/list/1/second") == 2
    assert lookup(DOCUMENT, "") is DOCUMENT


@pytest.mark.parametrize(
    "at", ["/nothing", "/list/2", "/list/x", "/components/schemas/Pet/$ref/x", "no-slash"]
)
def test_lookup_of_nothing_is_an_unresolved_reference(at: str) -> None:
    with pytest.raises(UnresolvedReference):
        lookup(DOCUMENT, at)


def test_resolve_follows_a_chain_of_references() -> None:
    assert resolve(DOCUMENT, {"$ref": "#/components/schemas/Pet"})["type"] == "object"
    located = resolve_located(DOCUMENT, {"$ref": "#/components/schemas/Pet"}, "/somewhere")
    assert located[0] == "/components/schemas/Animal"


@pytest.mark.parametrize("node", [None, 3, "text", {"type": "string"}, {"$ref": 3}, []])
def test_what_is_no_reference_comes_back_unchanged(node: Any) -> None:
    assert resolve(DOCUMENT, node) is node
    assert resolve_located(DOCUMENT, node, "/here") == ("/here", node)


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("#/components/schemas/Missing", "points at nothing"),
        ("other.json#/components/schemas/Pet", "is not local"),
        ("https://example.test/openapi.json", "is not local"),
        ("#/components/schemas/Loop", "loops"),
    ],
)
def test_a_dangling_remote_or_looping_reference_raises_naming_it(ref: str, message: str) -> None:
    with pytest.raises(UnresolvedReference, match=message) as raised:
        resolve(DOCUMENT, {"$ref": ref})
    assert ref in str(raised.value)
    assert isinstance(raised.value, ToolchainError)  # the CLIs print it on one line


def test_ref_name_is_the_unescaped_last_token() -> None:
    assert ref_name("#/components/schemas/Pet") == "Pet"
    assert ref_name("#/components/schemas/a~1b~0c") == "a/b~c"


def test_operations_skip_what_is_not_an_operation() -> None:
    assert [(p, m) for p, m, _ in iter_operations(DOCUMENT)] == [("/pets/{id}/", "get")]
    assert [p for p, _ in iter_path_items(DOCUMENT)] == ["/pets/{id}/"]
    assert list(iter_operations({"paths": []})) == []


def test_raw_parameters_are_the_path_items_then_the_operations() -> None:
    operation = DOCUMENT["paths"]["/pets/{id}/"]["get"]
    raw = raw_parameters(DOCUMENT, "/pets/{id}/", operation)
    assert [resolve(DOCUMENT, p)["name"] for p in raw] == ["id", "q"]


def test_referenced_components_are_transitive_and_a_dangling_one_raises() -> None:
    assert referenced_components(DOCUMENT, {"$ref": "#/components/schemas/Pet"}) == [
        ("schemas", "Pet"),
        ("schemas", "Animal"),
    ]
    with pytest.raises(UnresolvedReference, match="points at nothing"):
        referenced_components(DOCUMENT, {"$ref": "#/components/schemas/Missing"})
