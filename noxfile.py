"""Task runner: one session per pipeline step (`fetch`, `patch`, `generate`) and per check.

Every session installs its pinned tools from the dependency groups in pyproject.toml.
"""

import os
import subprocess
from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["lint", "typecheck", "tests"]

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
TOOLCHAIN_PYTHON = "3.11"


def install_group(session: nox.Session, group: str) -> None:
    session.install(*nox.project.dependency_groups(PYPROJECT, group))


def ensure_patched(session: nox.Session, *, locked: bool) -> None:
    """Fetch (only if the cache does not match the lock) and patch: the inputs of later steps."""
    session.run("python", "-m", "scripts.upstream.fetch_spec", "--if-needed")
    session.run("python", "-m", "scripts.patch.patch_spec", *(["--locked"] if locked else []))


@nox.session(python=TOOLCHAIN_PYTHON)
def fetch(session: nox.Session) -> None:
    """Download the upstream sources into spec/upstream/, checked against spec/lock.json.

    `nox -s fetch -- --update` accepts a changed upstream and rewrites the lock.
    """
    install_group(session, "toolchain")
    session.run("python", "-m", "scripts.upstream.fetch_spec", *session.posargs)


@nox.session(python=TOOLCHAIN_PYTHON)
def patch(session: nox.Session) -> None:
    """Apply spec/overlays/ and the normalizers: spec/build/openapi.json and its report."""
    install_group(session, "toolchain")
    session.run("python", "-m", "scripts.upstream.fetch_spec", "--if-needed")
    session.run("python", "-m", "scripts.patch.patch_spec", *session.posargs)


@nox.session(python=TOOLCHAIN_PYTHON)
def validate(session: nox.Session) -> None:
    """Validate a document (OpenAPI 3.1) and check its examples: the patched one, or `-- FILE`.

    `-- spec/upstream/openapi.json` lists the upstream defects worth an overlay.
    """
    install_group(session, "toolchain")
    if not session.posargs:
        ensure_patched(session, locked=False)
    document = session.posargs or ["spec/build/openapi.json"]
    session.run("python", "-m", "scripts.patch.validate_spec", *document)
    session.run("python", "-m", "scripts.patch.check_examples", *document)


@nox.session(python=TOOLCHAIN_PYTHON)
def generate(session: nox.Session) -> None:
    """Regenerate the client into generated/ from the patched document."""
    install_group(session, "toolchain")
    ensure_patched(session, locked=False)
    session.run("python", "-m", "scripts.generate.generate_client", *session.posargs)


@nox.session(python=TOOLCHAIN_PYTHON)
def tests(session: nox.Session) -> None:
    """Patch (verifying the committed lock reproduces), then run the test suite on every core
    (pytest-xdist); the contract tests run with few examples per operation here."""
    install_group(session, "test")
    ensure_patched(session, locked=True)
    session.run("pytest", "-n", "auto", *session.posargs)


@nox.session(python=TOOLCHAIN_PYTHON)
def contract(session: nox.Session) -> None:
    """The contract tests in full (many examples per operation), `schemathesis run` against the mock
    included; writes reports/contract-report.md.

    The examples are the same on every run (derandomized), as CI runs them; `-- --explore` draws new
    random ones each run. `nox -s contract -- --live [--base-url URL]` also calls the real API's
    read-only operations with CEKURA_API_KEY and reports where its responses drift from the spec.
    Other arguments go to pytest.
    """
    install_group(session, "test")
    ensure_patched(session, locked=True)
    args = list(session.posargs)
    env = {"CEKURA_CONTRACT_PROFILE": "full"}
    if "--live" in args:
        args.remove("--live")
        env["CEKURA_CONTRACT_LIVE"] = "1"
    if "--explore" in args:
        args.remove("--explore")
        env["CEKURA_CONTRACT_EXPLORE"] = "1"
    if "--base-url" in args:
        at = args.index("--base-url")
        env["CEKURA_BASE_URL"] = args[at + 1]
        del args[at : at + 2]
    session.run("pytest", "-n", "auto", "tests/contract", *args, env=env)


@nox.session(python=TOOLCHAIN_PYTHON)
def mock(session: nox.Session) -> None:
    """Serve the mock Cekura API on loopback: `nox -s mock -- [--port 4010] [--seed 0] [--api-key KEY]
    [--items N] [--page-size N] [--max-page-size N] [--run-seconds S] [--fail RULE]` (`--help` for all)."""
    install_group(session, "contract")
    install_group(session, "toolchain")
    ensure_patched(session, locked=False)
    session.run("python", "-m", "scripts.mock_server", *session.posargs)


@nox.session(python=TOOLCHAIN_PYTHON)
def update(session: nox.Session) -> None:
    """Accept the newest upstream (or `-- --from PATH_OR_URL`) with a changelog entry: scripts/update/.

    The exit code is the script's, so CI can act on it: 0 no change, 10 compatible, 20 breaking, 1 failure.
    """
    install_group(session, "test")
    session.run("python", "-m", "scripts.upstream.fetch_spec", "--if-needed")
    env = {**os.environ, "PATH": os.pathsep.join([session.bin, os.environ.get("PATH", "")])}
    command = [str(Path(session.bin) / "python"), "-m", "scripts.update.update_spec", *session.posargs]
    code = subprocess.run(command, env=env, check=False)
    if code.returncode:
        # nox reports any failed command as exit 1; leave with the script's own code instead.
        raise SystemExit(code.returncode)


@nox.session(python=TOOLCHAIN_PYTHON)
def vendor(session: nox.Session) -> None:
    """Copy the client into another repository: `-- DEST --package NAME [--check]`."""
    install_group(session, "toolchain")
    ensure_patched(session, locked=True)
    session.run("python", "-m", "scripts.distribute.vendor", *session.posargs)


@nox.session(python=TOOLCHAIN_PYTHON)
def build(session: nox.Session) -> None:
    """Build the client's wheel and sdist into dist/, versioned by the spec's date."""
    install_group(session, "toolchain")
    install_group(session, "package")
    ensure_patched(session, locked=True)
    session.run("python", "-m", "scripts.distribute.build_dist", *session.posargs)


@nox.session(python=TOOLCHAIN_PYTHON)
def bench(session: nox.Session) -> None:
    """Time regeneration, import, per-call cost and parsing against peers: reports/bench.{md,json}."""
    install_group(session, "bench")
    ensure_patched(session, locked=False)
    session.run("python", "-m", "scripts.bench", *session.posargs)


@nox.session(python=TOOLCHAIN_PYTHON)
def mutants(session: nox.Session) -> None:
    """Mutation testing of the client runtime and the toolchain's guards: reports/mutants.{md,json}.

    `nox -s mutants -- [NAME...] [--jobs N]`: NAME is a module of mutation/modules.toml (default: all);
    prints the kill rate per module and fails when one is below 90%.
    """
    install_group(session, "mutants")
    ensure_patched(session, locked=True)
    session.run("python", "-m", "scripts.mutation.mutants", *session.posargs)


@nox.session(python=TOOLCHAIN_PYTHON)
def lint(session: nox.Session) -> None:
    install_group(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=TOOLCHAIN_PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy on the toolchain and tests, then `mypy --strict` on the generated package (overrides included)."""
    install_group(session, "typecheck")
    session.run("mypy")
    ensure_patched(session, locked=True)
    session.run("python", "-m", "scripts.generate.generate_client")
    with session.chdir("generated"):
        session.run("mypy", "--strict", "cekura_client")
