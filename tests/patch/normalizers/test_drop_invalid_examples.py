from typing import Any

from scripts.patch.check_examples import find_example_violations
from scripts.patch.normalizers import drop_invalid_examples

METRIC = {
    "type": "object",
    "properties": {"eval_type": {"type": "string", "enum": ["binary", "numeric"]}},
    "required": ["eval_type"],
}


def document() -> dict[str, Any]:
    media = {
        "schema": {"$ref": "#/components/schemas/Metric"},
        "example": {"eval_type": "bool"},
        "examples": {
            "good": {"value": {"eval_type": "binary"}},
            "bad": {"value": {"eval_type": "bool"}},
            "shared": {"$ref": "#/components/examples/Bool"},
        },
    }
    return {
        "openapi": "3.1.0",
        "paths": {
            "/metrics/": {
                "post": {
                    "requestBody": {"content": {"application/json": media}},
                    "responses": {
                        "201": {
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Metric"},
                                    "examples": {"only": {"value": {"eval_type": 5}}},
                                }
                            }
                        }
                    },
                }
            }
        },
        "components": {
            "examples": {"Bool": {"value": {"eval_type": "bool"}}},
            "schemas": {
                "Metric": {**METRIC, "examples": [{"eval_type": "x"}, {"eval_type": "numeric"}, {}]},
                "Kind": {"type": "string", "examples": [1, 2]},
                "Fine": {"type": "integer", "example": 3},
            },
        },
    }


def test_every_example_its_schema_rejects_is_dropped_and_reported() -> None:
    patched = document()
    report = drop_invalid_examples.normalize(patched)
    assert find_example_violations(patched) == []
    assert len(report) == 8
    assert report[0].startswith("dropped the example /paths/~1metrics~1/post/requestBody/content/")
    assert "'bool' is not one of ['binary', 'numeric']" in report[0]


def test_the_valid_examples_stay_where_they_were() -> None:
    patched = document()
    drop_invalid_examples.normalize(patched)
    media = patched["paths"]["/metrics/"]["post"]["requestBody"]["content"]["application/json"]
    assert "example" not in media
    assert media["examples"] == {"good": {"value": {"eval_type": "binary"}}}
    schemas = patched["components"]["schemas"]
    assert schemas["Metric"]["examples"] == [{"eval_type": "numeric"}]
    assert "examples" not in schemas["Kind"]  # every item was invalid: the empty list goes too
    assert schemas["Fine"]["example"] == 3


def test_a_shared_example_is_unlinked_where_it_is_wrong_not_deleted() -> None:
    patched = document()
    drop_invalid_examples.normalize(patched)
    assert patched["components"]["examples"]["Bool"] == {"value": {"eval_type": "bool"}}


def test_a_map_left_empty_goes_with_its_last_entry() -> None:
    patched = document()
    drop_invalid_examples.normalize(patched)
    response = patched["paths"]["/metrics/"]["post"]["responses"]["201"]["content"]["application/json"]
    assert "examples" not in response


def test_a_document_whose_examples_all_validate_is_left_alone() -> None:
    valid = {
        "openapi": "3.1.0",
        "paths": {},
        "components": {"schemas": {"Fine": {"type": "integer", "example": 3}}},
    }
    before = repr(valid)
    assert drop_invalid_examples.normalize(valid) == []
    assert repr(valid) == before
