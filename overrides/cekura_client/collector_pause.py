"""`collector_paused()`: the cyclic garbage collector held off while a response body is parsed.

Why: parsing a page allocates thousands of containers (decoded dicts and lists, then one model per
item and per nested object), and CPython runs a collection every 700 net allocations, each walking
the young objects and, as they pile up, older generations too. On a 1,000-item `call_logs_list`
page that was about 14 collections and a quarter of the call's time, more per item the larger the
page; on a 100-item page about a tenth. A parse makes no reference cycles (models, dicts, lists and
scalars form a tree), so a collection during it can free nothing: holding it off loses nothing,
and the objects are counted as usual once it is back on. No library offers this; CPython's
`timeit` pauses the collector the same way.

The collector is process-wide state, so the pause is counted: concurrent parses (threads) share
one pause, the last one to finish turns the collector back on, and only if it was on when the
first began. A collector the application turned off stays off. Not a spec patch: it is the
client's own runtime behaviour; permanent.
"""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_active = 0
_enable_after = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold off automatic collections for the duration of the block (nested and threaded uses share it)."""
    global _active, _enable_after
    with _lock:
        if _active == 0:
            _enable_after = gc.isenabled()
            gc.disable()
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0 and _enable_after:
                gc.enable()
