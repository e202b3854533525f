"""Keep the operations the client covers: those that accept its security scheme, and only that scheme.

Policy, not a repair: the public document also describes internal operations (dashboard
sessions, internal tokens, share links) a client built for API keys cannot call. Which scheme
the client uses is configuration, `scope.security_scheme` in `spec/sources.yaml`; this step
applies it before the overlays, so they repair only what the client covers. It never goes stale:
on a version where every operation accepts the key it removes nothing and says so.
Delete when: never. Without a `scope` entry every operation is kept as upstream declares it.

For each operation: without a security requirement naming the scheme it is removed; otherwise
its `security` becomes `[{<scheme>: []}]` (the alternatives, which need other credentials, go),
placed last in the operation as before this was configuration.
"""

from pathlib import Path
from typing import Any

from scripts.core.errors import ToolchainError
from scripts.core.yamlio import YAMLError, load_yaml


def load_scope(sources_file: Path) -> str | None:
    """The `scope.security_scheme` of the sources file, or None when it declares no scope."""
    try:
        raw = load_yaml(sources_file.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as exc:
        raise ToolchainError(f"cannot read sources file {sources_file}: {exc}") from exc
    scope = raw.get("scope") if isinstance(raw, dict) else None
    if scope is None:
        return None
    scheme = scope.get("security_scheme") if isinstance(scope, dict) else None
    if not isinstance(scheme, str) or not scheme:
        raise ToolchainError(
            f"{sources_file}: `scope` needs a `security_scheme` naming one of the document's "
            "security schemes, e.g. `scope: {security_scheme: api_key}`"
        )
    return scheme


def normalize(document: dict[str, Any], scheme: str) -> list[str]:
    schemes = document.get("components", {}).get("securitySchemes", {})
    if scheme not in schemes:
        raise ToolchainError(
            f"the scope's security scheme {scheme!r} is not in the document's securitySchemes "
            f"({', '.join(sorted(schemes)) or 'none'}); fix `scope` in spec/sources.yaml"
        )
    removed = kept = 0
    for item in (document.get("paths") or {}).values():
        if not isinstance(item, dict):
            continue
        for key, child in list(item.items()):
            if not isinstance(child, dict):
                continue
            if "responses" in child and not any(
                isinstance(requirement, dict) and scheme in requirement
                for requirement in child.get("security") or []
            ):
                del item[key]
                removed += 1
                continue
            child.pop("security", None)
            if "responses" in child:
                child["security"] = [{scheme: []}]
                kept += 1
    if not removed:
        return [f"all {kept} operations accept {scheme}; nothing removed"]
    return [
        f"removed {removed} operation(s) that do not accept {scheme}; {kept} kept, called with {scheme} only"
    ]
