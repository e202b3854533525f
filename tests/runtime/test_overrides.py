"""overrides/README.md lists every override module as a feature or a workaround with its removal condition."""

import re

from scripts.core import paths

OVERRIDES = paths.ROOT / "overrides"
ROW = re.compile(r"^\| `(?P<module>[\w/]+\.py)` \| (?P<kind>\w+) \| (?P<what>[^|]+) \| (?P<delete>[^|]+) \|$")


def _rows() -> dict[str, tuple[str, str]]:
    rows = {}
    for line in (OVERRIDES / "README.md").read_text("utf-8").splitlines():
        if match := ROW.match(line):
            rows[match["module"]] = (match["kind"], match["delete"].strip())
    return rows


def test_every_override_module_is_listed_once_with_its_kind() -> None:
    modules = sorted(
        p.relative_to(OVERRIDES / "cekura_client").as_posix()
        for p in (OVERRIDES / "cekura_client").rglob("*.py")
        if "__pycache__" not in p.parts
    )
    rows = _rows()
    assert sorted(rows) == modules, "overrides/README.md's table must list exactly the override modules"
    assert {kind for kind, _ in rows.values()} <= {"feature", "workaround"}


def test_a_workaround_says_when_to_delete_it_in_the_table_and_its_docstring() -> None:
    for module, (kind, delete_when) in _rows().items():
        if kind != "workaround":
            continue
        assert delete_when and not delete_when.startswith("never"), module
        source = (OVERRIDES / "cekura_client" / module).read_text("utf-8")
        docstring = source.split('"""')[1]
        assert re.search(r"\bdelete\b", docstring, re.IGNORECASE), f"{module}: its docstring names no removal"
