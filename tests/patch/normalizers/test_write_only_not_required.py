from typing import Any

from scripts.patch.normalizers import write_only_not_required


def _document() -> dict[str, Any]:
    def schema() -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "id": {"type": "integer", "readOnly": True},
                "secret": {"type": "string", "writeOnly": True},
            },
            "required": ["id", "secret"],
        }

    def body(ref: str) -> dict[str, Any]:
        return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}

    return {
        "paths": {
            "/a": {
                "post": {
                    "requestBody": body("RequestOnly"),
                    "responses": {"201": {"description": "", **body("Answer")}},
                }
            }
        },
        "components": {"schemas": {"Answer": schema(), "RequestOnly": schema()}},
    }


def test_write_only_fields_are_optional_in_response_schemas_only() -> None:
    document = _document()
    report = write_only_not_required.normalize(document)
    assert report == ["made 1 writeOnly propert(ies) optional in response schemas: Answer.secret"]
    schemas = document["components"]["schemas"]
    assert schemas["Answer"]["required"] == ["id"]
    assert schemas["RequestOnly"]["required"] == ["id", "secret"]


def test_nothing_to_do_reports_nothing() -> None:
    document = _document()
    document["components"]["schemas"]["Answer"]["required"] = ["id"]
    assert write_only_not_required.normalize(document) == []
