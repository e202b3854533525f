"""The base of every generated enum: a value the spec does not list yet parses instead of raising.

Why this exists: openapi-python-client 0.29.1 parses an enum field with `X(value)`, so a new value
from the API raised ValueError in every caller. `parse` keeps such a value as an unlisted member
(name `<unknown>`, `.value` the raw value), while `X(value)` still refuses a typo in a request.
Pickling goes through `parse` too: `Enum` pickles a member as `X(value)`, which refuses an
unlisted one. A value of the wrong type (`5` or `null` for a string enum) is refused with
`TypeError`, which the response parser reports as `MalformedResponseError`: kept, it made a member
whose `repr()` raised. Shared here rather than written into each of the ~110 enum modules. Delete this
module when the generator parses unknown enum values.
"""

from enum import Enum, IntEnum, StrEnum
from typing import Any, Self, TypeVar, cast

E = TypeVar("E", bound=Enum)


class OpenStrEnum(StrEnum):
    """A string enum whose `parse` keeps a value it does not list."""

    @classmethod
    def parse(cls, value: str) -> Self:
        """`cls(value)`, except that an unlisted value becomes a member named `<unknown>`."""
        try:  # a listed value, as nearly every response has: one lookup, no further call
            return cls._value2member_map_[value]  # type: ignore[return-value]
        except (KeyError, TypeError):  # unlisted, or unhashable (a list)
            return member_or_unlisted(cls, value)

    def __reduce_ex__(self, protocol: object) -> tuple[Any, ...]:
        return type(self).parse, (self._value_,)


class OpenIntEnum(IntEnum):
    """An integer enum whose `parse` keeps a value it does not list."""

    @classmethod
    def parse(cls, value: int) -> Self:
        """`cls(value)`, except that an unlisted value becomes a member named `<unknown>`."""
        if type(value) is bool:  # JSON `true` equals 1 as a dict key: not a member
            raise TypeError(f"{value!r} is not an int, as {cls.__name__} requires")
        return member_or_unlisted(cls, value)

    def __reduce_ex__(self, protocol: object) -> tuple[Any, ...]:
        return type(self).parse, (self._value_,)


def member_or_unlisted(enum: type[E], value: Any) -> E:
    """The member of `enum` with `value` (a dict lookup, a tenth of `enum(value)`), else a new one.

    Raises `TypeError` for an unlisted value that is not of the enum's type.
    """
    try:
        member = enum._value2member_map_.get(value)
    except TypeError:  # unhashable: a list or an object
        member = None
    if member is None:
        member_type = enum._member_type_  # type: ignore[attr-defined]
        if not isinstance(value, member_type):
            raise TypeError(f"{value!r} is not a {member_type.__name__}, as {enum.__name__} requires")
        member = member_type.__new__(enum, value)
        member._name_ = "<unknown>"
        member._value_ = value
    return cast(E, member)
