"""The mock's objects, per resource and keyed by id, in memory: what clients created, changed or deleted.

A listable resource starts with `items` objects whose ids come from the seed; their fields are
generated when they are shown (`rendering.py`), so a record holds only what a client wrote and when
its job started. A resource no operation lists has no known ids: any id names an object, until it is
deleted. `reset()` (the admin call, or a restart) puts everything back as it started.
"""

import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .resources import Resource


@dataclass
class Record:
    """One object: its id as the API shows it, the fields clients wrote, and when its job started."""

    id: int | str
    fields: dict[str, Any] = field(default_factory=dict)
    started: float | None = None
    version: int = 0  # bumped by each update, so a body rendered before is known to be stale


class Store:
    """Every resource's records for one server; safe to use from several threads."""

    def __init__(self, seed: int, items: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.seed = seed
        self.items = items
        self.clock = clock
        self._lock = threading.RLock()
        self._records: dict[str, dict[str, Record]] = {}
        self._deleted: dict[str, set[str]] = {}
        self._last_id: dict[str, int] = {}  # ids are never reused, as a database sequence

    @contextmanager
    def locked(self) -> Iterator[None]:
        with self._lock:
            yield

    def reset(self) -> None:
        with self._lock:
            self._records.clear()
            self._deleted.clear()
            self._last_id.clear()

    def records(self, resource: Resource) -> list[Record]:
        """The resource's records in id order (DRF's default ordering), seeded on first use."""
        with self._lock:
            return sorted(self._table(resource).values(), key=lambda r: (str(type(r.id)), r.id))

    def get(self, resource: Resource, key: str) -> Record | None:
        """The record with id `key` (as text, from a path); None when there is none (a 404)."""
        with self._lock:
            table = self._table(resource)
            found = table.get(key)
            if found is None and not resource.listable and key not in self._deleted.get(resource.key, ()):
                found = table[key] = Record(_typed_id(resource, key))
            return found

    def create(self, resource: Resource, fields: dict[str, Any], *, job: bool = False) -> Record:
        """A new record with the next id; `job`: its lifecycle starts now."""
        with self._lock:
            table = self._table(resource)
            if resource.integer_ids:
                highest = max((r.id for r in table.values() if isinstance(r.id, int)), default=0)
                next_number = max(highest, self._last_id.get(resource.key, 0)) + 1
                self._last_id[resource.key] = next_number
                new_id: int | str = next_number
            else:
                new_id = str(uuid.uuid4())
            record = Record(new_id, dict(fields), self.clock() if job else None)
            table[str(new_id)] = record
            return record

    def update(self, record: Record, fields: dict[str, Any]) -> Record:
        with self._lock:
            record.fields.update(fields)
            record.version += 1
            return record

    def delete(self, resource: Resource, key: str) -> bool:
        with self._lock:
            removed = self._table(resource).pop(key, None)
            self._deleted.setdefault(resource.key, set()).add(key)
            return removed is not None

    def _table(self, resource: Resource) -> dict[str, Record]:
        table = self._records.get(resource.key)
        if table is None:
            table = self._records[resource.key] = {}
            if resource.listable:
                for seeded in _seeded_ids(resource, self.seed, self.items):
                    table[str(seeded)] = Record(seeded)
        return table


def _seeded_ids(resource: Resource, seed: int, count: int) -> list[int | str]:
    rng = random.Random(f"{seed}:{resource.key}")
    if not resource.integer_ids:
        return [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(count)]
    ids: list[int | str] = []
    current = rng.randint(100, 9000)
    for _ in range(count):
        current += rng.randint(1, 9)
        ids.append(current)
    return ids


def _typed_id(resource: Resource, key: str) -> int | str:
    return int(key) if resource.integer_ids and key.lstrip("-").isdigit() else key
