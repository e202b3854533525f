"""A small OpenAPI Overlay 1.0 engine on an RFC 9535 JSONPath library (jsonpath-rfc9535).

Written here because no maintained Python package applies Overlay documents; the JSONPath
evaluation, the hard part, is the library's. Semantics follow Overlay 1.0.0:

- actions run in order, each on the result of the previous one;
- `remove: true` deletes every selected node from its parent (and ignores `update`);
- `update` is merged recursively into each selected object (a value that is an array or a
  scalar replaces the old one whole), or appended as one entry to each selected array;
- targets must select objects or arrays, never primitives.

One deliberate strictness: an action whose target selects nothing is an error, because here it
means the upstream fixed or moved what the action patches, and the overlay must be revisited.
"""

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import jsonpath_rfc9535 as jsonpath

from scripts.core.errors import PatchError
from scripts.core.yamlio import YAMLError, load_yaml

_VERSION = re.compile(r"^1\.0\.\d+$")


@dataclass(frozen=True)
class Action:
    target: str
    description: str
    update: Any
    remove: bool


@dataclass(frozen=True)
class Overlay:
    name: str
    title: str
    actions: tuple[Action, ...]


def load_overlay(path: Path) -> Overlay:
    """Parse and check an overlay file; any structural problem names the file."""
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as exc:
        reason = str(exc).replace("\n", " ")
        raise PatchError(f"overlay {path.name}: cannot read it: {reason}") from exc
    return parse_overlay(raw, path.name)


def parse_overlay(raw: Any, name: str) -> Overlay:
    if not isinstance(raw, dict) or not _VERSION.match(str(raw.get("overlay", ""))):
        raise PatchError(f"overlay {name}: not an Overlay 1.0 document (needs `overlay: 1.0.x`)")
    info = raw.get("info")
    if not isinstance(info, dict) or not info.get("title") or not info.get("version"):
        raise PatchError(f"overlay {name}: `info` needs a `title` and a `version`")
    actions_raw = raw.get("actions")
    if not isinstance(actions_raw, list) or not actions_raw:
        raise PatchError(f"overlay {name}: `actions` must be a non-empty list")
    actions = tuple(_parse_action(entry, name, index) for index, entry in enumerate(actions_raw, 1))
    return Overlay(name=name, title=str(info["title"]), actions=actions)


def _parse_action(entry: Any, name: str, index: int) -> Action:
    where = f"overlay {name}, action {index}"
    if not isinstance(entry, dict) or not isinstance(entry.get("target"), str):
        raise PatchError(f"{where}: needs a string `target`")
    target: str = entry["target"]
    if not target.startswith("$"):
        raise PatchError(f"{where}: target {target!r} must be a JSONPath starting with `$`")
    try:
        jsonpath.compile(target)
    except jsonpath.JSONPathError as exc:
        raise PatchError(f"{where}: invalid JSONPath {target!r}: {exc}") from exc
    remove = entry.get("remove", False)
    if not isinstance(remove, bool):
        raise PatchError(f"{where}: `remove` must be true or false")
    if not remove and "update" not in entry:
        raise PatchError(f"{where}: needs `update` or `remove: true`")
    description = str(entry.get("description", "")).strip().splitlines()
    return Action(
        target=target,
        description=description[0] if description else "",
        update=entry.get("update"),
        remove=remove,
    )


def apply_overlay(document: dict[str, Any], overlay: Overlay) -> list[str]:
    """Apply every action to `document` in place; return one report line per action."""
    report = []
    for index, action in enumerate(overlay.actions, 1):
        where = f"overlay {overlay.name}, action {index}"
        count = apply_action(document, action, where)
        if count == 0:
            raise PatchError(
                f"{where}: target {action.target} matches nothing (upstream fixed or moved it); "
                "update or delete the action"
            )
        verb = "removed" if action.remove else "updated"
        label = f" ({action.description})" if action.description else ""
        report.append(f"{overlay.name} #{index}{label}: {verb} {count} node(s)")
    return report


