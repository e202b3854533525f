"""Which resource each operation reads or writes, and how: found from the paths, with no code per operation.

DRF routers give every model the same shape: a collection `.../things/` (GET lists, POST creates)
and a detail `.../things/{id}/` (GET, PUT, PATCH, DELETE), with actions below it
(`.../things/{id}/run/`). The same model is often served under several prefixes
(`/test_framework/v1/scenarios/`, `/test_framework/v2/scenarios/`, `.../scenarios-external/`), so a
resource is named by its path with the version segments and `-external` folded away: a scenario
created through v2 is listed by v1, as on the real API.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .openapi_index import OpenApiIndex, Operation, Schema

LIST = "list"
CREATE = "create"
RETRIEVE = "retrieve"
UPDATE = "update"
PARTIAL_UPDATE = "partial_update"
DESTROY = "destroy"
ITEM_ACTION = "item_action"
RUN = "run"
PROGRESS = "progress"
OTHER = "other"

_DETAIL = re.compile(r"(?P<collection>.*/)\{(?P<param>[^}/]+)\}/(?P<rest>.*)")
_VERSION = re.compile(r"v\d+")
RUN_PREFIX = "run_scenarios"
RESULTS = "test_framework/results"
RUNS = "test_framework/runs"


@dataclass(frozen=True)
class Resource:
    """A collection of objects keyed by id. `listable`: some operation lists it, so its ids are known
    and an unknown one is a 404; otherwise any id names an object until it is deleted."""

    key: str
    id_param: str
    integer_ids: bool
    listable: bool


@dataclass(frozen=True)
class Role:
    """What an operation does: `kind` (one of the constants above) on `resource`; a list's
    `item_schema` and whether it answers DRF pages (`paged`)."""

    kind: str
    resource: Resource | None = None
    item_schema: Schema | None = None
    paged: bool = False
    id_param: str | None = None  # the path parameter that holds the object's id


def fold(collection_path: str) -> str:
    """The resource key of a collection path: versions and `-external` gone, parameters as `{}`."""
    parts = []
    for part in collection_path.strip("/").split("/"):
        if _VERSION.fullmatch(part):
            continue
        parts.append("{}" if part.startswith("{") else part.removesuffix("-external"))
    return "/".join(parts)


class ResourceMap:
    """The role of every operation of one document."""

    def __init__(self, index: OpenApiIndex) -> None:
        self.index = index
        self.resources = self._resources()
        self.roles = {op.operation_id: self._role(op) for op in index.operations}

    def role(self, operation: Operation) -> Role:
        return self.roles[operation.operation_id]

    def list_item(self, operation: Operation) -> tuple[Schema, bool] | None:
        """The item schema of a list operation's answer, and whether it is a DRF page."""
        success = operation.success()
        if operation.method != "get" or success.schema is None:
            return None
        pointer, node = self.index.resolve_at(success.schema.node, success.schema.pointer)
        properties = node.get("properties", {})
        if isinstance(properties, Mapping) and {"count", "results"} <= set(properties):
            results = properties["results"]
            return Schema(f"{pointer}/properties/results/items", results.get("items", {})), True
        if node.get("type") == "array" and isinstance(node.get("items"), Mapping):
            return Schema(f"{pointer}/items", node["items"]), False
        return None

    def _resources(self) -> dict[str, Resource]:
        found: dict[str, Resource] = {}
        listed: dict[str, bool | None] = {}  # key -> whether the listed items' `id` is an integer
        for op in self.index.operations:
            item = None if _DETAIL_END.search(op.path) else self.list_item(op)
            if item is not None:
                id_schema = self.index.resolve(item[0].node).get("properties", {}).get("id")
                integer = "integer" in _types(self.index.resolve(id_schema)) if id_schema else None
                listed[fold(op.path)] = (
                    integer if listed.get(fold(op.path)) is None else listed[fold(op.path)]
                )
        for operation in self.index.operations:
            matched = _DETAIL.fullmatch(operation.path)
            if matched is None or matched["rest"]:
                continue
            key = fold(matched["collection"])
            if key in found:
                continue
            parameter = next(p for p in operation.parameters if p.name == matched["param"])
            integer = listed.get(key)
            if integer is None:
                declared = self.index.resolve(parameter.schema.node)
                integer = "integer" in _types(declared) or declared.get("pattern") in _DIGITS
            found[key] = Resource(key, matched["param"], integer, key in listed)
        for key in set(listed) - set(found):
            found[key] = Resource(key, "id", listed[key] is not False, True)
        return found

    def _role(self, operation: Operation) -> Role:
        last = operation.path.rstrip("/").rsplit("/", 1)[-1]
        if operation.method == "post" and last.startswith(RUN_PREFIX) and RESULTS in self.resources:
            return Role(RUN, self.resources[RESULTS])
        if operation.method == "get" and "progress" in operation.operation_id:
            return Role(PROGRESS)
        if not last.startswith("{"):
            resource = self.resources.get(fold(operation.path))
            listed = self.list_item(operation)
            if resource is not None and listed is not None:
                return Role(LIST, resource, listed[0], listed[1])
            if resource is not None and operation.method == "post":
                return Role(CREATE, resource)
        matched = _DETAIL.fullmatch(operation.path)
        while matched is not None:
            resource = self.resources.get(fold(matched["collection"]))
            if resource is not None and not matched["rest"]:
                kinds = {"get": RETRIEVE, "put": UPDATE, "patch": PARTIAL_UPDATE, "delete": DESTROY}
                return Role(kinds.get(operation.method, OTHER), resource, id_param=matched["param"])
            if resource is not None:
                return Role(ITEM_ACTION, resource, id_param=matched["param"])
            matched = _DETAIL.fullmatch(matched["collection"])
        return Role(OTHER)


_DETAIL_END = re.compile(r"\{[^}/]+\}/$")
_DIGITS = ("^\\d+$", "^[0-9]+$")  # a string parameter that holds an integer id


def _types(schema: Mapping[str, Any]) -> set[str]:
    declared = schema.get("type")
    return {declared} if isinstance(declared, str) else set(declared or ())
