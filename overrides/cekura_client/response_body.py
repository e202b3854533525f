"""Parse a response body with the operation's table of parsers, one per documented status.

Why this exists: openapi-python-client 0.29.1 writes a `_parse_response` (one `if` per status, the
error handling) and an identical `_build_response` into each of the 817 endpoint modules: about a
million bytes of the package. The endpoint template writes a table instead (`_PARSERS`), and the
endpoint calls `build_response`, which keeps the generated behaviour: a documented body that does
not match its schema raises `MalformedResponseError`, an undocumented status raises
`UnexpectedStatus` when `Client.raise_on_unexpected_status` is set and is otherwise parsed as None.
A spec patch cannot change generated code. Delete this module when the generator shares the
parsing between endpoints.

The parse runs with the cyclic garbage collector paused (`collector_pause`): it makes no cycles,
and on a large page the collections it would trigger cost a quarter of the call.

A body whose parser is a model's `from_dict` is first decoded straight into the model
(`struct_decode`), in C, when it has exactly the schema's keys; any other body, and every
other parser, goes through `decode_json`. Either way the result is the same.

JSON bodies are decoded by `decode_json`: msgspec's decoder, about twice as fast as `json.loads`
on a 100-item page, with `json.loads` taking over for what msgspec refuses (`NaN`, a UTF-16 body,
a lone surrogate), so every body decodes to what `json.loads` would give.

A table maps a status (`200`), a range (`"4XX"`) or `"default"` to, in this order of precedence:

- a callable applied to the decoded JSON body, usually a model's `from_dict`;
- a `FromResponse`: the generator's code for any other body (a list, a file, text), given the
  whole `httpx.Response`;
- None: the status has no body, which parses as None.

A status that `http.HTTPStatus` does not list (a proxy's 520) still makes a `Response`: its
`status_code` is an unlisted `HTTPStatus` member (the value, an empty phrase), where
`HTTPStatus(520)` raised `ValueError` outside the client's error hierarchy.
"""

import functools
import json
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any, Generic, TypeVar

import httpx

from cekura_client.client import AuthenticatedClient, Client
from cekura_client.collector_pause import collector_paused
from cekura_client.errors import MalformedResponseError, UnexpectedStatus
from cekura_client.open_enum import member_or_unlisted
from cekura_client.struct_decode import decode_model, fall_back, struct_model
from cekura_client.types import Response

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

# What a parse error inside a model's `from_dict` raises.
PARSE_ERRORS = (KeyError, TypeError, ValueError, AttributeError)


class FromResponse(Generic[T_co]):
    """A parser of the whole response, for a body that is not parsed by a `from_dict` alone.

    A plain class: a dataclass would import `dataclasses` with the first endpoint (1-2 ms).
    """

    __slots__ = ("parse",)

    def __init__(self, parse: Callable[[httpx.Response], T_co]) -> None:
        self.parse = parse


ResponseParsers = Mapping[int | str, Callable[[Any], T] | FromResponse[T] | None]


_LISTED_STATUSES: Mapping[object, HTTPStatus] = HTTPStatus._value2member_map_  # type: ignore[assignment]


def unlisted_status(code: int) -> HTTPStatus:
    """An `HTTPStatus` for a code it does not list: compares equal to `code`, phrase empty."""
    status: HTTPStatus = member_or_unlisted(HTTPStatus, code)
    status.phrase = status.description = ""  # type: ignore[misc]
    return status


def build_response(
    client: AuthenticatedClient | Client, response: httpx.Response, parsers: ResponseParsers[T]
) -> Response[T]:
    """The endpoint's `Response`, its body parsed by `parse_response`."""
    code = response.status_code
    return Response(
        status_code=_LISTED_STATUSES.get(code) or unlisted_status(code),
        content=response.content,
        headers=response.headers,
        parsed=parse_response(client, response, parsers),
    )


def parse_response(
    client: AuthenticatedClient | Client, response: httpx.Response, parsers: ResponseParsers[T]
) -> T | None:
    """The body parsed by the parser of its status, else of its range, else the default one."""
    status = response.status_code
    if status in parsers:
        parse = parsers[status]
    elif (pattern := f"{status // 100}XX") in parsers:
        parse = parsers[pattern]
    elif "default" in parsers:
        parse = parsers["default"]
    else:
        if client.raise_on_unexpected_status:
            raise UnexpectedStatus(status, response.content)
        return None
    if parse is None:
        return None
    try:
        with collector_paused():
            if isinstance(parse, FromResponse):
                return parse.parse(response)
            model = struct_model(parse)
            if model is not None:
                if (parsed := decode_model(response.content, model)) is not None:
                    return parsed  # type: ignore[no-any-return]
                fall_back(model)
            return parse(decode_json(response.content))
    except PARSE_ERRORS as exc:
        raise MalformedResponseError(status, response.content, response.headers) from exc


def decode_json(content: bytes) -> Any:
    """The JSON value of `content`, as `json.loads(content)` gives it; raises its `JSONDecodeError`.

    msgspec decodes standard UTF-8 JSON, integers of any size included, to the same values; the
    rest (non-standard `NaN`, other encodings, invalid text) goes to `json.loads`.
    """
    try:
        return _msgspec_decoder()(content)
    except ValueError:  # msgspec.DecodeError
        return json.loads(content)


@functools.cache
def _msgspec_decoder() -> Callable[[bytes], Any]:
    """msgspec's JSON decoder, imported with the first response rather than with the package (~6 ms)."""
    import msgspec

    decode: Callable[[bytes], Any] = msgspec.json.Decoder().decode
    return decode
