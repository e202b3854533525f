"""`python -m scripts.upstream.fetch_spec` as users and nox run it, in a fresh clone: exit codes, messages,
and what the cache and lock hold afterwards (the `--if-needed` path every session starts with)."""

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from scripts.core import paths
from scripts.core.jsonio import sha256_hex
from scripts.upstream.lock import read_lock


@dataclass
class Clone:
    root: Path

    def fetch(self, *arguments: str, mirror: Path | str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "CEKURA_SPEC_MIRROR": str(mirror), "PYTHONDONTWRITEBYTECODE": "1"}
        return subprocess.run(
            [sys.executable, "-m", "scripts.upstream.fetch_spec", *arguments],
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    @property
    def lock(self) -> Path:
        return self.root / "spec" / "lock.json"

    @property
    def cache(self) -> Path:
        return self.root / "spec" / "upstream"

    def snapshot(self) -> dict[str, bytes]:
        files = [self.lock, *self.cache.rglob("*")]
        return {str(p.relative_to(self.root)): p.read_bytes() for p in files if p.is_file()}


@pytest.fixture
def clone(tmp_path: Path, mirror: Path) -> Clone:
    """The toolchain and the committed spec inputs, without a fetched cache: a fresh clone."""
    root = tmp_path / "clone"
    shutil.copytree(paths.ROOT / "scripts", root / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "spec").mkdir()
    for name in ("sources.yaml", "lock.json"):
        shutil.copyfile(paths.SPEC_DIR / name, root / "spec" / name)
    return Clone(root)


def changed_mirror(tmp_path: Path, mirror: Path) -> Path:
    """A copy of the mirror whose document differs from the locked one (still valid OpenAPI)."""
    copy = tmp_path / "changed-mirror"
    shutil.copytree(mirror, copy, ignore=shutil.ignore_patterns("history"))
    document = json.loads((copy / "openapi.json").read_text("utf-8"))
    document["info"]["version"] = "changed"
    target = copy / "openapi.json"
    target.chmod(0o644)
    target.write_text(json.dumps(document), encoding="utf-8")
    return copy


def test_if_needed_fetches_into_a_fresh_clone_then_does_nothing(
    clone: Clone, tmp_path: Path, mirror: Path
) -> None:
    lock_before = clone.lock.read_bytes()
    first = clone.fetch("--if-needed", mirror=mirror)
    assert first.returncode == 0, first.stderr
    fetched = [line for line in first.stdout.splitlines() if line.startswith("fetched ")]
    locked = read_lock(clone.lock)
    assert len(fetched) == len(locked.sources)
    document = locked.sources["openapi.json"]
    assert f"fetched openapi.json ({document.size:,} bytes, sha256 {document.sha256[:16]}…)" in fetched
    for name, entry in locked.sources.items():
        assert sha256_hex((clone.cache / name).read_bytes()) == entry.sha256
    assert clone.lock.read_bytes() == lock_before

    # Now the cache matches the lock: nothing is read, not even from a mirror that does not exist.
    before = clone.snapshot()
    second = clone.fetch("--if-needed", mirror=tmp_path / "no-such-mirror")
    assert (second.returncode, second.stdout, second.stderr) == (
        0,
        "fetch: the cache already matches spec/lock.json\n",
        "",
    )
    assert clone.snapshot() == before


def test_if_needed_refetches_a_damaged_cache(clone: Clone, mirror: Path) -> None:
    assert clone.fetch("--if-needed", mirror=mirror).returncode == 0
    document = clone.cache / "openapi.json"
    good = document.read_bytes()
    document.write_bytes(good[: len(good) // 2])
    again = clone.fetch("--if-needed", mirror=mirror)
    assert again.returncode == 0, again.stderr
    assert "fetched openapi.json" in again.stdout
    assert document.read_bytes() == good


def test_if_needed_with_a_missing_page_refetches(clone: Clone, mirror: Path) -> None:
    assert clone.fetch("--if-needed", mirror=mirror).returncode == 0
    page = next((clone.cache / "pages").iterdir())
    page.unlink()
    again = clone.fetch("--if-needed", mirror=mirror)
    assert again.returncode == 0, again.stderr
    assert page.is_file()


@pytest.mark.parametrize("if_needed", [True, False])
def test_a_changed_upstream_exits_1_and_changes_nothing(
    clone: Clone, tmp_path: Path, mirror: Path, if_needed: bool
) -> None:
    """Without a cache, `--if-needed` must fetch, and then the lock refuses the new document."""
    before = clone.snapshot()
    completed = clone.fetch(*(["--if-needed"] if if_needed else []), mirror=changed_mirror(tmp_path, mirror))
    assert completed.returncode == 1
    assert completed.stderr.startswith("error: upstream changed: openapi.json has sha256 ")
    assert "`nox -s fetch -- --update`" in completed.stderr
    assert completed.stdout == ""
    assert clone.snapshot() == before


def test_update_accepts_a_changed_upstream_and_rewrites_the_lock(
    clone: Clone, tmp_path: Path, mirror: Path
) -> None:
    assert clone.fetch("--if-needed", mirror=mirror).returncode == 0
    dates_before = {name: entry.fetched for name, entry in read_lock(clone.lock).sources.items()}
    completed = clone.fetch("--update", "--if-needed", mirror=changed_mirror(tmp_path, mirror))
    assert completed.returncode == 0, completed.stderr
    lock = read_lock(clone.lock)
    data = (clone.cache / "openapi.json").read_bytes()
    assert lock.sources["openapi.json"].sha256 == sha256_hex(data)
    assert lock.sources["openapi.json"].size == len(data)
    # The unchanged pages keep the date they were first accepted on.
    assert all(
        lock.sources[name].fetched == dates_before[name] for name in lock.sources if name != "openapi.json"
    )


def test_a_missing_mirror_exits_1_naming_the_file(clone: Clone, tmp_path: Path) -> None:
    completed = clone.fetch("--if-needed", mirror=tmp_path / "empty")
    assert completed.returncode == 1
    assert completed.stderr.startswith("error: cannot read mirror file ")
    assert "openapi.json" in completed.stderr
    assert not clone.cache.exists()


def test_a_broken_lock_exits_1_with_advice(clone: Clone, mirror: Path) -> None:
    clone.lock.write_text("{not json", encoding="utf-8")
    completed = clone.fetch("--if-needed", mirror=mirror)
    assert completed.returncode == 1
    assert completed.stderr.startswith("error: cannot read lock file ")
    assert completed.stderr.rstrip().endswith("restore it from git")


def test_a_document_not_in_the_lock_must_be_accepted_by_update(clone: Clone, mirror: Path) -> None:
    lock = json.loads(clone.lock.read_text("utf-8"))
    del lock["sources"]["openapi.json"]
    clone.lock.write_text(json.dumps(lock), encoding="utf-8")
    completed = clone.fetch("--if-needed", mirror=mirror)
    assert completed.returncode == 1
    assert "error: openapi.json is not in spec/lock.json; review and accept it with" in completed.stderr
