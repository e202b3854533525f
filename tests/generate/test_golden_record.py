"""Generated code for the project's fixture document is what `tests/generate/golden_record/expected/` records.

A failure shows the diff a template, override or generator change made to generated code. If the
change is intended, run `python -m scripts.generate.golden_record` and commit `expected/` with it.
"""

import difflib
from pathlib import Path

from scripts.generate import golden_record


def test_generated_code_matches_the_golden_record(tmp_path: Path) -> None:
    generated = golden_record.render(golden_record.FIXTURE, tmp_path)
    expected = golden_record.read_expected()

    assert sorted(generated) == sorted(expected), "files added or removed; see scripts/golden_record.py"
    diffs = [
        "".join(
            difflib.unified_diff(
                expected[name].decode().splitlines(keepends=True),
                generated[name].decode().splitlines(keepends=True),
                fromfile=f"expected/{name}",
                tofile=f"generated/{name}",
            )
        )
        for name in sorted(expected)
        if generated[name] != expected[name]
    ]
    assert not diffs, "generated code differs from the golden record:\n" + "\n".join(diffs)


def test_the_record_holds_the_templates_output_and_no_override() -> None:
    expected = golden_record.read_expected()
    assert "cekura_client/api/widgets/widgets_create.py" in expected
    assert "cekura_client/models/widget.py" in expected
    assert not any(name.endswith("form_encoding.py") for name in expected)
