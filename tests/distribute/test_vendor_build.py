"""A vendored copy and the wheel, each used from a fresh virtual environment (one per test run).

The environment holds only the client's pinned runtime dependencies (dependency group
`client-runtime`), installed from the package index, so anything else the copy or the wheel
needed would fail to import.
"""

import json
import shutil
import subprocess
import sys
import tomllib
import venv
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from loopback import serving

from scripts.core import paths
from scripts.core.errors import ToolchainError
from scripts.distribute import vendor as vendor_module
from scripts.distribute.build_dist import build, dist_version
from scripts.distribute.provenance import Provenance, read_provenance
from scripts.distribute.vendor import PROVENANCE_FILE, rewrite_references, stale_reasons, vendor
from scripts.upstream.lock import read_lock

PROVENANCE = Provenance("a" * 64, "2026-08-18", "b" * 64, "0.29.1", "0.1.0", "c" * 40)
NAME = "myapp._vendor.cekura"


@pytest.fixture(scope="session")
def fresh_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment with only the client's runtime dependencies (pinned) installed."""
    pyproject = tomllib.loads((paths.ROOT / "pyproject.toml").read_text("utf-8"))
    runtime = pyproject["dependency-groups"]["client-runtime"]
    home = tmp_path_factory.mktemp("fresh-venv")
    venv.EnvBuilder(with_pip=True).create(home)
    python = home / "bin" / "python"
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "--disable-pip-version-check", *runtime], check=True
    )
    return python


class OneScenario(BaseHTTPRequestHandler):
    """Answers every GET with one scenario, echoing the API key header it received."""

    def do_GET(self) -> None:
        body = json.dumps({"id": 7, "name": "smoke", "key_seen": self.headers.get("X-CEKURA-API-KEY") == "k"})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), OneScenario)
    with serving(httpd):
        yield f"http://127.0.0.1:{httpd.server_address[1]}"


SMOKE = """
import sys
from {name} import AuthenticatedClient
from {name}._provenance import PROVENANCE
from {name}.api.scenarios import scenarios_external_retrieve
assert "cekura_client" not in sys.modules, "the copy imported cekura_client"
client = AuthenticatedClient(base_url=sys.argv[1], token="k", prefix="", auth_header_name="X-CEKURA-API-KEY")
response = scenarios_external_retrieve.sync_detailed(7, client=client)
assert response.status_code == 200, response
assert response.parsed is not None and response.parsed.id == 7, response.parsed
print(PROVENANCE["spec_sha256"][:4], response.parsed.name)
"""


def test_rewrite_touches_only_the_package_name() -> None:
    source = 'from cekura_client.models import X\nlog = getLogger("cekura_client.retries")\n'
    source += "import cekura_client_x\n"
    expected = 'from a.b.models import X\nlog = getLogger("a.b.retries")\nimport cekura_client_x\n'
    assert rewrite_references(source, "a.b") == expected


