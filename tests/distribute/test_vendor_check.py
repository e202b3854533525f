"""`python -m scripts.distribute.vendor DEST --package NAME --check` as CI runs it: the exit code says
whether a vendored copy's provenance stamp matches the current lock, field by field; and the stamp."""

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.core import paths
from scripts.core.errors import ToolchainError
from scripts.distribute.provenance import Provenance, current_provenance, project_commit, read_provenance
from scripts.distribute.vendor import check_package_name, rewrite_references, vendor
from scripts.distribute.vendor import main as vendor_main
from scripts.upstream.lock import Lock, read_lock
from scripts.upstream.sources import load_sources

PACKAGE = "myapp._vendor.cekura"


def current() -> Provenance:
    return current_provenance(read_lock(paths.LOCK_FILE), load_sources(paths.SOURCES_FILE), project_commit())


def check(dest: Path, package: str = PACKAGE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scripts.distribute.vendor", str(dest), "--package", package, "--check"],
        cwd=paths.ROOT,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=False,
    )


def stamp(dest: Path, provenance: Provenance) -> Path:
    copy = dest / "myapp" / "_vendor" / "cekura"
    copy.mkdir(parents=True, exist_ok=True)
    (copy / "_provenance.py").write_text(provenance.as_module(), encoding="utf-8")
    return copy


def test_check_of_a_missing_copy_exits_1(tmp_path: Path) -> None:
    completed = check(tmp_path)
    assert completed.returncode == 1, completed.stderr
    expected = tmp_path / "myapp" / "_vendor" / "cekura"
    assert completed.stdout == f"vendor: stale: no vendored copy at {expected}\n"


def test_check_of_a_current_copy_exits_0(tmp_path: Path) -> None:
    stamp(tmp_path, current())
    completed = check(tmp_path)
    assert (completed.returncode, completed.stdout) == (0, "vendor: up to date with spec/lock.json\n")


@pytest.mark.parametrize("field", ["spec_sha256", "patched_sha256", "generator_version"])
def test_check_exits_1_when_a_field_that_decides_the_code_differs(tmp_path: Path, field: str) -> None:
    now = current()
    old_value = "0" * 64 if field.endswith("sha256") else "0.0.1"
    stamp(tmp_path, dataclasses.replace(now, **{field: old_value}))
    completed = check(tmp_path)
    assert completed.returncode == 1
    assert completed.stdout == (f"vendor: stale: {field} {old_value[:16]} != {getattr(now, field)[:16]}\n")


def test_check_names_every_differing_field(tmp_path: Path) -> None:
    now = current()
    stamp(tmp_path, dataclasses.replace(now, spec_sha256="a" * 64, generator_version="0.0.1"))
    completed = check(tmp_path)
    assert completed.returncode == 1
    assert completed.stdout.count(" != ") == 2
    assert "; " in completed.stdout


@pytest.mark.parametrize("field", ["spec_date", "project_version", "project_commit"])
def test_fields_that_do_not_change_the_code_do_not_make_it_stale(tmp_path: Path, field: str) -> None:
    stamp(tmp_path, dataclasses.replace(current(), **{field: "other"}))
    assert check(tmp_path).returncode == 0


def test_an_altered_stamp_exits_1_with_advice(tmp_path: Path) -> None:
    copy = stamp(tmp_path, current())
    (copy / "_provenance.py").write_text("PROVENANCE = {'spec_sha256': 'x'}\n", encoding="utf-8")
    completed = check(tmp_path)
    assert completed.returncode == 1
    assert completed.stderr.startswith("error: ")
    assert completed.stderr.rstrip().endswith(
        "no readable provenance stamp (TypeError); vendor the client again"
    )


@pytest.mark.parametrize("package", ["cekura_client", "my-app.cekura", "myapp.class", "1app", "a..b"])
def test_a_bad_package_name_exits_2(tmp_path: Path, package: str) -> None:
    """Refused before anything is read or generated: the usage error's exit code, 2."""
    completed = check(tmp_path, package)
    assert completed.returncode == 2
    assert completed.stderr == (
        f"error: --package {package!r} is not a dotted Python import path other than cekura_client\n"
    )


def test_check_package_name_splits_a_good_name() -> None:
    assert check_package_name("myapp._vendor.cekura") == ["myapp", "_vendor", "cekura"]
    assert check_package_name("cekura") == ["cekura"]


