"""Warn once per call site when a deprecated operation is called.

Why this exists: the spec marks operations `deprecated: true`, which openapi-python-client 0.29.1
ignores; a spec patch cannot add a warning to code. The four functions of a deprecated endpoint module call
`warn_deprecated` (the endpoint template); the successor comes from the generated table
`deprecated_operations.DEPRECATED` (`scripts/patch/deprecations.py`). Delete this module when the generator
warns for deprecated operations itself.
"""

import sys
import warnings

_PACKAGE_PREFIX = __name__.rpartition(".")[0] + "."  # `cekura_client.`, or the vendored name


def warn_deprecated(operation: str) -> None:
    """A `DeprecationWarning` for `operation` (its module name), attributed to the caller's own line.

    The stack level is the first frame outside this package, so the warning names the line that
    called the client, whichever layer (resource method, `sync`, `sync_detailed`) it came through,
    and Python's default filter shows it once per such line.
    """
    from cekura_client.deprecated_operations import DEPRECATED

    level = 2  # 1 is this function; 2 the frame that called it
    frame = sys._getframe(1)
    while frame is not None and str(frame.f_globals.get("__name__", "")).startswith(_PACKAGE_PREFIX):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    warnings.warn(
        f"{operation} is deprecated: {DEPRECATED.get(operation, 'see the API reference')}",
        DeprecationWarning,
        stacklevel=level,
    )
