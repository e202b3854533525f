"""The patched document's operations and generators, loaded once per test run, and the example budget.

`CEKURA_CONTRACT_PROFILE=full` (set by `nox -s contract`) runs many Hypothesis examples per
operation; the default (`quick`) runs few, so `nox -s tests` stays fast. Both draw the same examples on
every run and machine (Hypothesis derandomized: the seed is derived from each test), so CI is
deterministic; `CEKURA_CONTRACT_EXPLORE=1` (`nox -s contract -- --explore`) draws new random examples
each run instead, to look for cases the fixed seed never meets (a failure prints its reproduction).
"""

import importlib
import os
from functools import cache
from types import ModuleType

from hypothesis import HealthCheck, Phase, settings

from scripts.core import paths
from scripts.mock_server.generated_data import GeneratedData
from scripts.mock_server.openapi_index import OpenApiIndex, Operation

MOCK_API_KEY = "contract-test-key"  # the one key the tests' mock server accepts
PROFILES = {"quick": 2, "full": 15}  # full: about 150,000 examples, within the 30-minute budget
PROFILE = os.environ.get("CEKURA_CONTRACT_PROFILE", "quick")
if PROFILE not in PROFILES:
    raise SystemExit(f"error: CEKURA_CONTRACT_PROFILE={PROFILE!r}: use one of {', '.join(PROFILES)}")
EXPLORE = os.environ.get("CEKURA_CONTRACT_EXPLORE", "") not in ("", "0")

CONTRACT_SETTINGS = settings(
    max_examples=PROFILES[PROFILE],
    database=None,  # no .hypothesis/examples in the work tree; failures print their seed
    deadline=None,  # generation time is not what these tests judge
    derandomize=not EXPLORE,  # the same examples on every run and machine, unless exploring
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    # Schemas that leave few encodable bodies filter a lot; a test with none left is skipped, named.
    suppress_health_check=list(HealthCheck),
)


@cache
def index() -> OpenApiIndex:
    if not paths.PATCHED_DOCUMENT.is_file():
        raise SystemExit(f"error: {paths.PATCHED_DOCUMENT} is missing: run the tests through `nox -s tests`")
    return OpenApiIndex.from_path(paths.PATCHED_DOCUMENT)


@cache
def generated() -> GeneratedData:
    return GeneratedData(index())


def operations() -> tuple[Operation, ...]:
    return index().operations


def endpoint_module(operation: Operation) -> ModuleType:
    """The generated module of `operation` (`cekura_client.api.<tag>.<operation_id>`)."""
    return importlib.import_module(f"cekura_client.api.{operation.tag}.{operation.operation_id}")
