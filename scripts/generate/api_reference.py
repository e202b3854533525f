"""`api.md`: the reference of every operation of the generated client, one file like Stainless's.

Built from the resource tree (`scripts/generate/resource_tree.py`: the methods with the signatures read from
the generated code) and the patched document (HTTP method and path, summary, deprecation), so it
lists exactly what the client has. Per resource, each method with its parameters and return type,
its `METHOD /path`, the body's model, its summary (whose operation names `operation_references`
rewrote to the client's) and, when deprecated, what to use instead.
"""

import ast

from scripts.generate.resource_tree import BODY_PARAMETER, Method, ResourceModule, docstring_text

TITLE = "# Cekura API reference"


def parameters(method: Method) -> str:
    """`id, *, body, page=...`: names, `*` before the keyword-only ones, `=...` when optional."""
    names = []
    first_default = len(method.positional) - len(method.positional_defaults)
    for index, arg in enumerate(method.positional):
        names.append(arg.arg + ("=..." if index >= first_default else ""))
    if method.keyword_only:
        names.append("*")
    names += [arg.arg + ("=..." if default is not None else "") for arg, default in method.keyword_only]
    return ", ".join(names)


def entry(resource: str, method: Method, notices: dict[str, str]) -> list[str]:
    facts = method.facts
    details = [f"`{facts.method} {facts.path}`"]
    body = next((arg for arg, _ in method.keyword_only if arg.arg == BODY_PARAMETER), None)
    if body is not None and method.body_models:
        details.append(f"body `{' | '.join(method.body_models)}` or a mapping")
    details.append(f"module `api.{resource}.{method.module}`")
    lines = [
        f"### `{method.name}({parameters(method)}) -> {ast.unparse(method.returns)}`",
        "",
        " · ".join(details),
        "",
    ]
    summary = docstring_text(facts.summary)
    if summary:
        lines += [summary, ""]
    if facts.deprecated:
        lines += [f"**Deprecated**: {notices.get(method.module, 'no successor is documented')}.", ""]
    return lines


def render(resources: dict[str, ResourceModule], notices: dict[str, str]) -> str:
    count = sum(len(module.methods) for module in resources.values())
    lines = [
        TITLE,
        "",
        f"{count} operations in {len(resources)} resources, generated from the patched OpenAPI document "
        "(`nox -s generate`). Each is a method of `Cekura()` and, to `await`, of `AsyncCekura()`: "
        "`client.<resource>.<method>(...)`. It returns the success model shown and raises the "
        "`cekura_client.APIStatusError` subclass of any other status. Parameters after `*` are "
        "keywords; `=...` marks an optional one. The module beside each method is the low-level "
        "layer (`sync`, `asyncio`, `sync_detailed`, `asyncio_detailed`).",
        "",
        "## Resources",
        "",
        *(f"- [`{name}`](#{name}) ({len(module.methods)})" for name, module in sorted(resources.items())),
        "",
    ]
    for name, module in sorted(resources.items()):
        lines += [
            f"## {name}",
            "",
            f"`client.{name}`: `{module.class_name}`, `Async{module.class_name}`.",
            "",
        ]
        for method in sorted(module.methods, key=lambda m: m.name):
            lines += entry(name, method, notices)
    return "\n".join(lines).rstrip("\n") + "\n"
