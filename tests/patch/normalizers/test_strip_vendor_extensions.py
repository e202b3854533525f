from typing import Any

from scripts.patch.normalizers import strip_vendor_extensions


def test_removes_extensions_but_not_user_names_or_data() -> None:
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "x-mint": {"metadata": 1},
        "paths": {
            "/a": {
                "post": {
                    "x-mcp-expose": True,
                    "parameters": [{"name": "x-trace", "in": "header", "x-docs-exclude": True}],
                    "responses": {"200": {"description": "ok"}},
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"x-field": {"type": "string", "x-spec-enum-id": "1"}},
                                },
                                "examples": {"x-example": {"value": {"x-data": 1}}},
                            }
                        }
                    },
                }
            }
        },
    }
    report = strip_vendor_extensions.normalize(document)
    post = document["paths"]["/a"]["post"]
    media = post["requestBody"]["content"]["application/json"]
    assert "x-mint" not in document and "x-mcp-expose" not in post
    assert post["parameters"] == [{"name": "x-trace", "in": "header"}]
    assert media["schema"]["properties"] == {"x-field": {"type": "string"}}  # a field named x-…
    assert media["examples"] == {"x-example": {"value": {"x-data": 1}}}  # example data untouched
    assert report == [
        "removed vendor extensions: x-docs-exclude (1), x-mcp-expose (1), x-mint (1), x-spec-enum-id (1)"
    ]


def test_reports_nothing_when_clean() -> None:
    assert strip_vendor_extensions.normalize({"openapi": "3.1.0", "paths": {}}) == []
