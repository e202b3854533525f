r"""Encode a JSON request body as a form or multipart body that Django REST framework reads the same.

Why this exists: the Cekura backend (DRF) declares one schema for `application/json`,
`application/x-www-form-urlencoded` and `multipart/form-data`, but FormParser and MultiPartParser
give serializers a QueryDict (flat keys, string values), which serializer fields read with their
own HTML-input rules. The generator's own code sent `to_dict()` as httpx `data=` (an object becomes its
Python repr, None an empty string, [] nothing) and a `to_multipart()` that sent objects as JSON text
parts (the templates no longer generate it): DRF reads these differently or not at all. A spec
patch cannot change how bodies are encoded. Delete this module when the client stops offering form
and multipart bodies.

Use: `httpx.post(url, data=encode_form(body.to_dict(), json_fields=...))`, or
`files=encode_multipart(...)` for multipart. The input
is a JSON-like body, the output of a generated model's `to_dict()` (mappings with string keys,
lists, strings, numbers, booleans, None), where a file is the generated `File` (duck-typed:
`.payload`, `.file_name`, `.mime_type`) or its `to_tuple()`, `(file_name, payload, mime_type)`.
`json_fields` names the schema paths that have no type, or a union of several (see below); they
decide how DRF reads a value, and the body alone cannot tell. `non_blank_fields` names, in the same
syntax, the properties whose schema forbids a blank string (see below).

Rules, each checked against a real DRF server (tests/runtime/test_form_encoding.py), with the DRF code
behind it (`rest_framework/utils/html.py`, `fields.py`, `serializers.py`):

- Scalars: strings as they are, numbers as their JSON text, booleans as `true`/`false`
  (`BooleanField.TRUE_VALUES`/`FALSE_VALUES`).
- Nested object: dotted keys, `obj.key=v`, recursively (`Serializer.get_value` ->
  `parse_html_dict`, which keeps every value of a key).
- List of scalars (or of files): the key repeated, `k=1&k=2` (`ListField.get_value` and
  `MultipleChoiceField.get_value` read `getlist`; the latter ignores indexed keys). Never `k=[1,2]`
  (one string item) nor `k[]=1` (read as absent).
- List of objects: `p[0]key=v`, no dot after the index (`parse_html_list` makes each item a dict of
  the key text after `]`; with a dot, `.key` matches no field).
- Inside a list item, every key is read once, with its last value (`parse_html_list` iterates
  `.items()`), so a list there is sent by index only: `p[0]k[0]=a&p[0]k[1]=b`, also below
  nested objects (`p[0]obj.k[0]=a`). A list of lists is indexed too: `m[0][0]=1` (`ListField`
  runs `parse_html_list` again on each item).
- Top-level list body (`many=True`): `[0]key=v` (`ListSerializer.to_internal_value` runs
  `parse_html_list` on the whole form).
- JSON-valued field (no type in the schema, or a union of several types: DRF has no union field,
  so such a field is a `JSONField` or reads JSON like one): its JSON text, `meta={"a":[1]}`
  (`JSONField.get_value` marks form input as a JSON string and `to_internal_value` parses it),
  `null` included. Name such fields in `json_fields`.
- Untyped list items (`ListField()` or `ListField(child=JSONField())`, schema `items: {}`) and
  values of a free-form object (`DictField()`, schema `additionalProperties: {}`) are read back as
  the strings sent (no JSON parsing: `_UnvalidatedField`, `DictField.to_internal_value` takes
  `.dict()`), so only string values can be sent there; name them in `json_fields` as `k[]` and
  `obj.*`.
- Files: multipart parts with a file name and content type; text fields are parts without a file
  name. Django reads a part as a file only if it has a file name (`parse_boundary_stream`), keeps
  only its base name and drops a part named `.` or `..` (`MultiPartParser.sanitize_file_name`).

What a form cannot say, so the encoder raises `ValueError` naming the field (dotted path, list
indexes in brackets) and suggesting `body_content_type="application/json"`:

- an empty list: no key reads as absent (`parse_html_list(..., default=empty)`), and `k=` is the
  list `[""]`;
- `{}` for an object: no key reads as absent (`parse_html_dict(..., default=empty)`); a nested
  serializer reads `obj=` as absent too (`DictField` reads it as `{}` since DRF 3.18 only);
- `null`, except in `json_fields`: `k=` is null only for a nullable field that does not allow
  blank strings (`Field.get_value`), absent or `""` otherwise; the schema does not say which;
- a property name that is empty or holds `.`, `[` or `]`, at any depth, extra keys
  (`additional_properties`) included: `parse_html_dict` splits `obj.a.b` at the first dot after
  the prefix, `parse_html_list` reads `p[0]x.y` as field `x` of a nested object and `p[0]` (an
  empty name after the index) as the item itself. A free-form object's keys (`obj.*`, read whole
  by `DictField` after `obj.`) may hold them, only not be empty;
- a file in an urlencoded body, or a file without a usable file name; a file name or content type
  holding CR, LF or NUL (it would end the part's header line: Django then reads another field);
- a property name holding a control character (`parse_html_dict`'s pattern `^obj\.(.+)$` stops
  at a line break, so the key is dropped); in multipart, also a part name (the form key) or file
  name holding `"`: httpx writes it percent-encoded (`%22`, HTML5 form encoding) and Django reads
  the encoded text; a file name that holds a character that is not printable or an HTML character
  reference (Django's `sanitize_file_name` removes the one and unescapes the other);
- more than Django's limits, which it answers with a bare 400 page before DRF sees the body (see
  the constants below): more than 1,000 fields in a form or 1,000 text parts in multipart, an
  urlencoded body (or multipart text parts) over 2.5 MiB, or more than 100 files;
- a non-string untyped list item or free-form object value (see above);
- `""` for a property named in `non_blank_fields` (schema `minLength` >= 1, drf-spectacular's mark
  of a `CharField` without `allow_blank`): DRF refuses it from JSON ("This field may not be
  blank."), but `Field.get_value` reads an empty form value as null for a nullable field and as
  absent for an optional one, also in nested objects and list items (`parse_html_dict` and
  `parse_html_list` make dicts DRF reads as form input). The message says to leave the field
  unset (what a form made of it for an optional field) or to send JSON. A whitespace-only string
  is sent: DRF refuses it from a form as from JSON (`CharField.run_validation` trims before its
  blank check), and a field with `trim_whitespace=False` accepts it; so is a blank string item of
  a list, which `ListField` validates as it is, from a form as from JSON.

What remains different, not detectable here:

- DRF reads an omitted boolean in a form body (not PATCH) as `false`, or as its declared default,
  or as `null` when nullable (`BooleanField.default_empty_html`), and an omitted multiple-choice
  list as `[]` (`MultipleChoiceField.get_value`); in JSON both are absent, and a declared default
  applies in both. The models leave schema defaults unset (the server applies its own), so a
  boolean without a default reads as `false` from a form, absent from JSON: set it where it matters.
- A multiple-choice list (`MultipleChoiceField`, schema: array of enum) inside a list item reads
  as `[]`: it reads only repeated keys (`getlist`), and there only the last one survives, so the
  encoder's indexed keys (right for `ListField`, which the schema does not tell apart) are unseen.
- `json_fields` must name every untyped field: an unnamed one is sent as dotted keys, which
  `JSONField` reads as absent.
- Before DRF 3.18 (read in its source, not tested): a PATCH body drops a list sent by index
  (`ListField.get_value` returns `empty` when the bare name is absent), so lists inside list items
  and lists of lists; and an omitted `DictField` reads as `{}` in any form body.
"""

