"""The document as the changelog compares it: the client's scope, with no overlay applied.

Why not the patched document: the overlays in `spec/overlays/` are written against the current
upstream, and on an older version some of their actions match nothing (on the 2026-07-01 document,
overlays 21, 22 and 24), which the patch step rightly treats as an error. The changelog must
compare any two versions, so it compares this view instead: the operations that accept the
`api_key` scheme (the client's scope, as `api_key_scope` selects it), cleaned by the normalizers that
depend on no overlay and change no meaning (`strip_vendor_extensions`, `dedupe_type_lists`,
`prune_unreferenced`). Upstream operationIds and schema names are kept, so a renamed operationId
shows up as one; the client's own names are derived from paths where the Python layer needs them.
"""

import copy
from typing import Any

from scripts.core.openapi_document import iter_operations
from scripts.patch.normalizers import dedupe_type_lists, prune_unreferenced, strip_vendor_extensions

API_KEY_SCHEME = "api_key"


def keep_api_key_operations(document: dict[str, Any]) -> None:
    """Delete, in place, every operation none of whose security requirements names `api_key`."""
    for path, method, operation in list(iter_operations(document)):
        if not any(API_KEY_SCHEME in requirement for requirement in operation.get("security") or []):
            del document["paths"][path][method]


def comparison_view(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of `document` reduced to the client's scope and cleaned; `document` is not changed."""
    view = copy.deepcopy(document)
    keep_api_key_operations(view)
    for normalize in (strip_vendor_extensions.normalize, dedupe_type_lists.normalize):
        normalize(view)
    prune_unreferenced.normalize(view)
    return view
