"""What the endpoint and model templates print, decided in Python from the generator's parsed objects.

openapi-python-client keeps its decisions in `parser/` and hands its templates parsed objects to
format. The project's own decisions about an endpoint (which models and media types a body has,
which of its schema paths the form encoders send as JSON text, whether `_get_kwargs` needs
`request_url`, how each documented status is parsed, what `sync` returns, whether the operation
warns as deprecated, which docstring entries say more than the signature, how a module imports
the models) are made here, where they can be read and tested, rather than in Jinja macros that
walk the parser's internals. `scripts/generate/generator_entry.py` registers `template_globals`
in the generator's Jinja environment; `templates/endpoint_module.py.jinja`,
`endpoint_macros.py.jinja` and `model.py.jinja` print what these functions return.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.bodies import Body
from openapi_python_client.parser.openapi import Endpoint
from openapi_python_client.parser.properties import EnumProperty, LiteralEnumProperty, ModelProperty
from openapi_python_client.parser.properties.const import ConstProperty
from openapi_python_client.parser.properties.datetime import DateTimeProperty
from openapi_python_client.parser.properties.list_property import ListProperty
from openapi_python_client.parser.properties.protocol import PropertyProtocol
from openapi_python_client.parser.properties.union import UnionProperty
from openapi_python_client.parser.responses import JSON_SOURCE, NONE_SOURCE, Response
from openapi_python_client.strings import in_double_quote_literal, safe_for_docstring

# A union of several of these is still one typed field for DRF: the generator splits one enum
# with "" and null into an enum, a literal and a const.
CHOICES = (EnumProperty, LiteralEnumProperty, ConstProperty)


def type_string(prop: PropertyProtocol) -> str:
    """The property's Python type without `| Unset`, as the templates print it."""
    return prop.get_type_string(no_optional=True).as_unembedded_code()


@dataclass(frozen=True)
class BodyFormat:
    """One `request_body.body_formats(...)` call: a body model and the media types that send it."""

    model: str
    media_types: tuple[str, ...]
    many: bool
    json_fields: tuple[str, ...]

    @property
    def expression(self) -> str:
        """The call as Python source, each string escaped for a double-quoted literal."""
        arguments = [self.model, *(f'"{in_double_quote_literal(media)}"' for media in self.media_types)]
        if self.many:
            arguments.append("many=True")
        if self.json_fields:
            fields = ", ".join(f'"{field}"' for field in self.json_fields)
            arguments.append(f"json_fields=({fields}{',' if len(self.json_fields) == 1 else ''})")
        return f"body_formats({', '.join(arguments)})"


@dataclass(frozen=True)
class ResponseParser:
    """How the `_PARSERS` table of `response_body.build_response` reads one documented status.

    `parser` is a model's `from_dict`, `None` (no body to parse), `_parse_<status>` or
    `FromResponse(_parse_<status>)`. The two last are functions the template writes with the
    generator's own property templates (a list, a union, a file or text body), taking `argument`:
    the decoded JSON (`data`) or the whole response.
    """

    response: Response
    status: str
    parser: str
    argument: str | None = None

    @property
    def key(self) -> str:
        """The status as a key of `_PARSERS`: `200`, or a quoted pattern (`"4XX"`, `"default"`)."""
        return self.status if self.status.isdigit() else f'"{self.status}"'

    @property
    def source(self) -> str | None:
        """The expression `_parse_<status>` reads the body from, when not the generator's own."""
        return "data" if self.argument == "data: Any" else None


