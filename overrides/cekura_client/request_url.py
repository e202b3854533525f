"""Path segments and query values as the Cekura backend (Django, django-filter) reads them.

Why this exists: openapi-python-client 0.29.1 quotes a path value with `safe=""` but leaves `.`
and `..` as they are, and httpx then resolves them as dot segments (`/aiagents/7/tools/../` is
`/aiagents/7/`, another operation); it sends a query list as repeated keys whatever its `style`
and `explode` (Django's `QueryDict.get` and django-filter's `BaseInFilter` read the last one only),
spreads an object's keys over the query, and writes a naive datetime without an offset (Django
reads it in the server's own time zone). The endpoint template calls these functions instead; a
spec patch cannot change how a client serialises. `scripts/generate_client.generator_document`
refuses, at generation, any parameter serialisation not handled here. Delete this module when the
generator serialises parameters by `style`, `explode` and `content` and refuses dot segments.

Each function raises `errors.RequestEncodingError` (also a `ValueError`), naming the parameter,
before any I/O.
"""

import datetime
import json
from collections.abc import Sequence
from enum import Enum
from typing import Any
from urllib.parse import quote

from cekura_client.errors import RequestEncodingError

DOT_SEGMENTS = frozenset({"", ".", ".."})
"""Path values that name no segment: RFC 3986 resolves `.` and `..` away, and an empty one leaves `//`."""


def path_segment(name: str, value: Any) -> str:
    """`value` as one percent-encoded path segment (`/` included), for the path parameter `name`."""
    text = _text(value)
    if text in DOT_SEGMENTS:
        raise RequestEncodingError(
            f"{name}: a path parameter cannot be {text!r}: the URL would name another endpoint"
        )
    return quote(text, safe="")


def comma_separated(name: str, values: Sequence[Any]) -> str:
    """A `style: form, explode: false` query list: `1,2,3` (django-filter's `BaseInFilter` splits at `,`)."""
    if not values:
        raise RequestEncodingError(
            f"{name}: an empty list reads as no filter at all (django-filter ignores an empty value); "
            "leave the parameter unset instead"
        )
    texts = [_text(value) for value in values]
    for index, text in enumerate(texts):
        if "," in text:
            raise RequestEncodingError(
                f"{name}[{index}]: {text!r} holds a comma, which splits it into two values in a "
                "comma-separated list; filter on it another way"
            )
    return ",".join(texts)


def json_text(name: str, value: Any) -> str:
    """A query parameter declared with `content: application/json`: its value as one JSON text."""
    data = value.to_dict() if hasattr(value, "to_dict") else value
    try:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as error:
        raise RequestEncodingError(f"{name}: not JSON-serialisable: {error}") from None


def aware_datetime(name: str, value: datetime.datetime) -> datetime.datetime:
    """`value` unchanged if it has a UTC offset; a naive datetime is refused (Django would read it
    in the server's time zone, which the caller cannot know)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise RequestEncodingError(
            f"{name}: {value.isoformat()} has no time zone (the server would read it in its own); "
            "pass an aware datetime, e.g. value.replace(tzinfo=datetime.timezone.utc)"
        )
    return value


def _text(value: Any) -> str:
    """A scalar's text as the backend reads it: booleans `true`/`false`, an enum by its value."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return aware_datetime("value", value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