def test_vendored_copy_works_alone(
    tmp_path: Path, generated_project: Path, fresh_python: Path, server: str
) -> None:
    repository = tmp_path / "repo"
    copy = vendor(generated_project / "cekura_client", repository, NAME, PROVENANCE)
    assert copy == repository / "myapp" / "_vendor" / "cekura"
    assert not [f for f in copy.rglob("*.py") if "cekura_client" in f.read_text("utf-8")]
    docs = [copy / "README.md", copy / "api.md"]  # the package's docs travel with it, renamed too
    assert all(doc.is_file() and "cekura_client" not in doc.read_text("utf-8") for doc in docs)
    assert f"from {NAME} import Cekura" in docs[0].read_text("utf-8")
    assert read_provenance(copy / PROVENANCE_FILE) == PROVENANCE
    completed = subprocess.run(
        [fresh_python, "-c", SMOKE.format(name=NAME), server],
        cwd=repository,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == ["aaaa", "smoke"]


def test_check_reports_a_stale_or_missing_copy(tmp_path: Path, generated_project: Path) -> None:
    assert stale_reasons(tmp_path, NAME, PROVENANCE) == [
        f"no vendored copy at {tmp_path / 'myapp/_vendor/cekura'}"
    ]
    vendor(generated_project / "cekura_client", tmp_path, NAME, PROVENANCE)
    assert stale_reasons(tmp_path, NAME, PROVENANCE) == []
    newer = Provenance("d" * 64, "2026-09-01", "e" * 64, "0.29.1", "0.1.0", "c" * 40)
    reasons = stale_reasons(tmp_path, NAME, newer)
    assert [reason.split()[0] for reason in reasons] == ["spec_sha256", "patched_sha256"]


def test_version_grows_with_the_spec_date_and_same_day_serial() -> None:
    changelog = "## 2026-08-18: spec sha256 aaaaaaaaaaaa…\n\n## 2026-08-18: spec sha256 bbbbbbbbbbbb…\n"
    versions = [
        dist_version("2026-08-07", "f" * 64, changelog),
        dist_version("2026-08-18", "a" * 64, changelog),
        dist_version("2026-08-18", "b" * 64, changelog),
        dist_version("2026-11-02", "c" * 64, changelog),
    ]
    assert versions == ["2026.8.7", "2026.8.18", "2026.8.18.1", "2026.11.2"]


def test_wheel_installs_and_imports(tmp_path: Path, generated_project: Path, fresh_python: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(generated_project, project)
    files = build(project, "2026.8.18", "f" * 64, tmp_path / "dist")
    assert sorted(f.name for f in files) == [
        "cekura_client-2026.8.18-py3-none-any.whl",
        "cekura_client-2026.8.18.tar.gz",
    ]
    wheel = next(f for f in files if f.suffix == ".whl")
    install: list[str | Path] = [
        fresh_python,
        "-m",
        "pip",
        "install",
        "-q",
        "--no-index",
        "--no-deps",
        str(wheel),
    ]
    subprocess.run(install, check=True)
    probe = (
        "import importlib.metadata as m, pathlib, cekura_client; "
        "p = pathlib.Path(cekura_client.__file__).parent; "
        "files = ('py.typed', 'README.md', 'api.md'); "
        "print(m.version('cekura-client'), *((p / f).is_file() for f in files), "
        "'Cekura()' in (m.metadata('cekura-client').get_payload() or ''))"
    )
    completed = subprocess.run([fresh_python, "-c", probe], capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == ["2026.8.18", "True", "True", "True", "True"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of this project's toolchain: a vendor run that went wrong there harms only the copy."""
    root = tmp_path / "project"
    for tree in ("scripts", "templates", "overrides"):
        shutil.copytree(paths.ROOT / tree, root / tree, ignore=shutil.ignore_patterns("__pycache__"))
    for file in ("pyproject.toml", "openapi-python-client.yaml", "spec/lock.json", "spec/sources.yaml"):
        (root / file).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(paths.ROOT / file, root / file)
    return root


def run_vendor(project: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """`python -m scripts.distribute.vendor ...` from the project's root, as `nox -s vendor` runs it."""
    command = [sys.executable, "-m", "scripts.distribute.vendor", *map(str, args)]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)


def assert_refused(completed: subprocess.CompletedProcess[str], *phrases: str) -> None:
    assert completed.returncode == 2, completed
    assert completed.stdout == ""
    assert completed.stderr.count("\n") == 1 and completed.stderr.startswith("error: "), completed.stderr
    for phrase in phrases:
        assert phrase in completed.stderr


def test_an_existing_package_of_the_user_is_never_replaced(project: Path, tmp_path: Path) -> None:
    repository = tmp_path / "repo"
    models = repository / "myapp" / "models.py"
    models.parent.mkdir(parents=True)
    models.write_text("class Order: ...\n", encoding="utf-8")
    refused = run_vendor(project, repository, "--package", "myapp")
    assert_refused(refused, f"{repository / 'myapp'} exists", "stamp")
    assert models.read_text("utf-8") == "class Order: ...\n"
    assert sorted(p.name for p in repository.rglob("*")) == ["models.py", "myapp"]


def test_a_destination_inside_this_project_is_refused(project: Path) -> None:
    before = sorted(p.name for p in (project / "scripts").rglob("*"))
    assert_refused(run_vendor(project, project, "--package", "scripts"), "inside this project")
    assert_refused(run_vendor(project, project / "generated", "--package", "other"), "inside this project")
    assert sorted(p.name for p in (project / "scripts").rglob("*")) == before
    assert not (project / "generated").exists()


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("os", "standard-library module 'os'"),
        ("json._vendor.cekura", "standard-library module 'json'"),
        ("httpx", "installed or standard-library module 'httpx'"),
        ("my-app.cekura", "not a dotted Python import path"),
        ("class.cekura", "not a dotted Python import path"),
    ],
)
def test_a_name_that_cannot_be_imported_as_the_copy_is_refused(
    project: Path, tmp_path: Path, name: str, phrase: str
) -> None:
    repository = tmp_path / "repo"
    assert_refused(run_vendor(project, repository, "--package", name), phrase)
    assert not repository.exists()


def test_a_file_as_destination_is_one_line_and_every_problem_is_named_at_once(
    project: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "setup.py"
    dest.write_text("", encoding="utf-8")
    assert_refused(run_vendor(project, dest, "--package", "myapp"), "is a file")
    assert_refused(run_vendor(project, dest, "--package", "os"), "is a file", "module 'os'")


def test_a_file_where_the_package_needs_a_directory_is_refused(project: Path, tmp_path: Path) -> None:
    repository = tmp_path / "repo"
    (repository / "myapp").parent.mkdir(parents=True)
    (repository / "myapp").write_text("", encoding="utf-8")
    refused = run_vendor(project, repository, "--package", "myapp._vendor.cekura")
    assert_refused(refused, f"{repository / 'myapp'} is a file where the package needs a directory")


def test_a_package_that_would_replace_this_project_is_refused(project: Path) -> None:
    refused = run_vendor(project, project.parent, "--package", project.name)
    assert_refused(refused, f"{project} holds this project")
    assert (project / "scripts").is_dir()


def test_the_package_name_is_required(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        vendor_module.main([str(tmp_path)])
    assert exit_info.value.code == 2
    assert "the following arguments are required: --package" in capsys.readouterr().err


def test_problems_are_found_before_anything_is_generated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_generation(*args: object) -> None:
        raise AssertionError("generated before checking the name and destination")

    monkeypatch.setattr(vendor_module, "build_client", no_generation)
    (tmp_path / "myapp").mkdir()
    assert vendor_module.main([str(tmp_path), "--package", "myapp"]) == 2
    assert "was not written by `nox -s vendor`" in capsys.readouterr().err


def test_only_a_stamped_copy_is_replaced(tmp_path: Path, generated_project: Path) -> None:
    copy = vendor(generated_project / "cekura_client", tmp_path, NAME, PROVENANCE)
    (copy / "leftover.py").write_text("", encoding="utf-8")
    newer = Provenance("d" * 64, "2026-09-01", "e" * 64, "0.29.1", "0.1.0", "c" * 40)
    assert vendor(generated_project / "cekura_client", tmp_path, NAME, newer) == copy
    assert read_provenance(copy / PROVENANCE_FILE) == newer
    assert not (copy / "leftover.py").exists()

    (copy / PROVENANCE_FILE).write_text("hand-written\n", encoding="utf-8")
    with pytest.raises(ToolchainError, match="was not written by `nox -s vendor`"):
        vendor(generated_project / "cekura_client", tmp_path, NAME, PROVENANCE)
    assert (copy / PROVENANCE_FILE).read_text("utf-8") == "hand-written\n"


@pytest.mark.client_build  # generates the client itself
def test_vendor_command_writes_a_stamped_copy_that_check_calls_up_to_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`nox -s vendor -- DEST --package NAME`, then `--check`: exit codes and what each prints."""
    repository = tmp_path / "repo"
    assert vendor_module.main([str(repository), "--package", NAME]) == 0
    copy = repository / "myapp" / "_vendor" / "cekura"
    stamp = read_provenance(copy / PROVENANCE_FILE)
    assert capsys.readouterr().out == (
        f"vendored cekura_client as {NAME} into {copy} "
        f"(spec {stamp.spec_sha256[:12]}…, accepted {stamp.spec_date})\n"
    )
    assert stamp.spec_sha256 == read_lock(paths.LOCK_FILE).sources["openapi.json"].sha256
    assert not [f for f in copy.rglob("*.py") if "cekura_client" in f.read_text("utf-8")]
    assert vendor_module.main([str(repository), "--package", NAME, "--check"]) == 0
    assert capsys.readouterr().out == "vendor: up to date with spec/lock.json\n"
