from typing import Any

from scripts.patch.normalizers import prune_unreferenced


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def test_keeps_what_operations_reach_and_drops_the_rest() -> None:
    document: dict[str, Any] = {
        "paths": {
            "/kept": {
                "get": {
                    "security": [{"api_key": []}],
                    "responses": {"200": {"content": {"application/json": {"schema": ref("A")}}}},
                }
            },
            "/emptied": {"parameters": [{"name": "id", "in": "path"}]},
        },
        "components": {
            "schemas": {
                "A": {"type": "object", "properties": {"b": ref("B")}},
                "B": {"type": "array", "items": ref("A")},
                "Internal": {"type": "object"},
            },
            "securitySchemes": {"api_key": {"type": "apiKey"}, "session": {"type": "http"}},
        },
    }
    report = prune_unreferenced.normalize(document)
    assert list(document["paths"]) == ["/kept"]
    assert list(document["components"]["schemas"]) == ["A", "B"]
    assert list(document["components"]["securitySchemes"]) == ["api_key"]
    assert report == [
        "removed 1 path item(s) left without operations",
        "removed unused security schemes: session",
        "removed 1 unreferenced components.schemas",
    ]
