"""Response bodies decode to exactly what `json.loads` gives, though msgspec decodes most of them.

`response_body.decode_json` is the one place the client decodes JSON. msgspec is the fast path;
anything it refuses goes to `json.loads`. The property test compares the two on every kind of
JSON value, the explicit cases on what only `json.loads` accepts.
"""

import importlib
import json
import math
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .runtime_helpers import MODES, call, operation
from .scripted_server import Reply, replies, serve

# JSON values as `json.dumps` writes them, non-standard NaN and Infinity included.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20,
)


@pytest.fixture(scope="module")
def response_body(cekura: ModuleType) -> ModuleType:
    return importlib.import_module("cekura_client.response_body")


def same_value(left: Any, right: Any) -> bool:
    """Equal in type, value and key order, NaN counting as equal to NaN."""
    if isinstance(left, float) and isinstance(right, float) and math.isnan(left):
        return math.isnan(right)
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return list(left) == list(right) and all(same_value(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(map(same_value, left, right))
    return bool(left == right)


@settings(max_examples=300, deadline=None)
@given(value=json_values, ensure_ascii=st.booleans())
def test_every_json_value_decodes_as_json_loads_decodes_it(
    response_body: ModuleType, value: Any, ensure_ascii: bool
) -> None:
    content = json.dumps(value, ensure_ascii=ensure_ascii).encode()
    assert same_value(response_body.decode_json(content), json.loads(content))


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b'{"score": NaN, "max": Infinity}', id="non-standard NaN and Infinity"),
        pytest.param(b"[123456789012345678901234567890, -18446744073709551617]", id="integers past 64 bits"),
        pytest.param(b"1e400", id="a float past the double range"),
        pytest.param('{"name": "Zoë"}'.encode("utf-16"), id="UTF-16 with a byte order mark"),
        pytest.param(b'\xef\xbb\xbf{"a": 1}', id="UTF-8 with a byte order mark"),
        pytest.param(b'{"text": "\\ud800"}', id="a lone surrogate escape"),
        pytest.param(b'{"a": 1, "a": 2}', id="a repeated key keeps the last value"),
    ],
)
def test_what_msgspec_refuses_or_might_read_otherwise_decodes_as_json_loads_decodes_it(
    response_body: ModuleType, content: bytes
) -> None:
    assert same_value(response_body.decode_json(content), json.loads(content))


@pytest.mark.parametrize("content", [b"", b"<html>", b'{"a": 1} trailing', b"\xff\xfe\xfd"])
def test_what_is_not_json_raises_json_loads_error(response_body: ModuleType, content: bytes) -> None:
    with pytest.raises(ValueError) as raised:
        response_body.decode_json(content)
    assert isinstance(raised.value, json.JSONDecodeError | UnicodeDecodeError)


@pytest.mark.parametrize("mode", MODES)
def test_a_body_only_json_loads_reads_parses_over_http(mode: str, client_for: Any) -> None:
    raw = b'{"id": 5, "priority": "blocker", "severity_score": NaN, "ticket": 123456789012345678901234567890}'
    with serve(replies(Reply(200, raw=raw, headers={"Content-Type": "application/json"}))) as server:
        response = call(mode, operation("retrieve"), client=client_for(server.url), id=5)
    extra = response.parsed.additional_properties
    assert math.isnan(extra["severity_score"])
    assert extra["ticket"] == 123456789012345678901234567890
