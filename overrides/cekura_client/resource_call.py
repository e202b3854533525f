"""What every generated resource method does: call its endpoint module's `sync` (or `asyncio`).

A method of `resources/<resource>.py` passes its arguments (`locals()`), its operation's dotted
name and the model of each body or model parameter; this module imports the endpoint module on
first use, turns a mapping given for such a parameter into its model (`plain_data.as_body`) and
calls the function with the resource's client (a deprecated operation's function warns, at the
caller's line). Why here and not in each method: 817 methods, sync and async, would each spell
out the call (about half a megabyte of the package). Not a spec patch: the generator makes no
resource classes. Delete with the resource tree when it does.
"""

from collections.abc import Mapping
from importlib import import_module
from types import ModuleType
from typing import Any

from cekura_client.plain_data import as_body

_PACKAGE = __name__.rpartition(".")[0]  # `cekura_client`, or the vendored name


def call(arguments: dict[str, Any], operation: str, models: Mapping[str, str] | None = None) -> Any:
    """`api.<operation>.sync(**arguments)` with the client of `arguments["self"]`, the resource;
    `models` names the model each body or model parameter is built as from a mapping."""
    module, keywords = _prepare(arguments, operation, models or {})
    return module.sync(**keywords)


async def acall(arguments: dict[str, Any], operation: str, models: Mapping[str, str] | None = None) -> Any:
    """The same with `asyncio`."""
    module, keywords = _prepare(arguments, operation, models or {})
    return await module.asyncio(**keywords)


def _prepare(
    arguments: dict[str, Any], operation: str, models: Mapping[str, str]
) -> tuple[ModuleType, dict[str, Any]]:
    keywords = dict(arguments)
    keywords["client"] = keywords.pop("self")._client
    for parameter, model in models.items():
        if isinstance(keywords[parameter], Mapping):
            keywords[parameter] = as_body(
                keywords[parameter], getattr(import_module(f"{_PACKAGE}.models"), model)
            )
    return import_module(f"{_PACKAGE}.api.{operation}"), keywords
