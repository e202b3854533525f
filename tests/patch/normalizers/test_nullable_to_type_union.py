from typing import Any

from scripts.patch.normalizers import nullable_to_type_union

REF = {"$ref": "#/components/schemas/B"}
NULLABLE_INTEGER = {"type": "integer", "nullable": True}
RESPONSES = {"200": {"description": "", "content": {"application/json": {"schema": REF}}}}


def test_nullable_becomes_a_type_union_in_every_kind_of_schema() -> None:
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "paths": {
            "/a/": {
                "get": {
                    "parameters": [{"name": "q", "in": "query", "schema": NULLABLE_INTEGER}],
                    "responses": RESPONSES,
                }
            }
        },
        "components": {
            "schemas": {
                "A": {
                    "type": "object",
                    "properties": {
                        "next": {"type": "string", "format": "uri", "nullable": True},
                        "kind": {"type": "string", "enum": ["a", "b"], "nullable": True},
                        "listed": {"type": ["integer", "null"], "nullable": True},
                        "free": {"nullable": True, "description": "any JSON"},
                        "strict": {"type": "string", "nullable": False},
                        "ref": {**REF, "nullable": True, "description": "kept outside"},
                        "either": {"oneOf": [REF, {"type": "integer"}], "nullable": True},
                        "nullable": {"type": "boolean"},
                    },
                    "example": {"nullable": True},
                },
                "B": {"type": "object", "nullable": True},
            }
        },
    }
    assert nullable_to_type_union.normalize(document) == ["rewrote 9 `nullable` keyword(s) as type unions"]
    properties = document["components"]["schemas"]["A"]["properties"]
    assert properties == {
        "next": {"type": ["string", "null"], "format": "uri"},
        "kind": {"type": ["string", "null"], "enum": ["a", "b", None]},
        "listed": {"type": ["integer", "null"]},
        "free": {"description": "any JSON"},
        "strict": {"type": "string"},
        "ref": {"description": "kept outside", "anyOf": [REF, {"type": "null"}]},
        "either": {"oneOf": [REF, {"type": "integer"}, {"type": "null"}]},
        "nullable": {"type": "boolean"},  # a property named `nullable` is no keyword
    }
    assert document["components"]["schemas"]["A"]["example"] == {"nullable": True}  # data, not a schema
    assert document["components"]["schemas"]["B"] == {"type": ["object", "null"]}
    parameter = document["paths"]["/a/"]["get"]["parameters"][0]
    assert parameter["schema"] == {"type": ["integer", "null"]}


def test_a_document_without_nullable_is_left_alone() -> None:
    document: dict[str, Any] = {"components": {"schemas": {"A": {"type": ["string", "null"]}}}}
    assert nullable_to_type_union.normalize(document) == []
    assert document == {"components": {"schemas": {"A": {"type": ["string", "null"]}}}}
