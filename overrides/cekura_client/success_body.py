"""`sync` and `asyncio` return the success body and raise a typed error for any other answer.

Why this exists: openapi-python-client 0.29.1 makes `sync` return the union of every documented
body (errors included) or None, so a type-checked caller had to narrow every result, and a 4xx came
back as a value. Every peer SDK returns the success type and raises. The endpoint template calls
`parse_success` from `sync` and `asyncio` (the `*_detailed` functions still return every documented
status); a spec patch cannot change generated code. Delete this module when the generator returns
the success type from `sync`.
"""

from typing import Any

import httpx

from cekura_client.client import AuthenticatedClient, Client
from cekura_client.errors import UnexpectedStatus
from cekura_client.response_body import ResponseParsers, parse_response
from cekura_client.status_errors import error_for


def parse_success(
    client: AuthenticatedClient | Client, response: httpx.Response, parsers: ResponseParsers[Any]
) -> Any:
    """The parsed body of a documented 2xx `response`.

    Raises the `errors.APIStatusError` subclass for the status (`NotFoundError`, `ValidationError`,
    ...) for any status outside 2xx, before parsing its body, and `errors.UnexpectedStatus` for a 2xx
    status the operation does not document (its body's type is unknown).
    """
    status = response.status_code
    if not 200 <= status < 300:
        raise error_for(response)
    if not is_documented_success(status, parsers):
        raise UnexpectedStatus(status, response.content)
    return parse_response(client, response, parsers)


def is_documented_success(status: int, parsers: ResponseParsers[Any]) -> bool:
    """True if the table documents this 2xx `status`: itself, `2XX`, or only `default` for 2xx."""
    if status in parsers or "2XX" in parsers:
        return True
    documented_2xx = any(isinstance(key, int) and 200 <= key < 300 for key in parsers)
    return "default" in parsers and not documented_2xx
