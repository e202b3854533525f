"""Arguments where encodings break, as variants of a drawn call: every profile sends each of them.

Hypothesis's draws rarely meet `..` or a comma, and the quick profile draws twice per operation, so
each operation's first drawn call is sent again with, per edge value, every path (or query)
parameter that the schema lets take it set to it: dot segments, an empty string, a slash, a comma,
reserved and non-ASCII characters, lists of several values (and an empty one), a JSON object with
reserved characters, a negative integer id, a naive datetime.
"""

import datetime
import typing
from collections.abc import Callable, Iterator
from typing import Any

from contract import spec
from contract.arguments import Unconvertible, to_python
from contract.django_reading import json_parameter, python_names
from scripts.mock_server.coercion import json_types
from scripts.mock_server.openapi_index import REQUEST, Operation, Parameter

STRINGS = ("..", ".", "", "a/b", "x,y", "?#[]@!$&'()*+;=% é\u2603")
INTEGER_LISTS: tuple[list[int], ...] = ([1, 22, 333], [])
STRING_LISTS: tuple[list[str], ...] = (["a", "b c", "..", "é&="], ["x,y", "z"], [])
JSON_OBJECTS = (
    {
        "operator": "and",
        "conditions": [{"field": "agents__id", "op": "in", "value": [1, 2]}],
        "q": "&=?#,/..",
    },
)
NAIVE = datetime.datetime(2026, 1, 2, 3, 4, 5)


def edge_variants(
    function: Callable[..., Any], operation: Operation, arguments: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    """`arguments` again with edge values, one variant per location and edge value."""
    hints = typing.get_type_hints(function)
    for location in ("path", "query"):
        parameters = [(p, n) for p, n in python_names(operation) if p.location == location and n in hints]
        columns = [list(_edges(p, hints[n])) for p, n in parameters]
        for row in range(max((len(c) for c in columns), default=0)):
            variant = dict(arguments)
            for (_, name), column in zip(parameters, columns, strict=True):
                if row < len(column):
                    variant[name] = column[row]
            if variant != arguments:
                yield variant


def _edges(parameter: Parameter, annotation: Any) -> Iterator[Any]:
    """The edge values `parameter`'s schema accepts, as the Python values the function takes."""
    index = spec.index()
    types = json_types(index, parameter.schema.node) - {"null"}
    schema = index.resolve(parameter.schema.node)
    if json_parameter(parameter):
        candidates: tuple[Any, ...] = JSON_OBJECTS
    elif types == {"array"}:
        items = json_types(index, schema.get("items", {}))
        candidates = INTEGER_LISTS if items <= {"integer", "number"} else STRING_LISTS
    elif types == {"string"} and schema.get("format") == "date-time":
        yield NAIVE
        return
    elif types == {"string"}:
        candidates = STRINGS
    elif types == {"integer"} and parameter.location == "path":
        candidates = (-7,)
    else:
        return
    for value in candidates:
        if index.errors(parameter.schema, value, direction=REQUEST):
            continue
        try:
            yield to_python(value, annotation)
        except (Unconvertible, ValueError, KeyError, TypeError):
            continue
