from typing import Any

from scripts.patch.normalizers import dedupe_type_lists


def test_repeated_types_collapse_in_order() -> None:
    document: dict[str, Any] = {
        "components": {
            "schemas": {
                "A": {
                    "type": "object",
                    "properties": {
                        "number": {"type": ["string", "null", "null"]},
                        "type": {"type": ["integer", "null"]},
                    },
                    "example": {"type": ["x", "x"]},
                }
            }
        }
    }
    assert dedupe_type_lists.normalize(document) == ["removed repeated entries from 1 schema type list(s)"]
    properties = document["components"]["schemas"]["A"]["properties"]
    assert properties["number"] == {"type": ["string", "null"]}
    assert properties["type"] == {"type": ["integer", "null"]}
    assert document["components"]["schemas"]["A"]["example"] == {"type": ["x", "x"]}