import html
import json
import math
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any, TypeAlias
from urllib.parse import urlencode

FileContent: TypeAlias = bytes | IO[bytes]
MultipartPart: TypeAlias = tuple[str | None, str | FileContent, str | None]
"""`(file_name, content, content_type)`, as httpx takes in `files=`; text fields have no file name."""
FormData: TypeAlias = dict[str, list[str]]
MultipartFiles: TypeAlias = list[tuple[str, MultipartPart]]
_Pair: TypeAlias = tuple[str, str, str | MultipartPart]  # form key, field path, text or file part

# Django's defaults (`django/conf/global_settings.py`), which the backend is taken to keep:
DJANGO_MAX_FIELDS = 1000
"""`DATA_UPLOAD_MAX_NUMBER_FIELDS`: keys of an urlencoded body, text parts of a multipart one."""
DJANGO_MAX_FORM_BYTES = 2_621_440
"""`DATA_UPLOAD_MAX_MEMORY_SIZE` (2.5 MiB): an urlencoded body, or a multipart body's text parts
(each counted as its name, its value and 2 bytes, as `MultiPartParser` does); files do not count."""
DJANGO_MAX_FILES = 100
"""`DATA_UPLOAD_MAX_NUMBER_FILES`: file parts of a multipart body."""
_HEADER_BREAKS = frozenset("\r\n\x00")
"""Characters that would end a multipart part's header line early (header injection)."""
_REWRITTEN_IN_PARTS = frozenset('"') | frozenset(chr(c) for c in range(0x20) if c != 0x1B)
"""Characters httpx percent-encodes in a part's name or file name (HTML5 form encoding: `"` as `%22`,
control characters as `%0A`...), which Django's `MultiPartParser` reads as written, not decoded."""
_NESTING = frozenset(".[]")
"""Characters DRF's `parse_html_dict`/`parse_html_list` read as nesting in a form key."""
_USE_JSON = 'send the body with body_content_type="application/json"'


