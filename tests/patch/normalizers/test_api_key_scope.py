"""The client's scope (`scope` in spec/sources.yaml), applied by a normalizer that never goes stale."""

import json
from pathlib import Path
from typing import Any

import pytest
from repairs import requires_overlay

from scripts.core import paths
from scripts.core.errors import ToolchainError
from scripts.core.jsonio import dump_json, sha256_hex
from scripts.patch.normalizers.api_key_scope import load_scope, normalize
from scripts.patch.patch_spec import patch_document
from scripts.upstream.lock import read_lock

SCHEMES = {"api_key": {"type": "apiKey"}, "session": {"type": "http"}}


def operation(*security: dict[str, list[str]]) -> dict[str, Any]:
    return {"security": list(security), "responses": {"200": {"description": "ok"}}, "summary": "s"}


def test_keeps_the_operations_that_accept_the_scheme_called_with_it_alone() -> None:
    document: dict[str, Any] = {
        "paths": {
            "/both": {"get": operation({"session": []}, {"api_key": []}), "parameters": []},
            "/internal": {"post": operation({"session": []}), "delete": {"responses": {}}},
        },
        "components": {"securitySchemes": SCHEMES},
    }
    assert normalize(document, "api_key") == [
        "removed 2 operation(s) that do not accept api_key; 1 kept, called with api_key only"
    ]
    assert document["paths"] == {
        "/both": {
            "get": {
                "responses": {"200": {"description": "ok"}},
                "summary": "s",
                "security": [{"api_key": []}],
            },
            "parameters": [],
        },
        "/internal": {},
    }


def test_a_version_where_every_operation_accepts_the_key_is_not_stale() -> None:
    document: dict[str, Any] = {
        "paths": {"/a": {"get": operation({"api_key": []}), "put": operation({"api_key": []})}},
        "components": {"securitySchemes": SCHEMES},
    }
    assert normalize(document, "api_key") == ["all 2 operations accept api_key; nothing removed"]
    assert list(document["paths"]["/a"]) == ["get", "put"]


def test_a_scheme_the_document_does_not_define_is_an_error() -> None:
    with pytest.raises(ToolchainError, match=r"security scheme 'token' is not in .*api_key, session"):
        normalize({"paths": {}, "components": {"securitySchemes": SCHEMES}}, "token")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("document: {url: u}\n", None),
        ("scope: {security_scheme: api_key}\ndocument: {url: u}\n", "api_key"),
        ("scope: api_key\n", ToolchainError),
        ("scope: {security_scheme: ''}\n", ToolchainError),
    ],
)
def test_the_scope_is_read_from_the_sources_file(tmp_path: Path, text: str, expected: object) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(text, encoding="utf-8")
    if expected is ToolchainError:
        with pytest.raises(ToolchainError, match=r"`scope` needs a `security_scheme`"):
            load_scope(sources)
    else:
        assert load_scope(sources) == expected


def test_the_committed_scope_gives_the_locked_patched_document() -> None:
    """Scope as configuration patches the locked upstream to the very bytes the lock records."""
    upstream = paths.UPSTREAM_DIR / "openapi.json"
    if not upstream.is_file():
        pytest.fail(f"{upstream} is missing: run the tests through `nox -s tests`")
    document = json.loads(upstream.read_text("utf-8"))
    overlays = sorted(paths.OVERLAYS_DIR.glob("*.yaml"))
    result = patch_document(document, overlays, scope=load_scope(paths.SOURCES_FILE))
    assert sha256_hex(dump_json(result.document)) == read_lock(paths.LOCK_FILE).patched["sha256"]


def test_a_repair_test_is_skipped_saying_which_overlay_is_gone() -> None:
    gone = requires_overlay("99-gone.yaml")
    assert gone.args == (True,)
    assert gone.kwargs["reason"] == (
        "overlay 99-gone.yaml is gone, so the repair this test checks is no longer applied"
    )
    assert requires_overlay("01-request-body-media-types.yaml").args == (False,)
