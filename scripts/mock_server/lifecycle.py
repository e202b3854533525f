"""The status a started job shows at a moment: it moves through the stages its schema allows, then ends.

A run started on the mock (an evaluator run, a `*_progress` job) is `pending`, then `running`, ...,
then `completed` once `duration` seconds have passed, so a client can poll it to completion. The
stages are the values of the documented status enum that appear in `STAGES`, in that order; a
status documented as a plain string goes `in_progress`, then `completed`.
"""

from collections.abc import Mapping, Sequence
from typing import Any

STAGES = ("pending", "in_queue", "scaling_up", "in_progress", "running", "evaluating", "completed")
TERMINAL = "completed"
PLAIN_STAGES = ("in_progress", TERMINAL)


def stages_of(status_schema: Mapping[str, Any]) -> Sequence[str]:
    """The stages a status schema (resolved) allows, in order; empty when it allows no `completed`."""
    enum = status_schema.get("enum")
    if isinstance(enum, list):
        allowed = [stage for stage in STAGES if stage in enum]
        return allowed if TERMINAL in allowed else []
    declared = status_schema.get("type")
    if declared == "string" or (isinstance(declared, list) and "string" in declared):
        return PLAIN_STAGES
    return []


def stage_at(stages: Sequence[str], elapsed: float, duration: float) -> str:
    """The stage shown `elapsed` seconds after the start: evenly spread, the last one from `duration` on."""
    if elapsed >= duration or len(stages) == 1:
        return stages[-1]
    step = duration / (len(stages) - 1)
    return stages[min(int(max(elapsed, 0.0) / step), len(stages) - 2)]
