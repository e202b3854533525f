"""Compare JSON values as the client may legitimately rewrite them: the one normalisation is datetimes.

A generated model parses `date-time` strings into `datetime` and writes them back with
`isoformat()`, so `2024-01-01T00:00:00Z` comes back as `2024-01-01T00:00:00+00:00` and fractions
of a second get six digits. Those are the same instant; anything else must come back as it was.
"""

import datetime
from typing import Any


def same_json(actual: Any, expected: Any) -> bool:
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and actual.keys() == expected.keys()
            and all(same_json(actual[k], expected[k]) for k in expected)
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(same_json(a, e) for a, e in zip(actual, expected, strict=True))
        )
    if isinstance(expected, str) and isinstance(actual, str) and actual != expected:
        return _same_instant(actual, expected)
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected
    return bool(actual == expected)


def first_difference(actual: Any, expected: Any, path: str = "$") -> str:
    """Where two JSON values first differ, for a failure message."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual), key=str):
            if key not in actual or key not in expected:
                return f"{path}.{key}: {'missing' if key not in actual else 'unexpected'}"
            if not same_json(actual[key], expected[key]):
                return first_difference(actual[key], expected[key], f"{path}.{key}")
    if isinstance(expected, list) and isinstance(actual, list) and len(actual) == len(expected):
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            if not same_json(a, e):
                return first_difference(a, e, f"{path}[{i}]")
    return f"{path}: got {actual!r}, expected {expected!r}"


def _same_instant(actual: str, expected: str) -> bool:
    try:
        left = datetime.datetime.fromisoformat(actual)
        right = datetime.datetime.fromisoformat(expected)
    except ValueError:
        return False
    if (left.tzinfo is None) != (right.tzinfo is None):
        return False
    return left == right
