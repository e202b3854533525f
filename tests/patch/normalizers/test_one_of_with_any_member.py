from typing import Any

from openapi_schema_validator import OAS31Validator

from scripts.patch.normalizers import one_of_with_any_member


def _document(field: dict[str, Any]) -> dict[str, Any]:
    return {"components": {"schemas": {"A": {"type": "object", "properties": {"f": field}}}}}


def test_a_nullable_free_form_field_accepts_null_after_the_rewrite() -> None:
    field = {"oneOf": [{}, {"type": "null"}], "description": "free-form"}
    assert not OAS31Validator(field).is_valid(None)  # the upstream spelling refuses null
    document = _document(field)
    report = one_of_with_any_member.normalize(document)
    assert report == ["rewrote 1 oneOf with an empty-schema member as anyOf"]
    rewritten = document["components"]["schemas"]["A"]["properties"]["f"]
    assert rewritten == {"anyOf": [{}, {"type": "null"}], "description": "free-form"}
    assert all(OAS31Validator(rewritten).is_valid(v) for v in (None, {"k": 1}, "text", [1]))


def test_a_one_of_of_distinct_members_and_example_data_are_left_alone() -> None:
    field = {"oneOf": [{"type": "string"}, {"type": "null"}], "example": {"oneOf": [{}]}}
    document = _document(field)
    assert one_of_with_any_member.normalize(document) == []
    assert document["components"]["schemas"]["A"]["properties"]["f"] == field
