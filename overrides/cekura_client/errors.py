"""The client's errors, `cekura_client.errors`: `CekuraError` and every error under it.

Replaces the generator's `errors.py`, whose template held no Jinja (a fixed module with
`UnexpectedStatus` alone): the generated endpoint code imports this module by that path, and so do
callers. A spec patch cannot add error classes. `UnexpectedStatus` keeps the generator's constructor
and message, under `CekuraError`. The generator's template is still tracked (`templates/forks.json`,
`replaced`): an upgrade that changes it is reported with the diff to merge here. Permanent: the
project's error hierarchy.
"""

from collections.abc import Mapping
from typing import Any


class CekuraError(Exception):
    """Base of every error this client raises about an API call: catch it to catch them all."""


class RequestEncodingError(CekuraError, ValueError):
    """The request cannot be sent as asked (a value a form or a URL path cannot carry); raised before any I/O.

    Also a `ValueError`, so code written against the earlier refusals keeps working.
    """


class APIConnectionError(CekuraError):
    """The API could not be reached or its answer could not be read (refused, reset, TLS, redirects).

    The httpx exception is `__cause__`; `request` is what was being sent, without the API key.
    """

    def __init__(self, message: str, *, request: Any = None) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """An attempt or the call's overall deadline ran out; the httpx timeout is `__cause__`."""


class UnexpectedStatus(CekuraError):
    """An undocumented status, raised by the endpoint functions if `Client.raise_on_unexpected_status`."""

    def __init__(self, status_code: int, content: bytes):
        self.status_code = status_code
        self.content = content

        super().__init__(
            f"Unexpected status code: {status_code}\n\nResponse content:\n{content.decode(errors='ignore')}"
        )


class APIStatusError(CekuraError):
    """The API answered with an error status (4xx, 5xx); `raise_for_status` picks the subclass.

    `body` is the JSON-decoded body (None when it is not JSON); `content` the raw bytes and `response`
    the response itself (an `httpx.Response` or a `Response`), so nothing of the answer is lost.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        headers: Mapping[str, str],
        content: bytes,
        body: Any,
        response: Any = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.headers = headers
        self.content = content
        self.body = body
        self.response = response


class ValidationError(APIStatusError):
    """400: the request was refused; `field_errors` maps each field path (`items[0].name`) to its messages."""

    def __init__(self, message: str, *, field_errors: Mapping[str, list[str]], **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.field_errors = dict(field_errors)


class AuthenticationError(APIStatusError):
    """401: the API key is missing, wrong or revoked."""


class PermissionDeniedError(APIStatusError):
    """403: the API key may not do this."""


class NotFoundError(APIStatusError):
    """404: no such object (or not visible to this API key)."""


class RateLimitError(APIStatusError):
    """429: too many requests; the `Retry-After` header, if any, is in `headers`."""


class ServerError(APIStatusError):
    """5xx: the API failed; retrying later may help."""


class MalformedResponseError(CekuraError):
    """A documented response body does not match its schema; the parsing error is `__cause__`.

    Raise it `from` the parsing exception, with the response's status, raw body and headers.
    """

    def __init__(
        self, status_code: int, content: bytes, headers: Mapping[str, str], message: str | None = None
    ) -> None:
        super().__init__(message or f"the {status_code} response body does not match its documented schema")
        self.status_code = status_code
        self.content = content
        self.headers = headers

    def __str__(self) -> str:
        cause = self.__cause__
        message = super().__str__()
        return f"{message} ({type(cause).__name__}: {cause})" if cause is not None else message


__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "CekuraError",
    "MalformedResponseError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestEncodingError",
    "ServerError",
    "UnexpectedStatus",
    "ValidationError",
]