def encode_form(
    data: Mapping[str, Any] | list[Any],
    *,
    json_fields: Collection[str] = (),
    non_blank_fields: Collection[str] = (),
) -> FormData:
    """The `data=` argument for httpx that sends `data` as application/x-www-form-urlencoded.

    `json_fields`: the schema paths with no type, `obj.key` for a property, `obj.key[]` for the
    items of an array, `obj.*` for the values of a free-form object (`[]` stands for any index).
    `non_blank_fields`: the paths of the properties whose schema forbids a blank string.
    """
    form: FormData = {}
    pairs: list[tuple[str, str]] = []
    for key, path, value in _flatten(data, frozenset(json_fields), frozenset(non_blank_fields)):
        if not isinstance(value, str):
            raise ValueError(f'{path}: a file needs body_content_type="multipart/form-data"')
        form.setdefault(key, []).append(value)
        pairs.append((key, value))
    _check_limit("fields", len(pairs), DJANGO_MAX_FIELDS, "DATA_UPLOAD_MAX_NUMBER_FIELDS")
    size = len(urlencode(pairs).encode("utf-8"))
    _check_limit("bytes", size, DJANGO_MAX_FORM_BYTES, "DATA_UPLOAD_MAX_MEMORY_SIZE")
    return form


def encode_multipart(
    data: Mapping[str, Any] | list[Any],
    *,
    json_fields: Collection[str] = (),
    non_blank_fields: Collection[str] = (),
) -> MultipartFiles:
    """The `files=` argument for httpx that sends `data` as multipart/form-data.

    Text fields are parts too, without a file name, so httpx sends multipart even when there is no
    file (with `files=` empty it sends urlencoded). `json_fields` and `non_blank_fields` as for
    `encode_form`.
    """
    parts: MultipartFiles = []
    text_parts = text_bytes = files = 0
    for key, path, value in _flatten(data, frozenset(json_fields), frozenset(non_blank_fields)):
        if _REWRITTEN_IN_PARTS.intersection(key):
            raise ValueError(
                f"{_printable(path)}: a multipart part cannot be named {key!r}: httpx percent-encodes "
                f"'\"' and control characters in part names and Django reads them encoded; {_USE_JSON}"
            )
        if isinstance(value, str):
            text_parts += 1
            text_bytes += len(key.encode("utf-8")) + len(value.encode("utf-8")) + 2
            parts.append((key, (None, value, None)))
        else:
            files += 1
            parts.append((key, value))
    _check_limit("text parts", text_parts, DJANGO_MAX_FIELDS, "DATA_UPLOAD_MAX_NUMBER_FIELDS")
    _check_limit("bytes of text parts", text_bytes, DJANGO_MAX_FORM_BYTES, "DATA_UPLOAD_MAX_MEMORY_SIZE")
    _check_limit("files", files, DJANGO_MAX_FILES, "DATA_UPLOAD_MAX_NUMBER_FILES", "send fewer per request")
    return parts