class TemplateData:
    """The per-endpoint data of one generator run; `models` is the run's parsed models by class name."""

    def __init__(self, models: Iterable[ModelProperty]) -> None:
        # The first model of each name, as the generator resolves a name. A body's or a field's
        # ModelProperty is a copy made before the models got their properties: look them up here.
        self.models: dict[str, ModelProperty] = {}
        for model in models:
            self.models.setdefault(model.class_info.name, model)

    def body_formats(self, endpoint: Endpoint) -> list[BodyFormat]:
        """One format per run of declared media types that share a body model, in declaration order."""
        runs: list[tuple[Body, ModelProperty, bool, list[str]]] = []
        for body in endpoint.bodies:
            many = isinstance(body.prop, ListProperty)
            model = body.prop.inner_property if isinstance(body.prop, ListProperty) else body.prop
            if not isinstance(model, ModelProperty):
                raise ValueError(
                    f"{endpoint.name}: the {body.content_type.get_untrusted_value()} body is not an object "
                    "(or a list of objects); request_body encodes only models: declare an object schema"
                )
            if runs and runs[-1][1].class_info.name == model.class_info.name and runs[-1][2] == many:
                runs[-1][3].append(body.content_type.get_untrusted_value())
            else:
                runs.append((body, model, many, [body.content_type.get_untrusted_value()]))
        return [
            BodyFormat(
                model=model.class_info.name,
                media_types=tuple(media_types),
                many=many,
                json_fields=tuple(sorted(set(self.untyped_paths(body.prop)) - {""}, key=_case_blind)),
            )
            for body, model, many, media_types in runs
        ]

    def untyped_paths(self, prop: PropertyProtocol, path: str = "", seen: tuple[str, ...] = ()) -> list[str]:
        """The schema paths below `prop` that the form encoders send as JSON text.

        A path has no type, or a union of several types (DRF has no union field: such a field reads
        JSON). The syntax is form_encoding's: `a.b`, `a[]`, `a.*` (the values of a free-form
        object), each name escaped for a double-quoted literal. Models already on the path are not
        entered again.
        """
        if isinstance(prop, ListProperty):
            return self.untyped_paths(prop.inner_property, f"{path}[]", seen)
        if isinstance(prop, UnionProperty):
            typed = [inner for inner in prop.inner_properties if type_string(inner) != "None"]
            choices = [inner for inner in typed if isinstance(inner, CHOICES)]
            if len(typed) > 1 and len(choices) < len(typed):
                return [path]
            return [
                found for inner in prop.inner_properties for found in self.untyped_paths(inner, path, seen)
            ]
        if isinstance(prop, ModelProperty):
            return self._model_paths(prop.class_info.name, path, seen)
        return [path] if type_string(prop) == "Any" else []

    def _model_paths(self, name: str, path: str, seen: tuple[str, ...]) -> list[str]:
        if name in seen:
            return []
        model = self.models[name]
        fields = [*(model.required_properties or []), *(model.optional_properties or [])]
        found = []
        extra = model.additional_properties
        if not fields and extra is not None and type_string(extra) == "Any":
            found.append(f"{path}.*")
        for field in fields:
            key = in_double_quote_literal(field.name)
            found += self.untyped_paths(field, f"{path}.{key}" if path else key, (*seen, name))
        return found

    @staticmethod
    def body_type(endpoint: Endpoint) -> str:
        """The body argument's type: one union of the distinct body types (one schema often serves
        every media type)."""
        return " | ".join(dict.fromkeys(type_string(body.prop) for body in endpoint.bodies))

    @staticmethod
    def query_encoder(prop: PropertyProtocol) -> str | None:
        """The `request_url` function a query value goes through, None when sent as it is.

        A datetime only with its offset (Django reads a naive one in its own time zone), a list as
        comma-separated values (`style: form, explode: false`, the one array style
        `generate_client.generator_document` lets through), an object as one JSON text (declared
        with `content: application/json`).
        """
        if isinstance(prop, DateTimeProperty):
            return "aware_datetime"
        if isinstance(prop, ListProperty):
            return "comma_separated"
        return "json_text" if prop.json_is_dict else None

    @classmethod
    def uses_request_url(cls, endpoint: Endpoint) -> bool:
        """Whether `_get_kwargs` calls `request_url`: for path parameters and encoded query values."""
        return bool(endpoint.path_parameters) or any(map(cls.query_encoder, endpoint.query_parameters))

    @staticmethod
    def parses_bodies(endpoint: Endpoint) -> bool:
        """Whether any documented response has a body type to parse (the generator's `Any` is none)."""
        return bool(endpoint.responses) and endpoint.response_type().as_unembedded_code() != "Any"

    @classmethod
    def response_parsers(cls, endpoint: Endpoint) -> list[ResponseParser]:
        """The parser of each documented status, in the generator's order of responses."""
        parsers = []
        for response in endpoint.responses:
            status = response.status_code.pattern
            reads = response.source["attribute"]
            if not cls.parses_bodies(endpoint) or reads == NONE_SOURCE["attribute"]:
                parsers.append(ResponseParser(response, status, "None"))
            elif (
                isinstance(response.prop, ModelProperty)
                and response.prop.required
                and reads == JSON_SOURCE["attribute"]
            ):
                parsers.append(ResponseParser(response, status, f"{response.prop.class_info.name}.from_dict"))
            elif reads == JSON_SOURCE["attribute"]:
                parsers.append(ResponseParser(response, status, f"_parse_{status}", "data: Any"))
            else:
                parsers.append(
                    ResponseParser(
                        response, status, f"FromResponse(_parse_{status})", "response: httpx.Response"
                    )
                )
        return parsers

    @classmethod
    def success_type(cls, endpoint: Endpoint) -> str:
        """What `sync` and `asyncio` return: the union of the 2xx bodies' types, `None` for no body."""
        types = {
            "None" if parser.parser == "None" else parser.response.prop.get_type_string().as_unembedded_code()
            for parser in cls.response_parsers(endpoint)
            if parser.status.startswith("2")
        }
        return " | ".join(sorted(types, key=_case_blind)) or "None"

    @staticmethod
    def deprecated(endpoint: Endpoint) -> bool:
        """Whether the operation warns: its description opens with `Deprecated:` (the normalizer
        `deprecation_notes` writes it for `deprecated: true`; the parsed endpoint keeps no flag)."""
        return safe_for_docstring(endpoint.description).startswith("Deprecated:")


