"""The generator's `Endpoint.sort_parameters`, without a deep copy of the whole endpoint.

Why this exists: openapi-python-client 0.29.1 starts `sort_parameters` with `deepcopy(endpoint)`,
responses and bodies included with their model graphs, only to reorder `path_parameters` and
rewrite `path`. On the Cekura document that copy is 3 of the generator's 7 s. Here the endpoint
is copied shallowly with a list of its own for the path parameters, the one thing the sort changes
in place, then the generator's own `sort_parameters` runs with its `deepcopy` bypassed for that
one call. The parsed endpoints are the stock generator's, field for field
(`tests/generate/test_endpoint_sort.py`, on the Cekura document too), and so is the generated
tree. Delete when the generator copies only what it changes.
"""

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from openapi_python_client.parser import openapi

_stock_sort = openapi.Endpoint.sort_parameters


def sort_parameters(*, endpoint: openapi.Endpoint) -> Any:
    """`Endpoint.sort_parameters` on a copy that shares everything but the list it sorts."""
    copied = copy.copy(endpoint)
    copied.path_parameters = list(endpoint.path_parameters)
    module_globals = vars(openapi)  # where the stock code looks `deepcopy` up
    deep_copy = module_globals["deepcopy"]
    module_globals["deepcopy"] = _same  # the stock code's first statement; the copy above replaces it
    try:
        return _stock_sort(endpoint=copied)
    finally:
        module_globals["deepcopy"] = deep_copy


def _same(value: Any) -> Any:
    return value


@contextmanager
def installed() -> Iterator[None]:
    """The generator uses `sort_parameters` above within the block."""
    openapi.Endpoint.sort_parameters = staticmethod(sort_parameters)  # type: ignore[method-assign]
    try:
        yield
    finally:
        openapi.Endpoint.sort_parameters = staticmethod(_stock_sort)  # type: ignore[method-assign]
