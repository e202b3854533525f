"""Give every operation a unique, readable operationId derived from its path and method.

Upstream defect: the operationIds are inconsistent (`aiagents-v1-list` next to `scenarios-list`,
`test-framework-v2-scenarios-list` next to `runs-list`) and 95 of the 817 `api_key` operations
carry a numeric suffix (`scenarios-run-pipecat-v1_2`, `_3`): drf-spectacular de-duplicates one
view served under `/test_framework/v1/scenarios/`, `/test_framework/v1/scenarios-external/` and
`/test_framework/v2/scenarios/`. The generator makes operationIds the client's public function
names, and which copy gets `_2` depends on route order, not on the operation.
Evidence: the mirror of 2026-08-18 (`../shared/cekura-spec/openapi.json`), e.g.
`POST /test_framework/v2/scenarios/run_scenarios_pipecat/` is `scenarios-run-pipecat-v1_3`.
Delete when: upstream sets explicit, unique operationIds on every view (no `_<digit>` suffix).

The rule is drf-spectacular's default, which most upstream ids already follow:

1. Split the path on `/`. The first segment is the app prefix (`test_framework`,
   `observability`, `user`, `schedules`, `dashboards`, `app`) and is dropped; so are an `api`
   segment right after it and a version segment (`v1`, `v2`, ...) right after those.
2. Drop `{param}` segments; lower-case the rest and turn `-` (any non-alphanumeric run) into `_`.
   If nothing is left, the app prefix is the word.
3. Append the verb: GET is `list` when its 200 response is an array or a DRF page
   (`next`, `previous`, `results`), else `retrieve`; POST `create`, PUT `update`,
   PATCH `partial_update`, DELETE `destroy` (any other method: its own name).
4. Append `_<version>` unless the version is `v1` or absent.

`POST /test_framework/v2/scenarios/run_scenarios_pipecat/` is
`scenarios_run_scenarios_pipecat_create_v2`, `GET /dashboards/dashboards/{id}/` is
`dashboards_retrieve`, `POST /user/api/v1/user-api-key/` is `user_api_key_create`.
5. Tie-break, only where steps 1-4 give several operations one name: the operation with the
   fewest `{param}` segments, then the first path in sorting order, keeps the name; each other
   takes the first of these that no other operation has: its `{param}` segments put back in
   place as `by_<param>` (`GET /app/v2/product-chat/conversations/{conversation_id}/`, when
   `GET .../conversations/` is not a list, is
   `product_chat_conversations_by_conversation_id_retrieve_v2`), or that with the app prefix in
   front (`POST /user/oauth/token/`, beside `POST /user/api/v1/oauth-token/`, is
   `user_oauth_token_create`). If neither is free the patch fails, listing the operations.
   Evidence: the 2026-07-01 version of the document had 4 such ties; the 2026-08-18 document has
   none, so step 5 renames nothing in it.

A name depends only on its own path, method and response unless it ties (step 5): adding an
operation renames another only when the two tie and the new one sorts first. Why not more: the
`list`/`retrieve` split is what keeps `GET /x/` apart from `GET /x/{id}/`; `-external` stays in
the name because `/scenarios/` and `/scenarios-external/` are both served; `v1` is unsuffixed
so a future `v3` renames nothing; repeated words are kept (`aiagents_short_list_list`,
`metrics_bulk_create_create`) because collapsing them would let `/x/list/` and a later `/x/`
compete for `x_list`.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any

from scripts.core.errors import PatchError
from scripts.core.openapi_document import iter_operations, raw_parameters, resolve

_VERBS = {"post": "create", "put": "update", "patch": "partial_update", "delete": "destroy"}
_VERSION = re.compile(r"^v\d+$")
_PAGE_FIELDS = frozenset({"next", "previous", "results"})
# openapi-python-client 0.29.1 names inline models `<OperationId><Suffix>` (parser/bodies.py,
# parser/responses.py) or `<OperationId><ParamName>` (enum_property.py).
_MODEL_SUFFIXES = ("body", "jsonbody", "databody", "filesbody", "response")
_EXAMPLES = 3


@dataclass(frozen=True)
class PathParts:
    """A path split into its app prefix, API version and literal (non-`{param}`) segments."""

    app: str
    version: str | None
    literals: tuple[str, ...]


def split_path(path: str) -> PathParts:
    """Split `/app[/api][/vN]/seg/{param}/...` the same way for names and tags."""
    segments = [segment for segment in path.split("/") if segment]
    app, rest = (segments[0], segments[1:]) if segments else ("", [])
    if rest and rest[0] == "api":
        rest = rest[1:]
    version = rest[0] if rest and _VERSION.match(rest[0]) else None
    if version:
        rest = rest[1:]
    literals = tuple(segment for segment in rest if not segment.startswith("{"))
    return PathParts(app=app, version=version, literals=literals)


def identifier_word(segment: str) -> str:
    """`call-logs` -> `call_logs`: a path segment as a snake_case word."""
    return re.sub(r"[^a-z0-9]+", "_", segment.lower()).strip("_")


def operation_name(path: str, method: str, operation: dict[str, Any], document: dict[str, Any]) -> str:
    """The operationId steps 1-4 of the rule in the module docstring give this operation."""
    return _name(path, _verb(method, operation, document))


def tie_break_names(path: str, method: str, operation: dict[str, Any], document: dict[str, Any]) -> list[str]:
    """Step 5's names for an operation that ties, in the order they are tried."""
    verb = _verb(method, operation, document)
    return [_name(path, verb, parameters=True), _name(path, verb, parameters=True, app=True)]


