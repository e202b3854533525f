"""Time spent in the cyclic garbage collector while an action runs, from `gc.callbacks`.

Why: a call's cost grows faster than its page because every container it allocates counts toward
the collector's thresholds, and each collection walks the young objects (and, now and then, the
whole heap). Timing the collections themselves shows how much of a contender's time that is.
"""

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class GcCost:
    seconds_per_call: float
    collections_per_call: tuple[float, float, float]
    """Collections of generations 0, 1 and 2 per call."""


def gc_cost(action: Callable[[], object], calls: int) -> GcCost:
    """Run `action` `calls` times and report the collector's share, per call."""
    started = 0.0
    seconds = 0.0
    counts = [0, 0, 0]

    def on_collection(phase: str, info: dict[str, Any]) -> None:
        nonlocal started, seconds
        if phase == "start":
            started = time.perf_counter()
        else:
            seconds += time.perf_counter() - started
            counts[info["generation"]] += 1

    gc.callbacks.append(on_collection)
    try:
        for _ in range(calls):
            action()
    finally:
        gc.callbacks.remove(on_collection)
    per_call = (counts[0] / calls, counts[1] / calls, counts[2] / calls)
    return GcCost(seconds / calls, per_call)
