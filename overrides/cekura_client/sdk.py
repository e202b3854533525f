"""`Cekura()` and `AsyncCekura()`: the configured client with the resource tree, sync or async.

Both take exactly what `entry_point.Cekura` takes and build the same client, then give it the class
that adds `client.<resource>.<method>(...)` (`resource_client.ResourceClient` or
`AsyncResourceClient`, generated from the spec): still the runtime's `CekuraClient` (and so an
`AuthenticatedClient`), so the `api` modules take it as `client=`. Why a conversion: the entry
point builds the runtime client, and the resource classes are generated after it. Not a spec patch: the
generator has no resource tree; delete when it has one.
"""

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import attrs

from cekura_client import entry_point
from cekura_client.client import AuthenticatedClient
from cekura_client.resource_client import AsyncResourceClient, ResourceClient

P = ParamSpec("P")
C = TypeVar("C", bound=AuthenticatedClient)


def adopt(cls: type[C], client: AuthenticatedClient) -> C:
    """`client`'s state (every attrs field, httpx clients included) in an instance of `cls`."""
    adopted = object.__new__(cls)
    for attribute in attrs.fields(type(client)):
        object.__setattr__(adopted, attribute.name, getattr(client, attribute.name))
    return adopted


def _building(cls: type[C]) -> Callable[[Callable[P, AuthenticatedClient]], Callable[P, C]]:
    def wrap(build: Callable[P, AuthenticatedClient]) -> Callable[P, C]:
        @functools.wraps(build)
        def make(*args: P.args, **kwargs: P.kwargs) -> C:
            return adopt(cls, build(*args, **kwargs))

        return make

    return wrap


Cekura = _building(ResourceClient)(entry_point.Cekura)
"""A client for the Cekura API: `Cekura().scenarios.list()`; the arguments of `entry_point.Cekura`."""

AsyncCekura = _building(AsyncResourceClient)(entry_point.Cekura)
"""The same client for `await`: `await AsyncCekura().scenarios.list()`."""

__all__ = ["AsyncCekura", "Cekura", "adopt"]
