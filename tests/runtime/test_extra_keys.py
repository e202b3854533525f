"""A model's `additional_properties` is made on first access, and behaves as a dict made up front.

The generated models no longer create an empty dict each (`ExtraKeys.__getattr__`): these tests
check that nothing a caller does can tell, and that the dict is indeed not made until read.
"""

import copy
import importlib
import pickle
from types import ModuleType
from typing import Any

import pytest


@pytest.fixture(scope="module")
def models(cekura: ModuleType) -> ModuleType:
    return importlib.import_module("cekura_client.models")


def slot_value(model: Any) -> Any:
    """The `additional_properties` slot itself, without the first-access fallback."""
    return type(model).additional_properties.__get__(model)


def test_a_model_makes_its_extra_keys_dict_when_it_is_first_read(models: ModuleType) -> None:
    category = models.CriticalMetricCategory.from_dict({"id": 3, "priority": "high"})
    with pytest.raises(AttributeError):
        slot_value(category)
    extra = category.additional_properties
    assert extra == {}
    assert slot_value(category) is extra
    assert category.additional_properties is extra  # made once, then kept


def test_a_model_without_extra_keys_reads_writes_and_compares_as_before(models: ModuleType) -> None:
    data = {"id": 3, "priority": "high"}
    category = models.CriticalMetricCategory.from_dict(data)
    assert category == models.CriticalMetricCategory.from_dict(data)
    assert "additional_properties={}" in repr(category)
    assert category.additional_keys == []
    assert "sla_hours" not in category
    category["sla_hours"] = 4
    assert category.to_dict() == {**data, "sla_hours": 4}
    assert category != models.CriticalMetricCategory.from_dict(data)
    del category["sla_hours"]
    assert category.to_dict() == data


@pytest.mark.parametrize(
    ("duplicate", "shares_extra_keys"),
    [(copy.copy, True), (copy.deepcopy, False), (lambda model: pickle.loads(pickle.dumps(model)), False)],
    ids=["copy", "deepcopy", "pickle"],
)
def test_a_model_whose_extra_keys_were_never_read_copies_and_pickles(
    models: ModuleType, duplicate: Any, shares_extra_keys: bool
) -> None:
    """As with a dict made up front: a shallow copy shares it, a deep copy or a pickle does not."""
    category = models.CriticalMetricCategory.from_dict({"id": 3, "priority": "high"})
    duplicated = duplicate(category)
    assert duplicated == category
    duplicated["x"] = 1
    assert ("x" in category) is shares_extra_keys


def test_any_other_missing_attribute_raises_attribute_error(models: ModuleType) -> None:
    category = models.CriticalMetricCategory.from_dict({"id": 3})
    with pytest.raises(
        AttributeError, match=r"^'CriticalMetricCategory' object has no attribute 'prioritty'$"
    ):
        category.prioritty  # noqa: B018
    assert not hasattr(category, "prioritty")
    assert getattr(category, "prioritty", None) is None
