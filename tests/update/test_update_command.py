"""`nox -s update` as CI reads it, on the small project of `update_driver`: exit codes 0/10/20/1 and what
each prints, the arguments `main` passes on, and the staging steps (the image's files, the checks'
environment, the install's moves, the changelog's title, the `--from` download)."""

import functools
import json
import signal
import sys
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from loopback import serving
from update_driver import TODAY, URL, document, prepare

from scripts.core import paths
from scripts.core.errors import ToolchainError
from scripts.core.jsonio import dump_json, sha256_hex
from scripts.update import update_spec
from scripts.update.changelog import heading
from scripts.update.update_checks import default_check
from scripts.update.update_spec import (
    UpdateLayout,
    _title,
    check_environment,
    copy_project,
    execute,
    fetch_new,
    install_moves,
)
from scripts.upstream.fetch_spec import RetryPolicy
from scripts.upstream.lock import Lock, LockedFile, read_lock
from scripts.upstream.sources import Source

PASS = (sys.executable, "-c", "pass")
FAIL = (sys.executable, "-c", "raise SystemExit(3)")


def update(layout: UpdateLayout, origin: Path, check: Any = PASS) -> int:
    return execute(layout, origin=str(origin), check=check, today=TODAY)


def test_exit_codes_and_output_of_compatible_no_change_breaking_and_failed_updates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    layout = prepare(tmp_path / "project")
    # A staging parent that does not exist yet is made, parents included.
    layout = replace(layout, staging_parent=tmp_path / "not" / "yet")
    origin = tmp_path / "project" / "next.json"
    old_sha = read_lock(layout.patch.lock_file).sources["openapi.json"].sha256
    new_sha = sha256_hex(origin.read_bytes())

    handlers = (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
    assert update(layout, origin) == 10
    out, err = capsys.readouterr()
    assert err == ""
    title = heading(TODAY, new_sha, old_sha, "2026-08-01")
    assert out.startswith(title + "\n")
    assert "\n### " not in out and "### " not in out
    assert out.endswith("\nupdate: appended the entry to CHANGELOG.md (exit 10)\n")
    changelog = layout.changelog.read_text("utf-8")
    assert title in changelog and "gadgets" in changelog
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers  # put back

    assert update(layout, origin) == 0
    assert capsys.readouterr() == ("update: the upstream is the locked version; nothing changed\n", "")

    older = tmp_path / "older.json"
    older.write_bytes(dump_json(document(1)))
    assert update(layout, older, check=FAIL) == 1
    out, err = capsys.readouterr()
    assert (out, err) == (
        "",
        f"error: the checks failed on the staged update (`{' '.join(FAIL)}` exited 3); "
        "nothing was installed\n",
    )
    assert read_lock(layout.patch.lock_file).sources["openapi.json"].sha256 == new_sha

    assert update(layout, older) == 20  # the gadgets operation is gone: breaking
    out, _ = capsys.readouterr()
    assert out.endswith("update: appended the entry to CHANGELOG.md (exit 20)\n")
    changelog = layout.changelog.read_text("utf-8")
    assert "**breaking**" in changelog
    assert changelog.startswith("# Spec changelog\n") and title in changelog  # appended, not replaced


def test_an_old_document_the_current_overlays_do_not_fit_is_compared_unpatched_and_noted(
    tmp_path: Path,
) -> None:
    layout = prepare(tmp_path)
    overlay = {
        "overlay": "1.0.0",
        "info": {"title": "gadgets", "version": "1"},
        "actions": [
            {"target": "$.paths['/test_framework/v1/gadgets/{id}/'].get", "update": {"summary": "G"}}
        ],
    }
    (layout.patch.overlays_dir / "10-gadgets.yaml").write_text(json.dumps(overlay), encoding="utf-8")
    assert update(layout, tmp_path / "next.json") == 10
    changelog = layout.changelog.read_text("utf-8")
    assert (
        "The Python surface is compared on the unpatched documents: the current overlays do not " in changelog
    )


def test_the_checks_see_the_default_mirror_only_when_none_is_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "project"
    default = tmp_path / "shared" / "cekura-spec"
    monkeypatch.setattr(paths, "ROOT", root)
    monkeypatch.delenv("CEKURA_SPEC_MIRROR", raising=False)
    assert "CEKURA_SPEC_MIRROR" not in check_environment()  # no mirror beside the project
    default.mkdir(parents=True)
    assert check_environment()["CEKURA_SPEC_MIRROR"] == str(default)
    monkeypatch.setenv("CEKURA_SPEC_MIRROR", "https://mirror.example/spec")
    assert check_environment()["CEKURA_SPEC_MIRROR"] == "https://mirror.example/spec"


def test_the_image_holds_the_code_and_the_spec_inputs_not_outputs_or_caches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "project"
    files = [
        ".generate-123/stale.py",
        ".git/HEAD",
        "README.md",
        "generated/cekura_client/x.py",
        "overrides/cekura_client/keep.py",
        "reports/mutants.md",
        "scripts/__pycache__/a.cpython-311.pyc",
        "scripts/a.py",
        "spec/CHANGELOG.md",
        "spec/build/openapi.json",
        "spec/lock.json",
        "spec/notes.md",
        "spec/overlays/ignored.yaml",
        "spec/samples/one.json",
        "spec/sources.yaml",
        "spec/upstream/openapi.json",
        "tests/test_x.py",
    ]
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(name, encoding="utf-8")
    (root / "scripts" / "link.py").symlink_to("a.py")
    spec = tmp_path / "layout-spec"  # the layout's overlays and sources, not the project's
    (spec / "overlays").mkdir(parents=True)
    (spec / "overlays" / "10-fix.yaml").write_text("fix", encoding="utf-8")
    (spec / "sources.yaml").write_text("layout sources", encoding="utf-8")
    monkeypatch.setattr(paths, "ROOT", root)
    monkeypatch.setattr(paths, "SPEC_DIR", root / "spec")
    layout = UpdateLayout(
        patch=replace(
            UpdateLayout().patch, overlays_dir=spec / "overlays", sources_file=spec / "sources.yaml"
        ),
        overrides_dir=root / "overrides",
    )
    image = tmp_path / "image"
    image.mkdir()
    copy_project(layout, image)
    copied = sorted(p.relative_to(image).as_posix() for p in image.rglob("*") if not p.is_dir())
    assert copied == [
        "README.md",
        "overrides/cekura_client/keep.py",
        "scripts/a.py",
        "scripts/link.py",
        "spec/notes.md",
        "spec/overlays/10-fix.yaml",
        "spec/samples/one.json",
        "spec/sources.yaml",
        "tests/test_x.py",
    ]
    assert (image / "scripts" / "link.py").is_symlink()
    assert (image / "spec" / "sources.yaml").read_text("utf-8") == "layout sources"


def test_the_install_moves_the_outputs_and_the_lock_last(tmp_path: Path) -> None:
    layout = prepare(tmp_path / "project")
    image, stage = tmp_path / "image", tmp_path / "stage"
    staged = replace(
        layout.patch,
        lock_file=image / "spec" / "lock.json",
        cache_dir=image / "spec" / "upstream",
        output=image / "spec" / "build" / "openapi.json",
    )
    moves = install_moves(layout, staged, image, stage)
    assert [(m.staged, m.target) for m in moves] == [
        (image / "spec" / "upstream", layout.patch.cache_dir),
        (image / "spec" / "build", layout.patch.output.parent),
        (image / "generated", layout.generated_dir),
        (image / "spec" / "CHANGELOG.md", layout.changelog),
        (image / "spec" / "lock.json", layout.patch.lock_file),
    ]
    assert [m.backup for m in moves] == [stage / "previous" / m.staged.name for m in moves]
    apart = replace(layout, patch=replace(layout.patch, report_file=tmp_path / "elsewhere" / "report.md"))
    with pytest.raises(ToolchainError, match=r"^the patched document and its report must share one build"):
        install_moves(apart, staged, image, stage)


def test_the_changelog_title_names_the_document_or_the_first_source() -> None:
    pages = [Source("page", "https://docs.cekura.ai/a.md", "a.md"), Source("page", "https://x/b.md", "b.md")]
    old = Lock({"a.md": LockedFile(pages[0].url, "1" * 64, 1, "2026-07-01")})
    new = Lock(
        {"a.md": LockedFile(pages[0].url, "2" * 64, 1, TODAY), "b.md": LockedFile("u", "3" * 64, 1, TODAY)}
    )
    assert _title(old, new, pages, TODAY) == heading(TODAY, "2" * 64, "1" * 64, "2026-07-01")
    document = Source("document", URL, "openapi.json")
    first = Lock({"openapi.json": LockedFile(URL, "4" * 64, 1, TODAY)})
    assert _title(Lock(), first, [*pages, document], TODAY) == heading(TODAY, "4" * 64, "none", "never")


@pytest.fixture
def moved_document(tmp_path: Path) -> Iterator[str]:
    """A loopback server whose `/moved.json` redirects to the document: yields the redirecting URL."""
    body = dump_json(document(2))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/moved.json":
                self.send_response(301)
                self.send_header("Location", "/openapi.json")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Keep test output quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with serving(server):
        yield f"http://127.0.0.1:{server.server_address[1]}/moved.json"


def test_from_takes_the_document_from_its_origin_and_the_pages_from_the_mirror_even_changed(
    tmp_path: Path, moved_document: str, mirror: Path
) -> None:
    page_text = (mirror / "pages" / "run-evaluator-pipecat.md").read_bytes()
    sources = [
        Source("document", URL, "openapi.json"),
        Source("page", "https://docs.cekura.ai/a.md", "pages/run-evaluator-pipecat.md"),
    ]
    lock = Lock({sources[1].file: LockedFile(sources[1].url, "0" * 64, 1, "2026-07-01")})  # it changed
    policy = RetryPolicy(attempts=1, timeout_seconds=5.0)
    fetched = fetch_new(sources, lock, origin=moved_document, mirror=str(mirror), policy=policy)
    assert [(item.source.file, item.data) for item in fetched] == [
        ("openapi.json", dump_json(document(2))),
        ("pages/run-evaluator-pipecat.md", page_text),
    ]


def test_main_passes_the_chosen_check_and_the_mirror_on(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []

    def record(layout: UpdateLayout, **options: Any) -> int:
        calls.append(options)
        return 10

    monkeypatch.setattr(update_spec, "execute", record)
    monkeypatch.setenv("CEKURA_SPEC_MIRROR", "/srv/mirror")
    assert update_spec.main(["--from", "new.json"]) == 10
    assert update_spec.main(["--jobs", "3"]) == 10
    monkeypatch.setenv("CEKURA_SPEC_MIRROR", "")
    assert update_spec.main(["--check", "true"]) == 10
    assert [(c["origin"], c["mirror"]) for c in calls] == [
        ("new.json", "/srv/mirror"),
        (None, "/srv/mirror"),
        (None, None),
    ]
    first, second, third = (c["check"] for c in calls)
    assert isinstance(first, functools.partial) and first.func is default_check
    assert first.keywords == {"jobs": "auto"} and second.keywords == {"jobs": "3"}
    assert list(third) == ["true"]


def test_without_from_every_source_comes_from_the_mirror_and_may_differ_from_the_lock(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "openapi.json").write_bytes(dump_json(document(2)))
    source = Source("document", URL, "openapi.json")
    lock = Lock({"openapi.json": LockedFile(URL, sha256_hex(dump_json(document(1))), 1, "2026-08-01")})
    fetched = fetch_new([source], lock, origin=None, mirror=str(mirror), policy=RetryPolicy())
    assert [(item.source, item.data) for item in fetched] == [(source, dump_json(document(2)))]


def test_the_checks_are_told_of_the_client_the_update_built_and_of_no_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CEKURA_PREBUILT_CLIENT", "/stale/client")
    assert "CEKURA_PREBUILT_CLIENT" not in check_environment()
    assert check_environment(tmp_path / "generated")["CEKURA_PREBUILT_CLIENT"] == str(tmp_path / "generated")


def test_the_checks_of_an_update_get_the_client_it_built(tmp_path: Path) -> None:
    layout = prepare(tmp_path)
    probe = (
        "import os, pathlib, sys; client = pathlib.Path(os.environ.get('CEKURA_PREBUILT_CLIENT', '/none')); "
        "sys.exit(0 if client == pathlib.Path.cwd() / 'generated' and client.is_dir() else 5)"
    )
    assert update(layout, tmp_path / "next.json", check=(sys.executable, "-c", probe)) == 10
