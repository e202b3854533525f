"""Compare two OpenAPI documents and classify each change as breaking or compatible for a client.

Why not a library: oasdiff, the reference for these rules, is a Go program not packaged for
PyPI, and the Python OpenAPI diff packages are unmaintained or do not classify changes; the
classification is the part that matters here and is small. The rules follow oasdiff's catalogue
(its check ids in brackets); schema-level rules are in `scripts/update/schema_diff.py`.

Operations are identified by method and path (the client's function names derive from them):

- operation added [endpoint-added]: compatible; deprecated [endpoint-deprecated]: compatible
  (it still works, and warns); removed [api-removed-without-deprecation]:
  breaking; moved (removed at one path, added at another under the same upstream operationId)
  [api-path-removed]: breaking; upstream operationId renamed at the same method and path:
  compatible, since the client's names come from the path.
- parameter added: required [new-required-request-parameter] breaking, optional
  [new-optional-request-parameter] compatible; removed [request-parameter-removed]: breaking (the
  Python keyword argument goes); made required [request-parameter-became-required]: breaking;
  made optional: compatible; its schema: the request rules of `schema_diff`.
- request body added: breaking if required [request-body-added-required], else compatible;
  removed, or a media type removed [request-body-media-type-removed]: breaking; made required
  [request-body-became-required]: breaking; made optional: compatible; its schema (JSON, else
  the first media type): the request rules of `schema_diff`.
- response status removed: breaking for a 2xx [response-success-status-removed], else compatible
  [response-non-success-status-removed]; status added: compatible; a 2xx body removed: breaking;
  the body schema: the response rules of `schema_diff`.
- component schema added: compatible; removed: breaking (its model goes); changed: the
  `schema_diff` rules for each direction the schema is used in, by either version.
"""

from collections import defaultdict
from typing import Any

from scripts.core.openapi_document import iter_operations, raw_parameters, referenced_components, resolve
from scripts.update.changes import Change
from scripts.update.schema_diff import REQUEST, RESPONSE, Site, compare_schemas

JSON = "application/json"
Key = tuple[str, str]  # (method, path)


def where(key: Key) -> str:
    return f"{key[0].upper()} {key[1]}"


