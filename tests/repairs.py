"""Tests of one overlay's repair run only while that overlay exists.

An overlay is deleted when the upstream fixes its defect, or when an older document it does not
fit is accepted (`nox -s update` lists the actions to drop); the test of its repair then checks
something the project no longer does, so it is skipped, saying which overlay is gone.
"""

import pytest

from scripts.core import paths


def requires_overlay(file: str) -> pytest.MarkDecorator:
    """Skip the test, saying why, when `spec/overlays/<file>` is gone."""
    return pytest.mark.skipif(
        not (paths.OVERLAYS_DIR / file).is_file(),
        reason=f"overlay {file} is gone, so the repair this test checks is no longer applied",
    )
