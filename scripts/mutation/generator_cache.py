"""pytest plugin for `nox -s mutants`: reuse the generator's output between mutant runs.

Each mutant runs its tests in a fresh pytest process, and the runtime tests build a client from
the patched document first (about 10 s, the same output every time: the generator's input does not
include the mutated module). Loaded with `-p scripts.mutation.generator_cache`, this wraps
`scripts.generate.generate_client.run_generator` so that the generator runs once per input (document, config,
templates and the code they call, generator version) and later builds copy its stored output; stamping and
the overrides, where the mutants are, still happen on every build.
"""

import hashlib
import json
import os
import shutil
import tempfile
from importlib.metadata import version
from pathlib import Path

from scripts.generate import generate_client, generate_fingerprint

CACHE_VARIABLE = "CEKURA_MUTANTS_GENERATOR_CACHE"
_run_generator = generate_client.run_generator


def _input_key(document: Path, config: Path) -> str:
    digest = hashlib.sha256()
    digest.update(version("openapi-python-client").encode())
    templates = sorted(generate_client.TEMPLATES_DIR.rglob("*"))
    for path in [document, config, *templates, *generate_fingerprint.GENERATOR_PROCESS]:
        if path.is_file():
            digest.update(str(path.relative_to(path.anchor)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def cached_run_generator(
    document: Path, output: Path, config: Path = generate_client.GENERATOR_CONFIG
) -> generate_client.GeneratorRun:
    """`run_generator`, served from the cache directory named by $CEKURA_MUTANTS_GENERATOR_CACHE."""
    cache_root = os.environ.get(CACHE_VARIABLE)
    if not cache_root or not document.is_file():
        return _run_generator(document, output, config)
    entry = Path(cache_root) / _input_key(document, config)
    if not (entry / "warnings.json").is_file():
        entry.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=entry.parent) as tmp:
            run = _run_generator(document, Path(tmp) / "tree", config)
            (Path(tmp) / "warnings.json").write_text(json.dumps(run.warnings), encoding="utf-8")
            shutil.rmtree(entry, ignore_errors=True)
            Path(tmp).rename(entry)
            Path(tmp).mkdir()  # TemporaryDirectory removes its own directory on exit
    shutil.copytree(entry / "tree", output, dirs_exist_ok=True)
    warnings: list[str] = json.loads((entry / "warnings.json").read_text(encoding="utf-8"))
    return generate_client.GeneratorRun(output=output, warnings=warnings)


generate_client.run_generator = cached_run_generator