def _name(path: str, verb: str, *, parameters: bool = False, app: bool = False) -> str:
    parts = split_path(path)
    segments = _segments_after_version(path) if parameters else parts.literals
    words = [word for word in map(_segment_word, segments) if word]
    if app or not words:
        words.insert(0, identifier_word(parts.app))
    words.append(verb)
    if parts.version and parts.version != "v1":
        words.append(parts.version)
    return "_".join(words)


def _segments_after_version(path: str) -> tuple[str, ...]:
    """The literal and `{param}` segments left after step 1, in path order."""
    segments = [segment for segment in path.split("/") if segment][1:]
    if segments and segments[0] == "api":
        segments = segments[1:]
    if split_path(path).version:
        segments = segments[1:]
    return tuple(segments)


def _segment_word(segment: str) -> str:
    """A literal as `identifier_word` makes it; `{conversation_id}` as `by_conversation_id`."""
    if segment.startswith("{"):
        return "by_" + identifier_word(segment.strip("{}"))
    return identifier_word(segment)


def _parameter_count(path: str) -> int:
    return sum(segment.startswith("{") for segment in path.split("/"))


def _verb(method: str, operation: dict[str, Any], document: dict[str, Any]) -> str:
    if method == "get":
        return "list" if returns_list(operation, document) else "retrieve"
    return _VERBS.get(method, method)


def returns_list(operation: dict[str, Any], document: dict[str, Any]) -> bool:
    """True if the 200 response is a JSON array or a DRF page object (any paginator)."""
    response = resolve(document, operation.get("responses", {}).get("200"))
    content = response.get("content", {}) if isinstance(response, dict) else {}
    for media in content.values():
        schema = resolve(document, media.get("schema") if isinstance(media, dict) else None)
        if not isinstance(schema, dict):
            continue
        if schema.get("type") == "array":
            return True
        properties = schema.get("properties")
        if isinstance(properties, dict) and properties.keys() >= _PAGE_FIELDS:
            return True
    return False


@dataclass(frozen=True)
class Named:
    """An operation with the name the rule gives it."""

    name: str
    path: str
    method: str
    operation: dict[str, Any]

    @property
    def where(self) -> str:
        return f"{self.method.upper()} {self.path}"


def document_operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """Every (path, method, operation) in document order; a document without `paths` is an error."""
    if not isinstance(document.get("paths"), dict):
        raise PatchError("the document has no `paths` object: check the fetched spec")
    return list(iter_operations(document))


def break_ties(named: list[Named], document: dict[str, Any]) -> list[Named]:
    """Step 5 of the rule: in each group sharing a name, all but the first (fewest `{param}`
    segments, then path, then method) take their first tie-break name that no operation has.
    A group step 5 cannot separate keeps its shared name, for `find_collisions` to report."""
    groups: dict[str, list[Named]] = defaultdict(list)
    for entry in named:
        groups[entry.name].append(entry)
    taken = set(groups)
    renamed: dict[tuple[str, str], str] = {}
    for name in sorted(groups):
        tied = sorted(groups[name], key=lambda e: (_parameter_count(e.path), e.path, e.method))
        for entry in tied[1:]:
            candidates = tie_break_names(entry.path, entry.method, entry.operation, document)
            free = [candidate for candidate in candidates if candidate not in taken]
            if free:
                renamed[(entry.path, entry.method)] = free[0]
                taken.add(free[0])
    return [replace(entry, name=renamed.get((entry.path, entry.method), entry.name)) for entry in named]