def _check_limit(what: str, count: int, limit: int, setting: str, advice: str = _USE_JSON) -> None:
    if count > limit:
        raise ValueError(
            f"body: {count:,} {what} is more than the server reads ({limit:,}, Django's {setting}); {advice}"
        )


@dataclass(frozen=True)
class _Place:
    """Where a value sits: its form `key`, its `path` for messages, its `schema` path."""

    key: str
    path: str
    schema: str
    in_item: bool = False  # below a list index, where DRF reads each key once
    is_item: bool = False  # a list item itself: object keys follow the index without a dot

    def field(self, name: str, json_fields: frozenset[str]) -> "_Place":
        """The place of key `name` of the object here; a free-form object's values share `obj.*`."""
        separator = "" if self.is_item or not self.key else "."
        free_form = f"{self.schema}.*"
        named = f"{self.schema}.{name}" if self.schema else name
        _check_name(name, self.path, free_form=free_form in json_fields)
        return _Place(
            key=self.key + separator + name,
            path=f"{self.path}.{name}" if self.path else name,
            schema=free_form if free_form in json_fields else named,
            in_item=self.in_item,
        )

    def item(self, index: int, *, repeated: bool) -> "_Place":
        """The place of item `index` of the list here, sent under the list's key when `repeated`."""
        return _Place(
            key=self.key if repeated else f"{self.key}[{index}]",
            path=f"{self.path}[{index}]",
            schema=f"{self.schema}[]",
            in_item=not repeated,
            is_item=not repeated,
        )


def _check_name(name: str, parent_path: str, *, free_form: bool) -> None:
    """Refuse a property name that a form key cannot carry as one name (see the module docstring)."""
    where = f"{_printable(parent_path)}: " if parent_path else "body: "
    if not name.isprintable():
        raise ValueError(
            f"{where}a form cannot carry the property name {name!r}: DRF's nested-field patterns "
            f"stop at a line break, so the key is dropped; {_USE_JSON}"
        )
    if name and (free_form or not _NESTING.intersection(name)):
        return
    raise ValueError(
        f"{where}a form cannot carry the property name {name!r} as its own key (DRF reads "
        f"'.', '[' and ']' in a key as nesting, and an empty name as no name); {_USE_JSON}"
    )


def _flatten(
    data: Mapping[str, Any] | list[Any], json_fields: frozenset[str], non_blank: frozenset[str]
) -> Iterator[_Pair]:
    """(form key, field path, text or file part) for every value in `data`, in order."""
    if isinstance(data, Mapping):  # an empty body is fine: it sends no field, as JSON `{}` does
        root = _Place(key="", path="", schema="")
        for name, value in data.items():
            yield from _encode(value, root.field(str(name), json_fields), json_fields, non_blank)
    else:
        yield from _encode(data, _Place(key="", path="", schema=""), json_fields, non_blank)