def test_the_stamp_reads_back_whole() -> None:
    provenance = Provenance("a" * 64, "2026-08-18", "b" * 64, "0.29.1", "0.1.0", "c" * 40)
    module = provenance.as_module()
    assert module.startswith('"""Where this copy of the Cekura client comes from')
    namespace: dict[str, object] = {}
    exec(module, namespace)
    assert namespace["PROVENANCE"] == dataclasses.asdict(provenance)


def test_read_provenance_of_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ToolchainError, match="no readable provenance stamp \\(FileNotFoundError\\)"):
        read_provenance(tmp_path / "_provenance.py")
    (tmp_path / "_provenance.py").write_text("OTHER = {}\n", encoding="utf-8")
    with pytest.raises(ToolchainError, match="no readable provenance stamp \\(StopIteration\\)"):
        read_provenance(tmp_path / "_provenance.py")


def test_current_provenance_comes_from_the_lock() -> None:
    lock = read_lock(paths.LOCK_FILE)
    sources = load_sources(paths.SOURCES_FILE)
    provenance = current_provenance(lock, sources, "abc")
    document = lock.sources["openapi.json"]
    assert (provenance.spec_sha256, provenance.spec_date) == (document.sha256, document.fetched)
    assert provenance.patched_sha256 == lock.patched["sha256"]
    assert provenance.project_commit == "abc"
    assert provenance.generator_version == "0.29.1"
    with pytest.raises(ToolchainError, match="no locked document or patched hash; run `nox -s patch` first"):
        current_provenance(Lock(sources=lock.sources, patched={}), sources, "abc")
    with pytest.raises(ToolchainError, match="no locked document"):
        current_provenance(Lock(sources={}, patched=lock.patched), sources, "abc")


def test_project_commit_is_the_checked_out_commit_or_unknown(tmp_path: Path) -> None:
    assert project_commit(tmp_path) == "unknown"
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "first"], check=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    assert project_commit(tmp_path) == head.stdout.strip()
    assert len(project_commit(tmp_path)) == 40


def test_vendor_rewrites_stamps_and_replaces_a_previous_copy(tmp_path: Path) -> None:
    package = tmp_path / "cekura_client"
    package.mkdir()
    (package / "__init__.py").write_text("from cekura_client.client import Client  # cekura_client_x\n")
    (package / "client.py").write_text("import logging\nlogger = logging.getLogger('cekura_client.x')\n")
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "client.cpython-311.pyc").write_bytes(b"\0")
    provenance = Provenance("a" * 64, "2026-08-18", "b" * 64, "0.29.1", "0.1.0", "c" * 40)
    dest = tmp_path / "repo"
    old = vendor(
        package, dest, PACKAGE, Provenance("d" * 64, "2026-08-07", "e" * 64, "0.29.1", "0.1.0", "f" * 40)
    )
    (old / "left_over.py").write_text("")  # a stamped copy is the tool's own: replaced whole

    target = vendor(package, dest, PACKAGE, provenance)
    assert target == old
    assert sorted(p.name for p in target.iterdir()) == ["__init__.py", "_provenance.py", "client.py"]
    assert (target / "__init__.py").read_text() == f"from {PACKAGE}.client import Client  # cekura_client_x\n"
    assert f"getLogger('{PACKAGE}.x')" in (target / "client.py").read_text()
    assert read_provenance(target / "_provenance.py") == provenance
    assert [p.name for p in (dest / "myapp" / "_vendor").iterdir()] == ["cekura"]  # no staging left


def test_rewrite_references_touches_whole_tokens_only() -> None:
    source = "import cekura_client\nfrom cekura_client.api import x\nmy_cekura_client = 'cekura_clients'\n"
    assert (
        rewrite_references(source, "v.c")
        == "import v.c\nfrom v.c.api import x\nmy_cekura_client = 'cekura_clients'\n"
    )


def test_help_describes_the_command_in_its_first_paragraph(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        vendor_main(["--help"])
    assert exit_info.value.code == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert (
        "`nox -s vendor -- DEST --package NAME`: copy the generated client into another repository."
        in help_text
    )
    assert "--check" in help_text and "Vendoring never deletes" not in help_text
