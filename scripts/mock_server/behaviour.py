"""What an accepted request does to the mock's state, and the answer it gets, by the operation's role.

Lists page through the stored objects the DRF way; creates, updates and deletes change them;
retrieves show them (404 for an unknown id where the operation documents a 404); a `run_scenarios*`
call starts a result and its runs, whose status moves to `completed` over the configured time; a
`*_progress` operation advances the same way from its first poll, per `progress_id`. Any other
operation answers its seeded body.
"""

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode

from . import resources as roles
from .openapi_index import OpenApiIndex, Operation
from .rendering import Renderer
from .resources import ResourceMap, Role
from .store import Record, Store

NOT_FOUND = {"detail": "Not found."}
INVALID_PAGE = {"detail": "Invalid page."}
DEFAULT_RUNS_PER_RESULT = 2


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any  # JSON value, or bytes for a body of another media type; None: no body
    has_body: bool
    media_type: str = "application/json"
    headers: tuple[tuple[bytes, bytes], ...] = ()  # extra headers (`Allow` for a 405)


@dataclass(frozen=True)
class Settings:
    """`items`: objects a listable resource starts with; `page_size`/`max_page_size`: DRF's paging;
    `job_seconds`: how long a started run or progress job takes to complete."""

    seed: int = 0
    items: int = 40
    page_size: int = 10
    max_page_size: int = 20
    job_seconds: float = 5.0


@dataclass(frozen=True)
class Call:
    """An accepted request as the behaviour needs it."""

    operation: Operation
    path_parameters: Mapping[str, str]
    query: str
    body: Any  # the decoded body (what DRF validated), None without one
    base_url: str  # scheme and host the client used, for `next`/`previous` links
    path: str


