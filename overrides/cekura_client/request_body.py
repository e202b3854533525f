"""Choose the media type of a request body and encode it for httpx: JSON, form or multipart.

Why this exists: most Cekura operations declare one schema for `application/json`,
`application/x-www-form-urlencoded` and `multipart/form-data`. openapi-python-client 0.29.1 emits a
chain of `isinstance` checks that all match, so every call went out as multipart with a hard-coded
`boundary=+++` that does not match the body httpx writes (upstream issue #1276; pull request #1426
proposes a `body_content_type` parameter). The endpoint template calls `encode_body` instead, with
the operation's `BodyFormat`s (built with `body_formats`), through `add_body`; a spec patch cannot
change how a client encodes. Delete this module
when the generator takes a media type per call and encodes forms as Django REST framework reads them.

The choice, when the caller passes no `body_content_type`: multipart if the body holds a file,
else JSON if the operation declares it, else the first media type declared for the body's model.
A file in a JSON or form body is refused before any I/O. `add_body`, the endpoints' one call, raises
every refusal as `errors.RequestEncodingError` (a `ValueError` too); `form_encoding` raises plain
`ValueError` so that it stays importable without the package. A form body also gets the paths of
its model's properties that forbid a blank string, from the generated `non_blank_fields.py`.
"""

import secrets
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cekura_client.errors import RequestEncodingError
from cekura_client.form_encoding import encode_form, encode_multipart, is_file
from cekura_client.types import Unset

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


@dataclass(frozen=True, slots=True)
class BodyFormat:
    """One declared request media type: its generated model, and its schema paths with no type.

    `many`: the body is a list of `model`. `json_fields`: see `form_encoding.encode_form`.
    """

    media_type: str
    model: type[Any]
    many: bool = False
    json_fields: tuple[str, ...] = ()

    def accepts(self, body: Any) -> bool:
        if self.many:
            return isinstance(body, list) and all(isinstance(item, self.model) for item in body)
        return isinstance(body, self.model)

    def describe(self) -> str:
        return f"list[{self.model.__name__}]" if self.many else self.model.__name__


def body_formats(
    model: type[Any], *media_types: str, many: bool = False, json_fields: tuple[str, ...] = ()
) -> tuple[BodyFormat, ...]:
    """One `BodyFormat` per media type for one body type: most operations declare one for all three."""
    return tuple(BodyFormat(media_type, model, many, json_fields) for media_type in media_types)


@dataclass(frozen=True, slots=True)
class EncodedBody:
    """httpx keyword arguments (`json`, `data`, `files` or `content`) and the Content-Type to send.

    `content_type` is None for a multipart body with parts: httpx writes the header with the
    boundary it generated for the body.
    """

    arguments: dict[str, Any]
    content_type: str | None


def add_body(
    request: dict[str, Any],
    headers: dict[str, Any],
    body: Any,
    body_content_type: str | None,
    formats: Sequence[BodyFormat],
) -> None:
    """Add the encoded `body` to httpx's `request` arguments and its Content-Type to `headers`.

    An optional body left `UNSET` adds nothing: the request goes without one. A body that cannot be
    sent as asked raises `RequestEncodingError`, before any I/O.
    """
    if isinstance(body, Unset):
        return
    try:
        encoded = encode_body(body, body_content_type, formats)
    except RequestEncodingError:
        raise
    except ValueError as error:
        raise RequestEncodingError(str(error)) from error
    request.update(encoded.arguments)
    if encoded.content_type is not None:
        headers["Content-Type"] = encoded.content_type


def encode_body(body: Any, body_content_type: str | None, formats: Sequence[BodyFormat]) -> EncodedBody:
    """Encode `body` (a generated model, or a list of them) in the chosen declared media type."""
    data = [item.to_dict() for item in body] if isinstance(body, list) else body.to_dict()
    chosen = choose_format(body, data, body_content_type, formats)
    if chosen.media_type == JSON:
        return EncodedBody({"json": data}, JSON)
    non_blank = non_blank_fields(chosen)
    if chosen.media_type == FORM:
        form = encode_form(data, json_fields=chosen.json_fields, non_blank_fields=non_blank)
        return EncodedBody({"data": form} if form else {"content": b""}, FORM)
    parts = encode_multipart(data, json_fields=chosen.json_fields, non_blank_fields=non_blank)
    if parts:
        return EncodedBody({"files": parts}, None)
    # httpx sends an empty `files=` as a urlencoded body: write the empty multipart body here.
    boundary = secrets.token_hex(16)
    return EncodedBody({"content": f"--{boundary}--\r\n".encode()}, f"{MULTIPART}; boundary={boundary}")


def non_blank_fields(body_format: BodyFormat) -> frozenset[str]:
    """The paths of the properties of `body_format`'s model whose schema forbids a blank string.

    From the generated table (`scripts/generate/non_blank_fields.py`), read only for a form body.
    """
    from cekura_client.non_blank_fields import NON_BLANK_FIELDS

    paths = NON_BLANK_FIELDS.get(body_format.model.__name__, frozenset())
    return frozenset(f"[].{path}" for path in paths) if body_format.many else paths


def choose_format(
    body: Any, data: Any, body_content_type: str | None, formats: Sequence[BodyFormat]
) -> BodyFormat:
    """The declared format to send `body` in; `ValueError` when the choice cannot carry it."""
    declared = ", ".join(repr(f.media_type) for f in formats)
    if body_content_type is not None:
        chosen = next((f for f in formats if f.media_type == body_content_type), None)
        if chosen is None:
            raise ValueError(
                f"body_content_type={body_content_type!r} is not declared by this operation; "
                f"use one of {declared}"
            )
        if not chosen.accepts(body):
            raise ValueError(
                f"a {body_content_type} body is a {chosen.describe()}, got {type(body).__name__}"
            )
    else:
        candidates = [f for f in formats if f.accepts(body)]
        if not candidates:
            takes = " or ".join(sorted({f.describe() for f in formats}))
            raise ValueError(f"the body is a {type(body).__name__}; this operation takes a {takes}")
        by_type = {f.media_type: f for f in candidates}
        chosen = by_type.get(JSON, candidates[0])
        if find_file(data) is not None and MULTIPART in by_type:
            chosen = by_type[MULTIPART]
    file_path = find_file(data) if chosen.media_type != MULTIPART else None
    if file_path is not None:
        can_multipart = any(f.media_type == MULTIPART for f in formats)
        advice = (
            'send it with body_content_type="multipart/form-data"'
            if can_multipart
            else ("this operation takes no file")
        )
        raise ValueError(f"{file_path}: a file cannot be sent as {chosen.media_type}; {advice}")
    return chosen


def find_file(data: Any) -> str | None:
    """The path (`a.b[0]`) of the first file in a JSON-like body, or None."""
    return next(_file_paths(data, ""), None)


def _file_paths(value: Any, path: str) -> Iterator[str]:
    if is_file(value):
        yield path or "body"
    elif isinstance(value, Mapping):
        for name, item in value.items():
            yield from _file_paths(item, f"{path}.{name}" if path else str(name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _file_paths(item, f"{path}[{index}]")
