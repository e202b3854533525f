"""Compare each documentation page's operation with the monolithic document's.

When `spec/sources.yaml` declares both, the pages are the documentation users read and the
document is what the client is generated from; the docs site publishes them separately and not
always from one version. A page embeds its operation as the docs render it (vendor extensions
removed, security narrowed to `api_key`, with the component schemas it references), so the
document's operation is seen the same way before comparing: a difference is a real one (e.g. a
field the page has and the document lacks). The patch report lists every page that differs;
`nox -s patch -- --strict-pages` fails on one.
"""

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scripts.core.errors import ToolchainError
from scripts.core.openapi_document import referenced_components
from scripts.patch.normalizers import strip_vendor_extensions
from scripts.upstream.assemble_pages import first_difference
from scripts.upstream.pages import PageOperation, extract_page_operation
from scripts.upstream.sources import Source

PAGE_SCHEME = "api_key"


def pages_components(document: dict[str, Any]) -> dict[str, Any]:
    """The document's components as every page shows them (vendor extensions removed).

    Made once for all pages: a copy of the whole `components` for each of the 26 pages cost
    0.25 s of the 1.8 s `patch_spec --force` took.
    """
    view = {"components": copy.deepcopy(document.get("components", {}))}
    strip_vendor_extensions.normalize(view)
    components: dict[str, Any] = view["components"]
    return components


def _as_pages_render(document: dict[str, Any], page: PageOperation) -> dict[str, Any] | None:
    """The document's operation as a page shows it, or None if absent."""
    operation = document.get("paths", {}).get(page.path, {}).get(page.method)
    if not isinstance(operation, dict):
        return None
    rendered: dict[str, Any] = copy.deepcopy(operation)
    strip_vendor_extensions.normalize({"paths": {page.path: {page.method: rendered}}})
    if "security" in rendered:
        rendered["security"] = [r for r in rendered["security"] if PAGE_SCHEME in r]
    return rendered


def page_difference(
    document: dict[str, Any], page_name: str, text: str, components: dict[str, Any] | None = None
) -> str | None:
    """How the page's operation differs from the document's, in one line; None when they agree.

    `components` is `pages_components(document)`, when the caller has it already.
    """
    page = extract_page_operation(text, page_name)
    where = f"{page.method.upper()} {page.path}"
    operation = _as_pages_render(document, page)
    if operation is None:
        return f"page {page_name}: {where} is not in the document"
    page_operation = page.document["paths"][page.path][page.method]
    found = []
    if components is None:
        components = pages_components(document)
    pointer = first_difference(operation, page_operation)
    if pointer is not None:
        found.append(f"the operation (first difference at {pointer or 'the top'})")
    try:
        referenced = referenced_components(page.document, page_operation)
    except ToolchainError as exc:
        return f"page {page_name}: {where}: {exc}"
    for section, name in referenced:
        mine = components.get(section, {}).get(name)
        if mine is None:
            found.append(f"{section.removesuffix('s')} {name}, which the document does not define")
            continue
        pointer = first_difference(mine, page.document["components"][section][name])
        if pointer is not None:
            found.append(f"{section.removesuffix('s')} {name} (first difference at {pointer or 'the top'})")
    return f"page {page_name}: {where} differs from the document: {'; '.join(found)}" if found else None


def page_differences(sources: Sequence[Source], cache_dir: Path, document: dict[str, Any]) -> list[str]:
    """One line per declared page that differs from the document (none when either is not declared)."""
    if not any(source.kind == "document" for source in sources):
        return []
    differences = []
    components = pages_components(document)
    for source in sources:
        if source.kind == "page":
            text = (cache_dir / source.file).read_text("utf-8")
            difference = page_difference(document, Path(source.file).name, text, components)
            if difference:
                differences.append(difference)
    return differences


def report_lines(sources: Sequence[Source], differences: Sequence[str]) -> list[str]:
    """The patch report's section on pages."""
    pages = sum(source.kind == "page" for source in sources)
    if not pages or not any(source.kind == "document" for source in sources):
        return []
    if not differences:
        return ["## Pages", "", f"All {pages} pages agree with the document.", ""]
    return [
        "## Pages",
        "",
        f"{len(differences)} of {pages} pages differ from the document (the client follows the document):",
        "",
        *(f"- {line}" for line in differences),
        "",
    ]
