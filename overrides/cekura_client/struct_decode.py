"""Decode a JSON body straight into a model, in C, when the body has exactly the schema's keys.

Why this exists: a model's `from_dict` copies each object's dict and pops its keys in Python,
about 3 us per 22-property item, which made a 1,000-item page cost 1.4x `json.loads`. Here
msgspec decodes the body into one struct per object (`gc=False`: the collector never walks them),
checking in C that each object has its required keys and no key the schema does not list; the
model's generated `_from_struct` then builds the attrs models from the struct's attributes, with
the same construct code as `from_dict` (datetimes, enums, unions, nested models). On the
1,000-item bench page the client's parse takes 0.54-0.58x `json.loads`, against 1.03-1.16x
through `from_dict` (`nox -s bench`, "Parsing", two runs).

Every other body goes to `from_dict`, so nothing changes for a caller:

- a key the schema does not list (kept in `additional_properties` by `from_dict`), a missing
  required key, or an object where the schema has a nested model: msgspec refuses the body;
- a model with a recursive schema, or whose extra keys are themselves models: no struct is built;
- a construct error (a malformed datetime): `from_dict` runs and raises the usual error.

A body that falls back costs one extra decode, so the model is then parsed by `from_dict` for the
rest of the process: an API that sends keys the schema lacks pays that once per model.

msgspec's decoding into attrs classes was weighed and not used: it drops unknown keys silently, it
refuses an enum value the client keeps, and it type-checks every field, refusing responses (an
`int` in a `str` field, a `null` the schema does not allow) that the generated models keep as
sent. Here every non-model value is decoded as `Any`, exactly as `json.loads` gives it.
No library builds attrs models from msgspec structs; delete this module when the generator decodes
models in C with unknown keys kept.
"""

import functools
import importlib
from collections.abc import Callable
from typing import Any

import attrs

from cekura_client.extra_keys import ExtraKeys
from cekura_client.types import UNSET

# Adding to a set is atomic, so concurrent parses need no lock to record a fallback.
_fallen_back: set[type] = set()
# The generated models' package: `cekura_client.models`, or its vendored name.
_MODELS_PACKAGE = __name__.rpartition(".")[0] + ".models"


class _NotDecodable(Exception):
    """The model cannot be described by structs (a recursive schema, or parsed extra keys)."""


def struct_model(parse: Callable[[Any], Any]) -> type | None:
    """The model class whose `from_dict` `parse` is, if `decode_model` may be tried on its bodies.

    None for any other parser, a model without `_from_struct`, or a model `fall_back` named.
    """
    owner = getattr(parse, "__self__", None)
    if not isinstance(owner, type) or getattr(parse, "__name__", None) != "from_dict":
        return None
    if owner in _fallen_back or not hasattr(owner, "_from_struct"):
        return None
    return owner


def decode_model(content: bytes, model: type) -> Any | None:
    """`model.from_dict(json.loads(content))`, decoded in C; None when this body needs `from_dict`.

    None when the model has no struct, msgspec refuses the body, or a construct step raises: the
    caller then parses the body with `from_dict`, which gives the model or raises as it always did.
    """
    decode = _decoder(model)
    if decode is None:
        return None
    try:
        return model._from_struct(decode(content))  # type: ignore[attr-defined]
    except Exception:  # msgspec.ValidationError or DecodeError, or a construct error
        return None


def fall_back(model: type) -> None:
    """Parse `model` with `from_dict` from now on: its last body did not decode as a struct."""
    _fallen_back.add(model)


@functools.cache
def _decoder(model: type) -> Callable[[bytes], Any] | None:
    """msgspec's decoder of `model`'s struct, built once per model; None if it has none."""
    import msgspec

    try:
        struct = _struct(model, {}, frozenset())
    except _NotDecodable:
        return None
    decode: Callable[[bytes], Any] = msgspec.json.Decoder(struct).decode
    return decode


def _struct(model: type, built: dict[type, type], enclosing: frozenset[type]) -> type:
    """The msgspec struct of `model`: its attributes, their JSON keys, nested models as structs."""
    import msgspec

    if model in built:
        return built[model]
    if model in enclosing or not hasattr(model, "_from_struct"):
        raise _NotDecodable(model.__name__)
    models = importlib.import_module(_MODELS_PACKAGE)
    nested: dict[str, tuple[str, bool]] = getattr(model, "_struct_nested", {})
    fields: list[tuple[str, Any] | tuple[str, Any, Any]] = []
    for field in [field for field in attrs.fields(model) if field.init]:  # not additional_properties
        kind: Any = Any
        if field.name in nested:
            class_name, is_list = nested[field.name]
            inner = _struct(getattr(models, class_name), built, enclosing | {model})
            kind = list[inner] if is_list else inner  # type: ignore[valid-type]
        # An optional property defaults to UNSET; any other default is a required property's.
        fields.append((field.name, kind, UNSET) if field.default is UNSET else (field.name, kind))
    struct: type = msgspec.defstruct(
        f"{model.__name__}Struct",
        fields,
        kw_only=True,
        rename=getattr(model, "_struct_renames", None),
        forbid_unknown_fields=issubclass(model, ExtraKeys),
        gc=False,
        module=__name__,
    )
    built[model] = struct
    return struct
