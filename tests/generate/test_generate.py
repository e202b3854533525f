"""The generated client: no generator warning, deterministic, every endpoint importable, lazy models."""

import filecmp
import json
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.core import paths
from scripts.core.errors import ToolchainError
from scripts.core.openapi_document import iter_operations
from scripts.generate.generate_client import (
    HEADER,
    OVERRIDES_DIR,
    REPLACED_BY_OVERRIDES,
    apply_overrides,
    build_client,
)

IMPORT_EVERY_ENDPOINT = """
import importlib, json, pkgutil
import cekura_client.api as api
names = [m.name for m in pkgutil.walk_packages(api.__path__, "cekura_client.api.") if not m.ispkg]
failures = {}
for name in names:
    try:
        importlib.import_module(name)
    except Exception as exc:
        failures[name] = f"{type(exc).__name__}: {exc}"
print(json.dumps({"modules": len(names), "failures": failures}))
"""

IMPORT_ONE_ENDPOINT = """
import json, sys
import cekura_client
import cekura_client.api.scenarios.scenarios_list
loaded = sorted(m for m in sys.modules if m.startswith("cekura_client.models."))
decoder_at_import = "msgspec" in sys.modules
from cekura_client.models import RunsItemStatusEnum
from cekura_client.response_body import decode_json
decode_json(b"{}")
print(json.dumps({
    "loaded": loaded,
    "lazy": RunsItemStatusEnum.__name__,
    "decoder": [decoder_at_import, "msgspec" in sys.modules],
}))
"""


CALL_OVER_LOOPBACK = """
import json, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from cekura_client import AuthenticatedClient
from cekura_client.api.scenarios import scenarios_list
seen = {}
class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        seen["path"], seen["key"] = self.path, self.headers.get("X-CEKURA-API-KEY")
        body = json.dumps({"count": 0, "next": None, "previous": None, "results": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
client = AuthenticatedClient(
    base_url=f"http://127.0.0.1:{server.server_address[1]}",
    token="test-key", prefix="", auth_header_name="X-CEKURA-API-KEY",
)
page = scenarios_list.sync(client=client)
server.shutdown()
print(json.dumps({**seen, "count": page.count, "type": type(page).__name__}))
"""


@pytest.fixture(scope="module")
def generated(generated_project: Path) -> Path:
    return generated_project


def run_python(code: str, generated: Path) -> dict[str, object]:
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=generated, capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(completed.stdout)
    return result


def operation_count() -> int:
    document = json.loads(paths.PATCHED_DOCUMENT.read_text("utf-8"))
    return sum(1 for _ in iter_operations(document))


def test_every_endpoint_module_imports(generated: Path) -> None:
    result = run_python(IMPORT_EVERY_ENDPOINT, generated)
    assert result["failures"] == {}
    assert result["modules"] == operation_count()


def test_one_endpoint_does_not_import_every_model_nor_the_json_decoder(generated: Path) -> None:
    result = run_python(IMPORT_ONE_ENDPOINT, generated)
    assert len(result["loaded"]) < 10  # type: ignore[arg-type]
    assert result["lazy"] == "RunsItemStatusEnum"
    assert result["decoder"] == [False, True]  # msgspec loads with the first response


def test_the_readme_example_calls_a_loopback_server(generated: Path) -> None:
    result = run_python(CALL_OVER_LOOPBACK, generated)
    assert str(result["path"]).split("?")[0] == "/test_framework/v1/scenarios/"
    assert result["key"] == "test-key"
    assert result["count"] == 0
    assert str(result["type"]).startswith("Paginated")


def override_files() -> dict[Path, Path]:
    """Each handwritten override and where it lands in the generated project."""
    return {
        source: source.relative_to(OVERRIDES_DIR)
        for source in (OVERRIDES_DIR / "cekura_client").rglob("*.py")
        if "__pycache__" not in source.parts
    }


def test_generated_files_are_stamped_and_overrides_copied_verbatim(generated: Path) -> None:
    overrides = override_files()
    for source, relative in overrides.items():
        assert (generated / relative).read_bytes() == source.read_bytes()
    landed = {generated / relative for relative in overrides.values()}
    files = [f for f in (generated / "cekura_client").rglob("*.py") if f not in landed]
    assert len(files) > 817
    assert [f for f in files if not f.read_text("utf-8").startswith(HEADER)] == []


def test_an_override_may_not_replace_a_generated_module(tmp_path: Path) -> None:
    overrides, output = tmp_path / "overrides", tmp_path / "generated"
    (overrides / "cekura_client").mkdir(parents=True)
    (output / "cekura_client").mkdir(parents=True)
    (overrides / "cekura_client" / "client.py").write_text("# handwritten\n")
    (overrides / "cekura_client" / "extra.py").write_text("# handwritten\n")
    (output / "cekura_client" / "client.py").write_text("# generated\n")
    with pytest.raises(ToolchainError, match=r"override cekura_client/client\.py would replace"):
        apply_overrides(overrides, output)
    assert (output / "cekura_client" / "client.py").read_text() == "# generated\n"


def test_only_the_listed_generated_files_are_replaced_by_their_override(tmp_path: Path) -> None:
    overrides, output = tmp_path / "overrides", tmp_path / "generated"
    (overrides / "cekura_client").mkdir(parents=True)
    (output / "cekura_client").mkdir(parents=True)
    for name in ("errors.py", "types.py"):
        (overrides / "cekura_client" / name).write_text("# handwritten\n")
        (output / "cekura_client" / name).write_text("# generated\n")
    assert "cekura_client/errors.py" in REPLACED_BY_OVERRIDES
    assert "cekura_client/types.py" not in REPLACED_BY_OVERRIDES

    with pytest.raises(ToolchainError, match=r"override cekura_client/types\.py would replace"):
        apply_overrides(overrides, output)
    (overrides / "cekura_client" / "types.py").unlink()
    apply_overrides(overrides, output)

    assert (output / "cekura_client" / "errors.py").read_text() == "# handwritten\n"
    assert (output / "cekura_client" / "types.py").read_text() == "# generated\n"


def test_same_inputs_give_byte_identical_output(generated: Path, tmp_path: Path) -> None:
    again = tmp_path / "generated"
    build_client(paths.PATCHED_DOCUMENT, again)
    assert tree_differences(generated, again) == []


def tree_differences(left: Path, right: Path) -> list[str]:
    """Relative paths that are missing on one side or differ in content."""
    comparison = filecmp.dircmp(left, right)
    found = [*comparison.left_only, *comparison.right_only, *comparison.funny_files]
    _, mismatch, errors = filecmp.cmpfiles(left, right, comparison.common_files, shallow=False)
    found += mismatch + errors
    for name in comparison.common_dirs:
        found += [f"{name}/{sub}" for sub in tree_differences(left / name, right / name)]
    return found


def test_the_generated_package_passes_its_own_ruff_configuration(generated: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "cekura_client"],
        cwd=generated,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-2000:]
