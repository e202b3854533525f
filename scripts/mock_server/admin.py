"""The mock's own routes, under `/__mock__/` (no API key; the mock listens on loopback only).

- `POST /__mock__/reset`: back to the state at start (seeded objects, start fault rules, counts at 0).
- `GET /__mock__/requests`: `{"requests": {"GET /path/": n}, "faults": {"GET /path/": n}}`, how many
  requests each method and path received and how many got a fault (a client's retries show here).
- `POST /__mock__/faults` with `{"rule": "GET /test_framework/*: 503 x2"}`: add a fault rule.
- `DELETE /__mock__/faults`: remove every rule (those given at start too, until a reset).
"""

import json
from typing import TYPE_CHECKING, Any

from .faults import FaultSyntaxError
from .request_check import HttpRequest

if TYPE_CHECKING:
    from .app import MockApp

ADMIN_PREFIX = "/__mock__/"


def admin_answer(app: "MockApp", request: HttpRequest) -> tuple[int, Any]:
    """The status and JSON body (None: no body) of an admin request."""
    route = (request.method.upper(), request.path[len(ADMIN_PREFIX) :].strip("/"))
    if route == ("POST", "reset"):
        app.reset()
        return 204, None
    if route == ("GET", "requests"):
        return 200, {"requests": dict(app.faults.requests), "faults": dict(app.faults.faults)}
    if route == ("POST", "faults"):
        try:
            rule = json.loads(request.body or b"{}").get("rule")
            added = app.faults.add(str(rule))
        except (ValueError, AttributeError, FaultSyntaxError) as problem:
            return 400, {"rule": [str(problem)]}
        return 201, {"rule": added.text}
    if route == ("DELETE", "faults"):
        app.faults.clear()
        return 204, None
    return 404, {"detail": f"no admin route {request.method.upper()} {request.path}"}
