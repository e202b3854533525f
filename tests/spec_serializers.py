"""Django REST framework serializers built from the patched document's request schemas.

The Cekura backend is DRF, and its document was produced from its serializers (drf-spectacular); this
module maps each schema back to the DRF field that produces it, so a test server reads bodies with
the same HTML-input rules the real one does, for every operation, without a serializer written per
operation. The mapping (drf-spectacular's, read backwards):

- object with properties: a nested `Serializer`; `required` as listed; read-only properties left out;
- object without properties: `DictField` (its values typed by `additionalProperties` when they have
  a type);
- no type (`{}`), and unions of several types: `JSONField`;
- `type: [X, "null"]` or `oneOf: [X, {type: null}]`: the field of X with `allow_null`;
- `enum`: `ChoiceField` (`MultipleChoiceField` is not used: the schema does not tell it apart from a
  `ListField` of choices);
- string: `DateTimeField`, `DateField`, `UUIDField`, `FileField` (format `binary`) or `CharField`,
  which allows blank strings unless `minLength` is at least 1 (drf-spectacular's mark of
  `allow_blank=False`; a larger `minLength` is also its `min_length`);
- integer, number, boolean: `IntegerField`, `FloatField`, `BooleanField`; `default` as declared;
- array: `ListField` of the item field, or a nested serializer with `many=True` for objects.

Schemas are resolved with their `$ref`s; a model already being built (a cycle) becomes a
`JSONField` at the inner level.
"""

from typing import Any

from drf_server import serializer
from rest_framework import serializers

from scripts.core.openapi_document import resolve

Schema = dict[str, Any]
_SCALARS: dict[str, Any] = {
    "integer": serializers.IntegerField,
    "number": serializers.FloatField,
    "boolean": serializers.BooleanField,
}
_STRING_FORMATS: dict[str, Any] = {
    "date-time": serializers.DateTimeField,
    "date": serializers.DateField,
    "uuid": serializers.UUIDField,
    "binary": serializers.FileField,
}


class SerializerFactory:
    """Builds serializer classes for the component schemas of one document, each at most once."""

    def __init__(self, document: Schema) -> None:
        self._document = document
        self._components: dict[str, Schema] = document["components"]["schemas"]
        self._built: dict[str, Any] = {}
        self._building: set[str] = set()

    def body_serializer(self, schema: Schema) -> tuple[Any, bool]:
        """The serializer class for a request body schema, and whether the body is a list of them."""
        many = schema.get("type") == "array"
        item = schema["items"] if many else schema
        name = _ref_name(item)
        return (self.model(name) if name else self._serializer("Body", item)), many

    def model(self, name: str) -> Any:
        if name not in self._built:
            self._building.add(name)
            self._built[name] = self._serializer(name, self._components[name])
            self._building.discard(name)
        return self._built[name]

    def _serializer(self, name: str, schema: Schema) -> Any:
        required = set(schema.get("required", ()))
        fields = {
            key: self.field(value, required=key in required)
            for key, value in schema.get("properties", {}).items()
            if not (value.get("readOnly") or self._resolve(value).get("readOnly"))
        }
        return serializer(name, **fields)

    def field(self, schema: Schema, *, required: bool = False, many: bool = False) -> Any:
        """The DRF field that drf-spectacular describes as `schema`."""
        schema, nullable = self._unwrap(schema)
        name = _ref_name(schema)
        if name and "properties" not in self._components[name]:  # an enum or a scalar: inline it
            siblings = {key: value for key, value in schema.items() if key != "$ref"}
            schema, name = {**self._components[name], **siblings}, None
        options: dict[str, Any] = {"required": required}
        if nullable:
            options["allow_null"] = True
        if "default" in schema and not required:
            options["default"] = schema["default"]
        if name and name in self._building:
            return serializers.JSONField(**options)
        if name:
            return self.model(name)(many=many, **options)
        if "enum" in schema:
            choices = [value for value in schema["enum"] if value is not None]
            blank = "" in choices
            return serializers.ChoiceField(choices=choices, allow_blank=blank, **options)
        kind = schema.get("type")
        if kind == "string":
            field_class = _STRING_FORMATS.get(schema.get("format", ""), serializers.CharField)
            if field_class is serializers.CharField:
                minimum = schema.get("minLength", 0)
                options["allow_blank"] = minimum < 1
                if minimum > 1:
                    options["min_length"] = minimum
            return field_class(**options)
        if kind in _SCALARS:
            return _SCALARS[kind](**options)
        if kind == "array":
            items = schema.get("items", {})
            item_model = _ref_name(items)
            if item_model and "properties" in self._components[item_model]:
                return self.field(items, many=True, required=required)
            return serializers.ListField(child=self.field(items, required=True), **options)
        if kind == "object" and "properties" in schema:
            return self._serializer("Nested", schema)(many=many, **options)
        if kind == "object":
            values = schema.get("additionalProperties")
            if isinstance(values, dict) and self._unwrap(values)[0].get("type"):
                return serializers.DictField(child=self.field(values, required=True), **options)
            return serializers.DictField(**options)
        return serializers.JSONField(**options)

    def _unwrap(self, schema: Schema) -> tuple[Schema, bool]:
        """The schema without its null alternative (and single-`$ref` allOf), and whether it is nullable."""
        if "allOf" in schema and len(schema["allOf"]) == 1:
            schema = {**{k: v for k, v in schema.items() if k != "allOf"}, **schema["allOf"][0]}
        for keyword in ("oneOf", "anyOf"):
            options = schema.get(keyword)
            if options:
                others = [option for option in options if option.get("type") != "null"]
                nullable = len(others) < len(options)
                return (others[0], nullable) if len(others) == 1 else ({}, nullable)
        kind = schema.get("type")
        if isinstance(kind, list):
            others = [k for k in kind if k != "null"]
            rest = {**schema, "type": others[0] if len(others) == 1 else None}
            return ({k: v for k, v in rest.items() if v is not None}, "null" in kind)
        return schema, False

    def _resolve(self, schema: Schema) -> Schema:
        inner = self._unwrap(schema)[0]
        resolved: Schema = resolve(self._document, inner) if _ref_name(inner) else schema
        return resolved


def _ref_name(schema: Schema) -> str | None:
    reference = schema.get("$ref")
    return reference.rsplit("/", 1)[-1] if isinstance(reference, str) else None
