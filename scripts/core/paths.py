"""Where the toolchain reads and writes, relative to the repository root."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPEC_DIR = ROOT / "spec"
SOURCES_FILE = SPEC_DIR / "sources.yaml"
LOCK_FILE = SPEC_DIR / "lock.json"
UPSTREAM_DIR = SPEC_DIR / "upstream"
OVERLAYS_DIR = SPEC_DIR / "overlays"
BUILD_DIR = SPEC_DIR / "build"
PATCHED_DOCUMENT = BUILD_DIR / "openapi.json"
PATCH_REPORT = BUILD_DIR / "patch-report.md"
