"""Plain data in: a body given as a mapping becomes its model; a path or named bytes, a `File`.

Why this exists: the generated functions take model instances only (`Model.from_dict(payload)`),
and `from_dict` reads a file field as raw bytes with no name. The resource methods of `Cekura()`
pass every body through `as_body`. A spec patch cannot change what a function accepts. Delete this
module when the generator accepts mappings for bodies.
"""

import os
import re
from collections.abc import Mapping
from io import BytesIO
from pathlib import Path
from typing import IO, Any, Protocol, Self, TypeVar

import attrs

from cekura_client.errors import RequestEncodingError
from cekura_client.types import File

FileLike = File | str | os.PathLike[str] | tuple[str, bytes] | IO[bytes]
"""What a file field accepts: a `File`, a path, `(file name, bytes)`, or an open binary file."""


class _FromDict(Protocol):
    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self: ...


ModelT = TypeVar("ModelT", bound=_FromDict)


def as_body(body: ModelT | Mapping[str, Any] | Any, model: type[ModelT]) -> Any:
    """`body` itself, unless it is a mapping: then `model.from_dict(body)`, its file fields made `File`s.

    A value `from_dict` refuses raises `RequestEncodingError` naming the model, before any I/O.
    """
    if not isinstance(body, Mapping):
        return body
    file_fields = _file_fields(model)
    plain = {key: (b"" if key in file_fields else value) for key, value in body.items()}
    try:
        built = model.from_dict(plain)
    except (KeyError, TypeError, ValueError) as error:
        raise RequestEncodingError(
            f"the body does not fit {model.__name__} ({type(error).__name__}: {error}); "
            f"check it against {model.__name__}'s fields"
        ) from None
    for key in file_fields & body.keys():
        setattr(built, key, as_file(body[key], key))
    return built


def as_file(value: Any, field: str = "file") -> File:
    """A `File` from a `File`, a path, `(file name, bytes)` or an open binary file."""
    if isinstance(value, File):
        return value
    if isinstance(value, str | os.PathLike):
        return File.from_path(value)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], bytes | bytearray):
        return File(payload=BytesIO(bytes(value[1])), file_name=str(value[0]))
    if hasattr(value, "read"):
        name = getattr(value, "name", None)
        return File(payload=value, file_name=Path(name).name if isinstance(name, str) else None)
    raise RequestEncodingError(
        f"{field}: a file must be a File, a path, (file name, bytes) or an open binary file, "
        f"not {type(value).__name__}"
    )


def _file_fields(model: type[Any]) -> set[str]:
    """The model's fields typed `File` (attrs keeps the annotation as written)."""
    if not attrs.has(model):
        return set()
    return {f.name for f in attrs.fields(model) if re.search(r"\bFile\b", str(f.type))}