def _encode(
    value: Any, place: _Place, json_fields: frozenset[str], non_blank: frozenset[str]
) -> Iterator[_Pair]:
    path = place.path or "body"
    if place.schema in json_fields:
        if not place.schema.endswith(("[]", ".*")):
            yield place.key, path, _json_text(value, path)
        elif isinstance(value, str):
            yield place.key, path, value
        else:
            raise ValueError(
                f"{path}: DRF reads an untyped list item or free-form object value in a form as the "
                f"string sent, not {_kind(value)}; {_USE_JSON}"
            )
    elif value is None:
        raise ValueError(
            f"{path}: a form cannot say null (DRF reads an empty value as null, blank or absent); {_USE_JSON}"
        )
    elif is_file(value):
        yield place.key, path, _file_part(value, path)
    elif isinstance(value, Mapping):
        if not value:
            raise ValueError(
                f"{path}: a form cannot say {{}} (DRF reads an object with no keys as absent); {_USE_JSON}"
            )
        for name, item in value.items():
            yield from _encode(item, place.field(str(name), json_fields), json_fields, non_blank)
    elif isinstance(value, list):
        if not value:
            raise ValueError(
                f"{path}: a form cannot say [] (DRF reads a list with no keys as absent); {_USE_JSON}"
            )
        repeated = bool(place.key) and not place.in_item and all(_is_scalar(item) for item in value)
        for index, item in enumerate(value):
            yield from _encode(item, place.item(index, repeated=repeated), json_fields, non_blank)
    elif value == "" and place.schema in non_blank:
        raise ValueError(
            f'{path}: this field may not be blank, and DRF reads "" in a form as absent or null '
            f"(JSON's is refused); leave the field unset, or {_USE_JSON}"
        )
    else:
        yield place.key, path, _scalar_text(value, path)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) or is_file(value)


def _scalar_text(value: Any, path: str) -> str:
    """Plain text for DRF's fields, also for str/int Enum members (whose str() is their name)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{path}: {value} is not a JSON number")
        return float.__repr__(value)
    if isinstance(value, str):
        return str.__str__(value)
    raise ValueError(f"{path}: a form cannot carry a {_kind(value)}, only JSON-like data and files")


def _json_text(value: Any, path: str) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{path}: not JSON-serialisable for a JSON-valued field: {error}") from None


def is_file(value: Any) -> bool:
    """Whether `value` is a file: the generated `File` (duck-typed) or its `to_tuple()`.

    JSON-like data has no tuples, so any tuple is a file.
    """
    return isinstance(value, tuple) or (hasattr(value, "payload") and hasattr(value, "file_name"))


def _file_part(value: Any, path: str) -> MultipartPart:
    if isinstance(value, tuple):
        if len(value) != 3:
            raise ValueError(
                f"{path}: a file tuple is (file_name, payload, mime_type), got {len(value)} items"
            )
        file_name, payload, mime_type = value
    else:
        file_name, payload, mime_type = value.file_name, value.payload, getattr(value, "mime_type", None)
    base_name = str(file_name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if base_name in {"", ".", ".."}:
        raise ValueError(
            f"{path}: a file needs a file name (Django reads a part without one as text, "
            f"and drops one named '.' or '..'), got {file_name!r}"
        )
    if not isinstance(payload, bytes) and not hasattr(payload, "read"):
        raise ValueError(f"{path}: a file payload is bytes or a binary file object, not {_kind(payload)}")
    if mime_type is not None and not isinstance(mime_type, str):
        raise ValueError(f"{path}: a file's mime_type is a string or None, not {_kind(mime_type)}")
    for label, text in (("file name", str(file_name)), ("mime_type", mime_type or "")):
        if _HEADER_BREAKS.intersection(text):
            raise ValueError(
                f"{path}: the {label} {text!r} holds CR, LF or NUL, which would end the part's header "
                "early; remove them"
            )
    if _REWRITTEN_IN_PARTS.intersection(str(file_name)):
        raise ValueError(
            f"{path}: the file name {file_name!r} holds '\"' or a control character, which httpx "
            "percent-encodes and Django reads encoded; rename the file"
        )
    if not str(file_name).isprintable():
        raise ValueError(
            f"{path}: the file name {file_name!r} holds a character that is not printable, which "
            "Django removes from the name; rename the file"
        )
    if html.unescape(str(file_name)) != str(file_name):
        raise ValueError(
            f"{path}: the file name {file_name!r} holds an HTML character reference, which Django "
            "reads decoded ('&amp;' as '&'); rename the file"
        )
    return str(file_name), payload, mime_type


def _printable(path: str) -> str:
    """`path` with control characters escaped (`\\n`), so a message stays on one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in path)


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__
