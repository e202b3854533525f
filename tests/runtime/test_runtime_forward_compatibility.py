"""A response with an enum value or a field the spec does not list yet parses, keeps it, and round-trips."""

import copy
import importlib
import json
import pickle
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from scripts.generate.generate_client import OVERRIDES_DIR, apply_overrides, run_generator
from scripts.generate.sdk_surface import write_sdk_surface

from .runtime_helpers import API_KEY, MODES, call, operation
from .scripted_server import Reply, replies, serve


@pytest.fixture(scope="module")
def models(cekura: ModuleType) -> ModuleType:
    return importlib.import_module("cekura_client.models")


def test_an_unknown_enum_value_parses_and_round_trips(models: ModuleType) -> None:
    data = {"id": 3, "priority": "blocker", "severity_score": 0.9}
    category = models.CriticalMetricCategory.from_dict(data)
    assert isinstance(category.priority, models.PriorityEnum)
    assert (category.priority.value, str(category.priority), category.priority == "blocker") == (
        "blocker",
        "blocker",
        True,
    )
    assert category.priority not in models.PriorityEnum
    assert category.priority.name == "<unknown>"
    assert category.additional_properties == {"severity_score": 0.9}
    assert category.to_dict() == data


@pytest.mark.parametrize(
    "duplicate",
    [copy.copy, copy.deepcopy, lambda model: pickle.loads(pickle.dumps(model))],
    ids=["copy", "deepcopy", "pickle"],
)
def test_a_copied_or_pickled_model_keeps_its_unset_fields_and_unlisted_values(
    models: ModuleType, duplicate: Any
) -> None:
    types = importlib.import_module("cekura_client.types")
    data = {"id": 3, "priority": "blocker", "severity_score": 0.9}
    category = models.CriticalMetricCategory.from_dict(data)
    duplicated = duplicate(category)
    assert duplicated == category
    assert duplicated.metric is types.UNSET
    assert (duplicated.priority.name, duplicated.priority.value) == ("<unknown>", "blocker")
    assert duplicated.to_dict() == data
    assert "metric=UNSET" in repr(duplicated)


def test_a_known_enum_value_is_the_member(models: ModuleType) -> None:
    category = models.CriticalMetricCategory.from_dict({"priority": "not_a_bug"})
    assert category.priority is models.PriorityEnum.NOT_A_BUG


def test_callers_building_a_request_still_get_an_error_for_a_typo(models: ModuleType) -> None:
    with pytest.raises(ValueError, match="'critcal' is not a valid PriorityEnum"):
        models.PriorityEnum("critcal")


def test_in_a_union_a_known_value_picks_its_enum_and_an_unknown_one_stays_a_string(
    models: ModuleType,
) -> None:
    required = {"crontab_expression": "0 * * * *"}
    known = models.CronJob.from_dict({**required, "created_via": "sdk"})
    assert known.created_via is models.CreatedViaEnumType1.SDK
    unknown = models.CronJob.from_dict({**required, "created_via": "terraform"})
    assert (type(unknown.created_via), unknown.created_via) == (str, "terraform")
    assert unknown.to_dict()["created_via"] == "terraform"


@pytest.mark.parametrize("mode", MODES)
def test_a_response_with_an_unknown_value_parses_over_http(mode: str, client_for: Any) -> None:
    body = {"id": 5, "priority": "blocker", "sla_hours": 4}
    with serve(replies(Reply(200, body))) as server:
        response = call(mode, operation("retrieve"), client=client_for(server.url), id=5)
    assert response.parsed.priority.value == "blocker"
    assert response.parsed.additional_properties == {"sla_hours": 4}
    assert API_KEY not in repr(response.parsed)


TINY_SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "tiny", "version": "1"},
    "paths": {},
    "components": {
        "schemas": {
            "Level": {"type": "integer", "enum": [1, 2, 3]},
            "Status": {"type": "string", "enum": ["queued", "done"]},
            "Job": {
                "type": "object",
                "required": ["level", "status"],
                "properties": {
                    "level": {"$ref": "#/components/schemas/Level"},
                    "status": {"$ref": "#/components/schemas/Status"},
                    "statuses": {"type": "array", "items": {"$ref": "#/components/schemas/Status"}},
                },
            },
        }
    },
}

PARSE_UNKNOWN_VALUES = """
import json
from cekura_client.models import Job
import pickle
job = Job.from_dict({"level": 9, "status": "paused", "statuses": ["done", "archived"]})
refused = []
for wrong in ({"level": 1, "status": 5}, {"level": 1, "status": None}, {"level": True, "status": "done"}):
    try:
        Job.from_dict(wrong)
    except TypeError as error:
        refused.append(type(error).__name__)
print(json.dumps({
    "to_dict": job.to_dict(),
    "types": [type(job.level).__name__, type(job.status).__name__],
    "unpickled": pickle.loads(pickle.dumps(job)).to_dict(),
    "refused": refused,
}))
"""


@pytest.mark.parametrize("literal_enums", [False, True])
def test_int_and_literal_enums_keep_unknown_values_too(tmp_path: Path, literal_enums: bool) -> None:
    """Enums this spec does not have (integer, `literal_enums: true`), from a tiny spec of their own."""
    document, config = tmp_path / "tiny.json", tmp_path / "config.yaml"
    document.write_text(json.dumps(TINY_SPEC))
    config.write_text(
        "project_name_override: cekura-client\npackage_name_override: cekura_client\n"
        f"literal_enums: {str(literal_enums).lower()}\n"
    )
    run = run_generator(document, tmp_path / "out", config)
    apply_overrides(OVERRIDES_DIR, run.output)
    write_sdk_surface(run.output / "cekura_client", document)
    assert run.warnings == []
    completed = subprocess.run(
        [sys.executable, "-c", PARSE_UNKNOWN_VALUES], cwd=tmp_path / "out", capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert result["to_dict"] == {"level": 9, "status": "paused", "statuses": ["done", "archived"]}
    assert result["unpickled"] == result["to_dict"]
    assert result["types"] == (["int", "str"] if literal_enums else ["Level", "Status"])
    assert result["refused"] == ["TypeError"] * 3  # a wrong scalar is no member, listed or not
