"""The dict-like access to a model's `additional_properties`, shared by every generated model.

Why this exists: openapi-python-client 0.29.1 writes the same five members (`additional_keys` and
the `[]`, `del` and `in` operators) into each model that keeps unknown keys, about 220,000 bytes
over the package; the model template makes such a model inherit them from `ExtraKeys` instead.
Its constructor also made an empty `additional_properties` dict per model; `ExtraKeys` makes it
when it is first read (`__getattr__` below). A spec patch cannot change generated code. Delete
this module when the generator shares these members and makes the dict lazily.
"""

from typing import TYPE_CHECKING, Generic, TypeVar

V = TypeVar("V")


class ExtraKeys(Generic[V]):
    """`model[key]`, `key in model`, `del model[key]`: the keys the model's schema does not list."""

    # No instance dict: the attrs models that inherit this are slotted.
    __slots__ = ()

    additional_properties: dict[str, V]

    if not TYPE_CHECKING:  # hidden from type checkers, which would accept any attribute name

        def __getattr__(self, name: str) -> dict[str, V]:
            """`additional_properties`, made empty on first access rather than by the constructor.

            Why: a model that keeps unknown keys nearly always has none, and an empty dict per model
            was 3 of the 7 objects the collector counted per item of a `call_logs_list` page: enough
            to start a collection right after each 100-item parse, which promoted the fresh models to
            older generations and, on a busy event loop, brought full collections (about 8% of the
            async bench's time). Python calls this only when the slot is still unset.
            """
            if name != "additional_properties":
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            extra: dict[str, V] = {}
            self.additional_properties = extra
            return extra

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> V:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: V) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
