"""Assemble documentation pages into one OpenAPI document.

Each docs page embeds a self-contained single-operation document (see `scripts/pages.py`);
merging them gives one document for the operations the docs publish. Nothing is guessed: an
operation or component that two pages define differently is an error naming both pages, because
the merged document can hold only one of them. `nox -s patch` assembles the pages when
`spec/sources.yaml` declares no monolithic document.
"""

from collections.abc import Sequence
from typing import Any

from scripts.core.errors import ToolchainError
from scripts.core.openapi_document import HTTP_METHODS, escape_token
from scripts.upstream.pages import extract_page_operation

_MERGED_ROOT_KEYS = ("paths", "components")
_MISSING = object()


def assemble_pages(pages: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Merge the OpenAPI fences of `(page_name, markdown_text)` pairs into one document.

    Paths are united and `components` merged section by section: an entry that several pages
    define identically is kept once; defined differently, it is an error. Every other top-level
    field (`openapi`, `info`, `servers`, `security`, ...) must be the same on every page, since
    the merged document has one of each. Keys keep their order of first appearance, so the
    result depends only on the order of `pages`.
    """
    if not pages:
        raise ToolchainError("no pages to assemble")
    assembled: dict[str, Any] = {}
    origins: dict[tuple[str, ...], str] = {}  # which page each merged entry came from
    first_page = pages[0][0]
    for index, (page_name, text) in enumerate(pages):
        document = extract_page_operation(text, page_name).document
        if index == 0:
            assembled.update(
                {key: ({} if key in _MERGED_ROOT_KEYS else value) for key, value in document.items()}
            )
        else:
            _check_root_agrees(assembled, document, first_page, page_name)
        _merge_paths(assembled, document, page_name, origins)
        _merge_components(assembled, document, page_name, origins)
    return assembled


def _check_root_agrees(
    assembled: dict[str, Any], document: dict[str, Any], first_page: str, page_name: str
) -> None:
    for key in dict.fromkeys([*assembled, *document]):
        if key in _MERGED_ROOT_KEYS:
            continue
        mine, theirs = assembled.get(key, _MISSING), document.get(key, _MISSING)
        if mine is _MISSING or theirs is _MISSING:
            detail = f"only {first_page if theirs is _MISSING else page_name} has it"
        else:
            where = first_difference(mine, theirs)
            if where is None:
                continue
            detail = f"first difference at {where or 'the top'}"
        raise ToolchainError(
            f"pages {first_page} and {page_name} disagree on top-level `{key}` ({detail}); "
            "all pages must come from one version of the API"
        )


def _merge_paths(
    assembled: dict[str, Any],
    document: dict[str, Any],
    page_name: str,
    origins: dict[tuple[str, ...], str],
) -> None:
    paths = _mapping(document.get("paths", {}), f"page {page_name}: `paths`")
    merged_paths = assembled.setdefault("paths", {})
    for path, item in paths.items():
        item = _mapping(item, f"page {page_name}: paths.{path}")
        merged_item = merged_paths.setdefault(path, {})
        for key, value in item.items():
            label = f"{key.upper()} {path}" if key in HTTP_METHODS else f"paths.{path}.{key}"
            _merge_entry(merged_item, key, value, ("paths", path, key), label, page_name, origins)


def _merge_components(
    assembled: dict[str, Any],
    document: dict[str, Any],
    page_name: str,
    origins: dict[tuple[str, ...], str],
) -> None:
    if "components" not in document:
        return
    components = _mapping(document["components"], f"page {page_name}: `components`")
    merged = assembled.setdefault("components", {})
    for section, entries in components.items():
        label = f"components.{section}"
        if isinstance(entries, dict) and isinstance(merged.get(section, {}), dict):
            merged_section = merged.setdefault(section, {})
            for name, value in entries.items():
                origin = ("components", section, name)
                _merge_entry(merged_section, name, value, origin, f"{label}.{name}", page_name, origins)
        else:  # not a name map (e.g. an `x-` extension): the whole value must agree
            _merge_entry(merged, section, entries, ("components", section), label, page_name, origins)


def _merge_entry(
    target: dict[str, Any],
    key: str,
    value: Any,
    origin: tuple[str, ...],
    label: str,
    page_name: str,
    origins: dict[tuple[str, ...], str],
) -> None:
    """Add `target[key] = value`, or check it equals what an earlier page put there."""
    if key not in target:
        target[key] = value
        origins[origin] = page_name
        return
    where = first_difference(target[key], value)
    if where is not None:
        raise ToolchainError(
            f"pages {origins[origin]} and {page_name} define {label} differently "
            f"(first difference at {where or 'the top'}); "
            "all pages must come from one version of the API"
        )


def first_difference(a: Any, b: Any, pointer: str = "") -> str | None:
    """Return the JSON pointer where `a` and `b` first differ, or None if they are equal.

    Stricter than `==`: `true` differs from `1`, and `1` from `1.0`. Key order does not count,
    as in JSON; the merged document keeps the first page's order.
    """
    if type(a) is not type(b):
        return pointer
    if isinstance(a, dict):
        for key in dict.fromkeys([*a, *b]):
            here = f"{pointer}/{escape_token(key)}"
            if key not in a or key not in b:
                return here
            found = first_difference(a[key], b[key], here)
            if found is not None:
                return found
        return None
    if isinstance(a, list):
        for index, (x, y) in enumerate(zip(a, b, strict=False)):
            found = first_difference(x, y, f"{pointer}/{index}")
            if found is not None:
                return found
        return None if len(a) == len(b) else f"{pointer}/{min(len(a), len(b))}"
    return None if a == b else pointer


def _mapping(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ToolchainError(f"{what} is not a mapping")
    return value