def assigned_names(document: dict[str, Any]) -> dict[tuple[str, str], str]:
    """Every operation's name by the whole rule (step 5 included), by (path, method): for the
    steps that must name operations as this normalizer will, before or without it."""
    named = [
        Named(operation_name(path, method, operation, document), path, method, operation)
        for path, method, operation in iter_operations(document)
    ]
    return {(entry.path, entry.method): entry.name for entry in break_ties(named, document)}


def find_collisions(named: list[Named]) -> dict[str, list[str]]:
    """Names given to more than one operation, each with its `METHOD /path` list."""
    owners: dict[str, list[str]] = defaultdict(list)
    for entry in named:
        owners[entry.name].append(entry.where)
    return {name: where for name, where in owners.items() if len(where) > 1}


def model_name_key(name: str) -> str:
    """Case- and separator-blind form, so `scenarios_list` and `ScenariosList` compare equal."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def find_model_clashes(named: list[Named], document: dict[str, Any]) -> list[tuple[str, str]]:
    """(operationId, component) pairs where a model the generator derives could take the name.

    openapi-python-client names inline models `<OperationId>Body`, `<OperationId>JsonBody`,
    `<OperationId>Response200`, `<OperationId><Param>`; a component schema named like one
    of those (or a model nested in one) would be generated twice and the operation skipped.
    """
    schemas = document.get("components", {}).get("schemas", {})
    component_keys = {model_name_key(component): component for component in schemas}
    clashes = []
    for entry in named:
        base = model_name_key(entry.name)
        params = (model_name_key(str(p.get("name", ""))) for p in _parameters(entry, document))
        prefixes = [base + suffix for suffix in _MODEL_SUFFIXES] + [base + p for p in params if p]
        clashes += [
            (entry.name, component)
            for key, component in component_keys.items()
            if key.startswith(tuple(prefixes))
        ]
    return clashes


def _parameters(entry: Named, document: dict[str, Any]) -> list[dict[str, Any]]:
    raw = raw_parameters(document, entry.path, entry.operation)
    resolved = (resolve(document, parameter) for parameter in raw)
    return [parameter for parameter in resolved if isinstance(parameter, dict)]


def normalize(document: dict[str, Any]) -> list[str]:
    """Rename every operation by the rule above; fail on any name clash, change nothing then."""
    named = break_ties(
        [
            Named(operation_name(path, method, operation, document), path, method, operation)
            for path, method, operation in document_operations(document)
        ],
        document,
    )
    collisions = find_collisions(named)
    if collisions:
        listed = "; ".join(f"{name} <- {', '.join(where)}" for name, where in collisions.items())
        raise PatchError(
            f"operation_names: {len(collisions)} operationIds would be shared ({listed}) by the naming "
            "rule (path words after the app and version, then the verb: GET list or retrieve by its "
            "200 response; a tie adds `by_<param>` words, then the app prefix); no overlay is at "
            "fault: refine the rule in scripts/patch/normalizers/operation_names.py"
        )
    clashes = find_model_clashes(named, document)
    if clashes:
        listed = "; ".join(f"{name} ~ {component}" for name, component in clashes)
        raise PatchError(
            f"operation_names: derived model names would clash with component schemas "
            f"({listed}): refine the rule in scripts/patch/normalizers/operation_names.py"
        )
    renames = []
    for entry in named:
        old = str(entry.operation.get("operationId", ""))
        entry.operation["operationId"] = entry.name
        if identifier_word(old) != entry.name:
            renames.append((old, entry.name))
    return report(len(named), renames)


def report(total: int, renames: list[tuple[str, str]]) -> list[str]:
    """Counts and a few examples: all renames, then those that dropped a numeric suffix."""
    if not renames:
        return [f"{total} operationIds set; no Python function name changed"]
    suffixed = [pair for pair in renames if re.search(r"_\d+$", pair[0])]
    lines = [
        f"{total} operationIds set from path and method; {len(renames)} Python "
        f"function names differ from upstream's, e.g. {_examples(renames)}"
    ]
    if suffixed:
        lines.append(
            f"{len(suffixed)} of them had a numeric de-duplication suffix; e.g. {_examples(suffixed)}"
        )
    return lines


def _examples(pairs: list[tuple[str, str]]) -> str:
    return ", ".join(f"{old} -> {new}" for old, new in pairs[:_EXAMPLES])
