"""Extract the single-operation OpenAPI document embedded in a documentation page.

A page is markdown; its OpenAPI section is a fence opened by four backticks and
`yaml <method> <path>`, closed by four backticks, holding a self-contained document.
"""

import re
from dataclasses import dataclass
from typing import Any

from scripts.core.errors import ToolchainError
from scripts.core.yamlio import YAMLError, load_yaml

_FENCE = re.compile(
    r"^````yaml[ \t]+(?P<method>[a-z]+)[ \t]+(?P<path>/\S*)[ \t]*\n(?P<body>.*?)^````[ \t]*$",
    re.MULTILINE | re.DOTALL,
)


@dataclass(frozen=True)
class PageOperation:
    method: str
    path: str
    document: dict[str, Any]


def extract_page_operation(text: str, page_name: str) -> PageOperation:
    """Return the method, path and document of the page's OpenAPI fence."""
    matches = list(_FENCE.finditer(text))
    if len(matches) != 1:
        found = "no" if not matches else str(len(matches))
        raise ToolchainError(
            f"page {page_name}: expected one ````yaml <method> <path> fence, found {found}; "
            "is this a documentation page (or was the download truncated)?"
        )
    match = matches[0]
    try:
        document = load_yaml(match["body"])
    except YAMLError as exc:
        reason = str(exc).replace("\n", " ")
        raise ToolchainError(f"page {page_name}: invalid YAML in the OpenAPI fence: {reason}") from exc
    method, path = match["method"], match["path"]
    operation = (
        (document or {}).get("paths", {}).get(path, {}).get(method) if isinstance(document, dict) else None
    )
    if not isinstance(operation, dict) or not str(document.get("openapi", "")).startswith("3."):
        raise ToolchainError(
            f"page {page_name}: the fence is not an OpenAPI 3 document with {method.upper()} {path}"
        )
    return PageOperation(method=method, path=path, document=document)