def described(prop: PropertyProtocol) -> str:
    """A property's docstring entry without its type, which the signature or the annotation shows;
    empty when the generator's entry (`name (type): description Default: ... Example: ...`) says
    nothing more."""
    typed = f"{prop.python_name} ({safe_for_docstring(prop.get_type_string())}):"
    entry = prop.to_docstring()
    if not entry.startswith(typed):
        return entry
    rest = entry[len(typed) :].strip()
    return f"{prop.python_name}: {rest}" if rest else ""


def argument_entries(endpoint: Endpoint) -> list[str]:
    """The `Args:` entries of an endpoint's docstring that say more than its signature, each once."""
    props = [prop for prop in endpoint.list_all_parameters() if prop.python_name != "body"]
    entries = [described(prop) for prop in [*props, *(body.prop for body in endpoint.bodies)]]
    return list(dict.fromkeys(entry for entry in entries if entry))


def grouped_imports(imports: Iterable[str]) -> str:
    """The generator's import lines with every generated model imported in one statement from the
    models package (`from ..models import A, B`: its `__getattr__` loads each model module on first
    access) instead of one statement per model module; other lines stay as they are."""
    package, names, lines = "", [], []
    for line in sorted(imports, key=_case_blind):
        words = line.split(" ")
        if (
            len(words) == 4
            and (words[0], words[2]) == ("from", "import")
            and words[1].startswith(".")
            and ".models." in words[1]
            and words[3][:1].isupper()
        ):
            package = words[1].rsplit(".", 1)[0]
            names.append(words[3])
        else:
            lines.append(line)
    if names:
        lines.append(f"from {package} import {', '.join(dict.fromkeys(names))}")
    return "\n".join(lines)


def _case_blind(text: str) -> tuple[str, str]:
    """Sort key: alphabetical regardless of case, then by case, so the order never depends on input order."""
    return text.lower(), text


def template_globals(openapi: GeneratorData) -> dict[str, Callable[..., Any]]:
    """The functions the templates call, bound to this run's parsed document."""
    data = TemplateData(openapi.models)
    return {
        "body_formats": data.body_formats,
        "body_type": data.body_type,
        "uses_request_url": data.uses_request_url,
        "query_encoder": data.query_encoder,
        "parses_bodies": data.parses_bodies,
        "response_parsers": data.response_parsers,
        "success_type": data.success_type,
        "deprecated": data.deprecated,
        "argument_entries": argument_entries,
        "described": described,
        "grouped_imports": grouped_imports,
    }