def diff_documents(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every classified change from `old` to `new`, sorted by place."""
    return sorted(_operation_changes(old, new) + _component_changes(old, new))


def _operations(document: dict[str, Any]) -> dict[Key, dict[str, Any]]:
    return {(method, path): operation for path, method, operation in iter_operations(document)}


def _operation_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    old_ops, new_ops = _operations(old), _operations(new)
    removed = [key for key in old_ops if key not in new_ops]
    added = [key for key in new_ops if key not in old_ops]
    moves = _moves(removed, added, old_ops, new_ops)
    changes = [
        Change(where(src), "", "api-moved", f"moved to {where(dst)}", True) for src, dst in moves.items()
    ]
    moved_to = set(moves.values())
    changes += [
        Change(where(k), "", "api-removed", "operation removed", True) for k in removed if k not in moves
    ]
    changes += [
        Change(where(k), "", "api-added", "operation added", False) for k in added if k not in moved_to
    ]
    for key in old_ops.keys() & new_ops.keys():
        changes += _compare_operation(key, old_ops[key], new_ops[key], old, new)
    return changes


def _moves(
    removed: list[Key], added: list[Key], old_ops: dict[Key, Any], new_ops: dict[Key, Any]
) -> dict[Key, Key]:
    """Removed -> added operation pairs that share an upstream operationId used by no other of them."""
    by_id: dict[str, tuple[list[Key], list[Key]]] = defaultdict(lambda: ([], []))
    for key in removed:
        by_id[str(old_ops[key].get("operationId"))][0].append(key)
    for key in added:
        by_id[str(new_ops[key].get("operationId"))][1].append(key)
    return {
        gone[0]: came[0]
        for op_id, (gone, came) in by_id.items()
        if op_id != "None" and len(gone) == 1 and len(came) == 1
    }


def _compare_operation(
    key: Key, old_op: dict[str, Any], new_op: dict[str, Any], old: dict[str, Any], new: dict[str, Any]
) -> list[Change]:
    at = where(key)
    changes = []
    old_id, new_id = old_op.get("operationId"), new_op.get("operationId")
    if old_id != new_id:
        changes.append(Change(at, "", "api-operation-id-changed", f"operationId {old_id} -> {new_id}", False))
    if new_op.get("deprecated") and not old_op.get("deprecated"):
        changes.append(Change(at, "", "endpoint-deprecated", "operation deprecated", False))
    changes += _parameter_changes(at, _parameters(key, old_op, old), _parameters(key, new_op, new))
    changes += _body_changes(
        at, resolve(old, old_op.get("requestBody")), resolve(new, new_op.get("requestBody"))
    )
    changes += _response_changes(at, old_op.get("responses") or {}, new_op.get("responses") or {}, old, new)
    return changes


def _parameters(key: Key, operation: dict[str, Any], document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Path-level and operation-level parameters, resolved, keyed `in.name` (operation level wins)."""
    found = {}
    for raw in raw_parameters(document, key[1], operation):
        parameter = resolve(document, raw)
        if isinstance(parameter, dict) and "name" in parameter:
            found[f"{parameter.get('in')}.{parameter['name']}"] = parameter
    return found


def _parameter_changes(at: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    changes = []
    for name in new.keys() - old.keys():
        if new[name].get("required"):
            changes.append(
                Change(at, name, "new-required-request-parameter", "required parameter added", True)
            )
        else:
            changes.append(
                Change(at, name, "new-optional-request-parameter", "optional parameter added", False)
            )
    for name in old.keys() - new.keys():
        changes.append(Change(at, name, "request-parameter-removed", "parameter removed", True))
    for name in old.keys() & new.keys():
        was, now = bool(old[name].get("required")), bool(new[name].get("required"))
        if was != now:
            kind = "request-parameter-became-required" if now else "request-parameter-became-optional"
            changes.append(
                Change(at, name, kind, kind.removeprefix("request-parameter-").replace("-", " "), now)
            )
        site = Site(at, name, "request-parameter", frozenset({REQUEST}))
        changes += compare_schemas(old[name].get("schema"), new[name].get("schema"), site)
    return changes


def _body_changes(at: str, old: Any, new: Any) -> list[Change]:
    if not isinstance(old, dict) and not isinstance(new, dict):
        return []
    if not isinstance(old, dict):
        required = bool(new.get("required"))
        kind = "request-body-added-required" if required else "request-body-added"
        return [
            Change(at, "body", kind, f"{'required' if required else 'optional'} request body added", required)
        ]
    if not isinstance(new, dict):
        return [Change(at, "body", "request-body-removed", "request body removed", True)]
    changes = []
    was, now = bool(old.get("required")), bool(new.get("required"))
    if was != now:
        kind = "request-body-became-required" if now else "request-body-became-optional"
        changes.append(Change(at, "body", kind, kind.removeprefix("request-body-").replace("-", " "), now))
    old_content, new_content = old.get("content") or {}, new.get("content") or {}
    for media in old_content.keys() - new_content.keys():
        changes.append(
            Change(at, "body", "request-body-media-type-removed", f"media type {media} removed", True)
        )
    for media in new_content.keys() - old_content.keys():
        changes.append(
            Change(at, "body", "request-body-media-type-added", f"media type {media} added", False)
        )
    old_schema, new_schema = _json_schema(old_content), _json_schema(new_content)
    if old_schema is not None and new_schema is not None:
        changes += compare_schemas(
            old_schema, new_schema, Site(at, "body", "request-body", frozenset({REQUEST}))
        )
    return changes


def _json_schema(content: Any) -> Any:
    """The schema the client uses: the JSON one, else the first media type's."""
    if not isinstance(content, dict) or not content:
        return None
    media = content.get(JSON) or next(iter(content.values()))
    return media.get("schema") if isinstance(media, dict) else None


def _response_changes(
    at: str, old: dict[str, Any], new: dict[str, Any], old_doc: dict[str, Any], new_doc: dict[str, Any]
) -> list[Change]:
    changes = []
    for status in old.keys() - new.keys():
        success = str(status).startswith("2")
        kind = "response-success-status-removed" if success else "response-non-success-status-removed"
        changes.append(Change(at, str(status), kind, f"response {status} removed", success))
    for status in new.keys() - old.keys():
        changes.append(Change(at, str(status), "response-status-added", f"response {status} added", False))
    for status in old.keys() & new.keys():
        old_schema = _json_schema((resolve(old_doc, old[status]) or {}).get("content"))
        new_schema = _json_schema((resolve(new_doc, new[status]) or {}).get("content"))
        site = Site(at, str(status), "response-body", frozenset({RESPONSE}))
        if old_schema is not None and new_schema is None and str(status).startswith("2"):
            changes.append(Change(at, str(status), "response-body-removed", "response body removed", True))
        elif old_schema is None and new_schema is not None:
            changes.append(Change(at, str(status), "response-body-added", "response body added", False))
        elif old_schema is not None and new_schema is not None:
            changes += compare_schemas(old_schema, new_schema, site)
    return changes


def schema_directions(document: dict[str, Any]) -> dict[str, set[str]]:
    """For each component schema, whether requests, responses or both reach it."""
    directions: dict[str, set[str]] = defaultdict(set)
    for path, _, operation in iter_operations(document):
        sending = [raw_parameters(document, path, operation), operation.get("requestBody")]
        for direction, node in ((REQUEST, sending), (RESPONSE, operation.get("responses"))):
            for section, name in referenced_components(document, node):
                if section == "schemas":
                    directions[name].add(direction)
    return directions


def _component_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    old_schemas = (old.get("components") or {}).get("schemas") or {}
    new_schemas = (new.get("components") or {}).get("schemas") or {}
    changes = [
        Change(f"schema {n}", "", "schema-added", "schema added", False)
        for n in new_schemas.keys() - old_schemas.keys()
    ]
    changes += [
        Change(f"schema {n}", "", "schema-removed", "schema removed", True)
        for n in old_schemas.keys() - new_schemas.keys()
    ]
    old_use, new_use = schema_directions(old), schema_directions(new)
    for name in old_schemas.keys() & new_schemas.keys():
        site = Site(f"schema {name}", "", "schema", frozenset(old_use[name] | new_use[name]))
        changes += compare_schemas(old_schemas[name], new_schemas[name], site)
    return changes
