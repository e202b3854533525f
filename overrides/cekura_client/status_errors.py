"""Turn an error response into the typed error of `cekura_client.errors` for its status.

`raise_for_status(response)` takes what the generated `*_detailed` functions return (or an
`httpx.Response`); `Cekura(raise_on_error=True)` applies the same mapping to every response.
Messages hold the status and the API's own explanation (DRF's `detail` or field errors), never
request headers, so the API key cannot end up in a log line or a traceback.
"""

import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, Protocol, TypeVar

from cekura_client.errors import (
    APIStatusError,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ValidationError,
)

MAX_MESSAGE_DETAIL = 300
"""Characters of the API's explanation kept in an error message (the full body is on the error)."""
NON_FIELD_ERRORS = "non_field_errors"

ERRORS_BY_STATUS: dict[int, type[APIStatusError]] = {
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}


class AnyResponse(Protocol):
    """What the generated `Response` and `httpx.Response` have in common."""

    @property
    def status_code(self) -> int: ...
    @property
    def content(self) -> bytes: ...
    @property
    def headers(self) -> Mapping[str, str]: ...


ResponseT = TypeVar("ResponseT", bound=AnyResponse)


def raise_for_status(response: ResponseT) -> ResponseT:
    """Raise the typed error for a 4xx or 5xx `response`; return it unchanged otherwise."""
    if int(response.status_code) >= 400:
        raise error_for(response)
    return response


def error_for(response: AnyResponse) -> APIStatusError:
    """The typed error for an error `response` (`APIStatusError` itself for other statuses)."""
    status = int(response.status_code)
    body = _json_or_none(response.content)
    fields = dict(
        status_code=status, headers=response.headers, content=response.content, body=body, response=response
    )
    if status == 400:
        errors = field_errors(body)
        return ValidationError(_message(status, _errors_summary(errors)), field_errors=errors, **fields)
    detail = _detail(body)
    if status == 401:
        detail = f"{detail} " if detail else ""
        detail += "(check the API key: Cekura(api_key=...) or the CEKURA_API_KEY variable)"
    error_class = ServerError if status >= 500 else ERRORS_BY_STATUS.get(status, APIStatusError)
    return error_class(_message(status, detail), **fields)


def field_errors(body: Any) -> dict[str, list[str]]:
    """DRF's validation errors as `{field path: [messages]}`; a path looks like `items[0].name`.

    DRF nests errors like the data (objects, lists of per-item errors); errors that belong to no
    field (a list or string at the top, `non_field_errors`, `detail`) are under `non_field_errors`.
    """
    found: dict[str, list[str]] = {}
    if isinstance(body, Mapping) and set(body) == {"detail"} and isinstance(body["detail"], str):
        body = body["detail"]
    _collect(body, "", found)
    return found


def _collect(value: Any, path: str, found: dict[str, list[str]]) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            _collect(item, f"{path}.{key}" if path else str(key), found)
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        found.setdefault(path or NON_FIELD_ERRORS, []).extend(value)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _collect(item, f"{path}[{index}]", found)
    elif value is not None:
        found.setdefault(path or NON_FIELD_ERRORS, []).append(str(value))


def _json_or_none(content: bytes) -> Any:
    try:
        return json.loads(content) if content else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def _detail(body: Any) -> str:
    """The API's explanation: DRF's `detail` (or `error`, `message`) when the body has one."""
    if isinstance(body, Mapping):
        for key in ("detail", "error", "message"):
            if isinstance(body.get(key), str):
                return str(body[key])
    return ""


def _errors_summary(errors: Mapping[str, list[str]]) -> str:
    return "; ".join(f"{path}: {' '.join(messages)}" for path, messages in errors.items())


def _message(status: int, detail: str) -> str:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "error"
    if len(detail) > MAX_MESSAGE_DETAIL:
        detail = detail[: MAX_MESSAGE_DETAIL - 3] + "..."
    return f"{status} {phrase}: {detail}" if detail else f"{status} {phrase}"