def apply_overlays(document: dict[str, Any], overlay_files: Sequence[Path]) -> list[str]:
    """Apply every overlay in order; if actions match nothing, one error naming every one of them.

    The actions that still match are applied, so a later action sees what it would see once the
    stale ones are deleted: one run lists them all, not one per file per round.
    """
    report: list[str] = []
    stale: list[StaleAction] = []
    applied: list[tuple[StaleAction, Action]] = []
    for path in overlay_files:
        overlay = load_overlay(path)
        for index, action in enumerate(overlay.actions, 1):
            label = f" ({action.description})" if action.description else ""
            named = StaleAction(overlay.name, index, action.description)
            count = apply_action(document, action, f"overlay {overlay.name}, action {index}")
            if count == 0:
                stale.append(replace(named, reason=f"target {action.target} matches nothing"))
            else:
                applied.append((named, action))
                verb = "removed" if action.remove else "updated"
                report.append(f"{overlay.name} #{index}{label}: {verb} {count} node(s)")
    # An update written for a later version can refer to a schema this version does not have yet.
    for named, action in applied:
        stale += [
            replace(named, reason=f"refers to {ref}, which the document does not define")
            for ref in _missing_references(document, action.update)
        ]
    if stale:
        raise StaleOverlayError(sorted(stale, key=lambda action: (action.file, action.index)))
    return report


def _missing_references(document: dict[str, Any], value: Any) -> list[str]:
    """The local `$ref`s in `value` that point at nothing in `document`, in order, once each."""
    missing: dict[str, None] = {}
    pending = [value]
    while pending:
        node = pending.pop(0)
        if isinstance(node, list):
            pending[:0] = node
        elif isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/") and not _resolves(document, ref):
                missing[ref] = None
            pending[:0] = list(node.values())
    return list(missing)


def _resolves(document: dict[str, Any], ref: str) -> bool:
    node: Any = document
    for part in ref[2:].split("/"):
        key = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or key not in node:
            return False
        node = node[key]
    return True


@dataclass(frozen=True)
class StaleAction:
    """An overlay action that does not fit the document: its file, its 1-based index, and why."""

    file: str
    index: int
    description: str
    reason: str = ""

    def __str__(self) -> str:
        label = f" ({self.description})" if self.description else ""
        return f"overlay {self.file}, action {self.index}: {self.reason}{label}"


class StaleOverlayError(PatchError):
    """Overlay actions that do not fit the document (a target matching nothing, a dangling `$ref`)."""

    def __init__(self, actions: list[StaleAction]) -> None:
        self.actions = actions
        super().__init__(
            f"{len(actions)} overlay action(s) do not fit this document (upstream fixed, moved or has "
            "not yet added what they patch): "
            + "; ".join(map(str, actions))
            + "; delete (or revise) each of them in spec/overlays/"
        )


def apply_action(document: dict[str, Any], action: Action, where: str) -> int:
    """Apply one action to `document` in place; return how many nodes its target selected."""
    nodes = jsonpath.find(action.target, document)
    if action.remove:
        _remove_nodes(document, [node.location for node in nodes], where)
    else:
        for node in nodes:
            _update_node(node.value, action.update, where, node.path())
    return len(nodes)


def _remove_nodes(document: dict[str, Any], locations: list[tuple[str | int, ...]], where: str) -> None:
    # Deepest and highest-index first, so earlier removals do not shift later locations.
    for location in sorted(locations, key=_removal_order, reverse=True):
        if not location:
            raise PatchError(f"{where}: cannot remove the document root")
        parent: Any = document
        for key in location[:-1]:
            parent = parent[key]
        del parent[location[-1]]


def _removal_order(location: tuple[str | int, ...]) -> tuple[int, tuple[tuple[int, str], ...]]:
    return len(location), tuple((key, "") if isinstance(key, int) else (-1, key) for key in location)


def _update_node(value: Any, update: Any, where: str, path: str) -> None:
    if isinstance(value, dict):
        if not isinstance(update, dict):
            raise PatchError(f"{where}: {path} is an object, so `update` must be an object")
        _merge(value, update)
    elif isinstance(value, list):
        value.append(copy.deepcopy(update))
    else:
        raise PatchError(f"{where}: {path} is a {type(value).__name__}; target its parent object instead")


def _merge(target: dict[str, Any], update: dict[str, Any]) -> None:
    for key, new in update.items():
        old = target.get(key)
        if isinstance(old, dict) and isinstance(new, dict):
            _merge(old, new)
        else:
            target[key] = copy.deepcopy(new)