class Behaviour:
    """The stateful answers of one server."""

    def __init__(
        self,
        index: OpenApiIndex,
        settings: Settings,
        renderer: Renderer,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.index = index
        self.settings = settings
        self.renderer = renderer
        self.clock = clock
        self.map = ResourceMap(index)
        self.store = Store(settings.seed, settings.items, clock)
        self._jobs: dict[str, float] = {}

    def reset(self) -> None:
        self.store.reset()
        self.renderer.forget()
        self._jobs.clear()

    def prepare(self) -> None:
        """Build every operation's seeded body now, in this thread: a body the generator cannot make
        valid comes from Hypothesis, which keeps its settings per process, so a server thread drawing
        while the main thread runs Hypothesis tests would tangle them."""
        for operation in self.index.operations:
            success = operation.success()
            if success.schema is not None:
                self.renderer.generic(success, operation.operation_id)

    def answer(self, call: Call) -> Answer:
        operation = call.operation
        success = operation.success()
        status = int(success.status) if success.status.isdigit() else 200
        if success.schema is None and success.media_types:  # a file: bytes, the same for one seed
            content = f"mock file of {operation.operation_id}, seed {self.settings.seed}\n".encode()
            return Answer(status, content, True, success.media_types[0])
        role = self.map.role(operation)
        handler = {
            roles.LIST: self._list,
            roles.CREATE: self._create,
            roles.RETRIEVE: self._show,
            roles.UPDATE: self._update,
            roles.PARTIAL_UPDATE: self._update,
            roles.DESTROY: self._destroy,
            roles.ITEM_ACTION: self._item_action,
            roles.RUN: self._run,
            roles.PROGRESS: self._progress,
        }.get(role.kind, self._generic)
        with self.store.locked():
            return handler(call, role, status)

    def _generic(self, call: Call, role: Role, status: int) -> Answer:
        success = call.operation.success()
        if success.schema is None:
            return Answer(status, None, False)
        return Answer(status, self.renderer.generic(success, call.operation.operation_id), True)

    def _list(self, call: Call, role: Role, status: int) -> Answer:
        assert role.resource is not None and role.item_schema is not None
        records = self.store.records(role.resource)
        if not role.paged:
            items = [self.renderer.record(role.item_schema, role.resource.key, r) for r in records]
            return Answer(status, items, True)
        query = parse_qs(call.query, keep_blank_values=True)
        size = _positive(query.get("page_size"), self.settings.page_size)
        size = min(size, self.settings.max_page_size)
        pages = max(1, math.ceil(len(records) / size))
        page = _positive(query.get("page"), 1, invalid=0)
        if not 1 <= page <= pages:
            if call.operation.response("404") is not None:
                return Answer(404, INVALID_PAGE, True)
            page = pages
        shown = records[(page - 1) * size : page * size]
        body: dict[str, Any] = {
            "count": len(records),
            "results": [self.renderer.record(role.item_schema, role.resource.key, r) for r in shown],
        }
        links = {
            "next": _page_link(call, query, page + 1) if page < pages else None,
            "previous": _page_link(call, query, page - 1) if page > 1 else None,
        }
        schema = call.operation.success().schema
        assert schema is not None
        documented = self.renderer.fake.property_schemas(schema)
        for name, link in links.items():  # DRF sends `null`; left out where the spec allows no null
            if link is not None or (name in documented and not self.index.errors(documented[name], None)):
                body[name] = link
        return Answer(status, body, True)

    def _create(self, call: Call, role: Role, status: int) -> Answer:
        assert role.resource is not None
        record = self.store.create(role.resource, _fields(call.body))
        return self._shown(call, role, record, status)

    def _show(self, call: Call, role: Role, status: int) -> Answer:
        record = self._record(call, role)
        if record is None:
            return self._not_found(call, role, status)
        return self._shown(call, role, record, status)

    def _update(self, call: Call, role: Role, status: int) -> Answer:
        record = self._record(call, role)
        if record is None:
            return self._not_found(call, role, status)
        self.store.update(record, _fields(call.body))
        return self._shown(call, role, record, status)

    def _destroy(self, call: Call, role: Role, status: int) -> Answer:
        assert role.resource is not None and role.id_param is not None
        key = unquote(call.path_parameters[role.id_param])
        if self.store.get(role.resource, key) is None and call.operation.response("404") is not None:
            return Answer(404, NOT_FOUND, True)
        self.store.delete(role.resource, key)
        return self._generic(call, role, status)

    def _item_action(self, call: Call, role: Role, status: int) -> Answer:
        if self._record(call, role) is None and call.operation.response("404") is not None:
            return Answer(404, NOT_FOUND, True)
        return self._generic(call, role, status)

    def _run(self, call: Call, role: Role, status: int) -> Answer:
        """A result whose runs (one per scenario asked for) all start now."""
        assert role.resource is not None
        fields = _fields(call.body)
        result = self.store.create(role.resource, fields, job=True)
        runs_resource = self.map.resources.get(roles.RUNS)
        scenarios: list[int | None] = [s for s in fields.get("scenarios") or [] if isinstance(s, int)]
        runs: list[Record] = []
        if runs_resource is not None:
            for scenario in scenarios or [None] * DEFAULT_RUNS_PER_RESULT:
                run_fields = {"result_id": result.id, "scenario": scenario, "agent": fields.get("agent_id")}
                runs.append(self.store.create(runs_resource, run_fields, job=True))
        answer = self._shown(call, role, result, status)
        if isinstance(answer.body, dict) and runs:
            self._show_runs(call, answer.body, runs)
        return answer

    def _show_runs(self, call: Call, body: dict[str, Any], runs: list[Record]) -> None:
        """Put the started runs' ids and stages into the answer's `runs` list, if it stays valid."""
        listed = body.get("runs")
        schema = call.operation.success().schema
        if not isinstance(listed, list) or not listed or not isinstance(listed[0], dict) or schema is None:
            return
        before = listed
        shown = []
        for number, run in enumerate(runs):
            item = dict(listed[number % len(listed)])
            item["id"] = run.id
            if "status" in item:
                item["status"] = "pending"
            if "scenario" in item and run.fields.get("scenario") is not None:
                item["scenario"] = run.fields["scenario"]
            shown.append(item)
        body["runs"] = shown
        if self.index.errors(schema, body):
            body["runs"] = before

    def _progress(self, call: Call, role: Role, status: int) -> Answer:
        answer = self._generic(call, role, status)
        schema = call.operation.success().schema
        if not isinstance(answer.body, dict) or schema is None:
            return answer
        progress_id = parse_qs(call.query).get("progress_id", [""])[-1]
        started = self._jobs.setdefault(f"{call.path}?{progress_id}", self.clock())
        properties = self.renderer.fake.property_schemas(schema)
        self.renderer.show_stage(properties, answer.body, started)
        if (
            progress_id
            and "progress_id" in properties
            and not self.index.errors(properties["progress_id"], progress_id)
        ):
            answer.body["progress_id"] = progress_id
        return answer

    def _record(self, call: Call, role: Role) -> Record | None:
        assert role.resource is not None and role.id_param is not None
        return self.store.get(role.resource, unquote(call.path_parameters[role.id_param]))

    def _not_found(self, call: Call, role: Role, status: int) -> Answer:
        """404 where the operation documents it; else the object is shown as if it existed."""
        assert role.resource is not None and role.id_param is not None
        if call.operation.response("404") is not None:
            return Answer(404, NOT_FOUND, True)
        key = unquote(call.path_parameters[role.id_param])
        return self._shown(call, role, Record(int(key) if key.isdigit() else key), status)

    def _shown(self, call: Call, role: Role, record: Record, status: int) -> Answer:
        assert role.resource is not None
        success = call.operation.success()
        if success.schema is None:
            return Answer(status, None, False)
        return Answer(status, self.renderer.record(success.schema, role.resource.key, record), True)


def _fields(body: Any) -> dict[str, Any]:
    return dict(body) if isinstance(body, Mapping) else {}


def _positive(values: list[str] | None, default: int, invalid: int | None = None) -> int:
    """The last of `values` as a positive integer; `default` if absent, `invalid` (or `default`) if not."""
    if not values:
        return default
    text = values[-1].strip()
    if text.isdigit() and int(text) > 0:
        return int(text)
    return default if invalid is None else invalid


def _page_link(call: Call, query: Mapping[str, list[str]], page: int) -> str:
    """The absolute URL of another page, as DRF builds it (page 1 without a `page` parameter)."""
    kept = [(k, v) for k, values in query.items() if k != "page" for v in values]
    if page > 1:
        kept.append(("page", str(page)))
    text = urlencode(kept)
    return f"{call.base_url}{call.path}" + (f"?{text}" if text else "")
