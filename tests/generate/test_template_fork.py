"""The forked templates record their upstream, and a changed upstream template fails with its diff."""

import json
import shutil
from pathlib import Path

import pytest

from scripts.generate import template_fork
from scripts.generate.generate_client import OVERRIDES_DIR, REPLACED_BY_OVERRIDES


def test_every_forked_template_matches_the_installed_generator() -> None:
    drifts = template_fork.find_drifts(template_fork.installed_templates())
    assert drifts == [], "\n".join(f"{d.template}: {d.reason}\n{d.diff}" for d in drifts)


def test_the_record_covers_every_fork_and_only_forks() -> None:
    recorded = set(template_fork.read_manifest())
    assert recorded == set(template_fork.forked_names())


def test_every_template_an_override_replaces_is_recorded_and_not_forked() -> None:
    replaced = set(template_fork.read_replaced())
    assert replaced == set(REPLACED_BY_OVERRIDES.values())
    assert not replaced & set(template_fork.forked_names())  # a fork there would be rendered, then lost
    for override in REPLACED_BY_OVERRIDES:
        assert (OVERRIDES_DIR / override).is_file(), override


def test_a_changed_upstream_of_a_replaced_template_is_reported_with_its_diff(fake_upstream: Path) -> None:
    errors = fake_upstream / "errors.py.jinja"
    errors.write_text(errors.read_text("utf-8") + "\nclass NewError(Exception): ...\n", "utf-8")

    drifts = template_fork.find_drifts(fake_upstream)

    assert [(d.template, d.reason) for d in drifts] == [
        ("errors.py.jinja", "upstream changed since the fork")
    ]
    assert "\n+class NewError(Exception): ..." in drifts[0].diff


def test_a_replaced_template_must_be_recorded(tmp_path: Path) -> None:
    manifest = tmp_path / "forks.json"
    record = json.loads(template_fork.MANIFEST.read_text("utf-8"))
    del record["replaced"]
    manifest.write_text(json.dumps(record), "utf-8")
    drifts = template_fork.find_drifts(template_fork.installed_templates(), manifest=manifest)
    assert [(d.template, d.reason) for d in drifts] == [
        ("errors.py.jinja", "replaced by an override but not recorded in templates/forks.json")
    ]


def test_a_template_of_our_own_is_not_a_fork(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(template_fork.TEMPLATES_DIR, templates)
    (templates / "own_macros.jinja").write_text("{% macro own() %}{% endmacro %}\n", "utf-8")
    assert template_fork.forked_names(templates) == template_fork.forked_names()


@pytest.fixture
def fake_upstream(tmp_path: Path) -> Path:
    """A copy of the installed generator's templates, to change as an upgrade would."""
    upstream = tmp_path / "templates"
    shutil.copytree(template_fork.installed_templates(), upstream)
    return upstream


def test_a_changed_upstream_template_is_reported_with_its_diff(fake_upstream: Path) -> None:
    model = fake_upstream / "model.py.jinja"
    model.write_text(model.read_text("utf-8").replace("from_dict", "from_mapping", 1), "utf-8")

    drifts = template_fork.find_drifts(fake_upstream)

    assert [(d.template, d.reason) for d in drifts] == [("model.py.jinja", "upstream changed since the fork")]
    removed = [line for line in drifts[0].diff.splitlines() if line.startswith("-") and "from_dict" in line]
    added = [line for line in drifts[0].diff.splitlines() if line.startswith("+") and "from_mapping" in line]
    assert removed and added, drifts[0].diff


def test_a_template_gone_upstream_is_reported(fake_upstream: Path) -> None:
    (fake_upstream / "types.py.jinja").unlink()
    drifts = template_fork.find_drifts(fake_upstream)
    assert [(d.template, d.reason) for d in drifts] == [
        ("types.py.jinja", "the generator no longer has this template")
    ]


def test_a_hand_edited_upstream_copy_is_reported(tmp_path: Path) -> None:
    copies = tmp_path / "upstream"
    shutil.copytree(template_fork.UPSTREAM_COPIES, copies)
    (copies / "client.py.jinja").write_text("edited by hand\n", "utf-8")
    drifts = template_fork.find_drifts(template_fork.installed_templates(), copies=copies)
    assert [d.template for d in drifts] == ["client.py.jinja"]


def test_a_new_fork_must_be_recorded(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(template_fork.TEMPLATES_DIR, templates)
    shutil.copyfile(template_fork.installed_templates() / "setup.py.jinja", templates / "setup.py.jinja")
    drifts = template_fork.find_drifts(template_fork.installed_templates(), templates=templates)
    assert [(d.template, d.reason) for d in drifts] == [
        ("setup.py.jinja", "forked but not recorded in templates/forks.json")
    ]


def test_the_command_exits_1_and_prints_the_diff_on_drift(
    fake_upstream: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    client = fake_upstream / "client.py.jinja"
    client.write_text(client.read_text("utf-8") + "\n{# upstream addition #}\n", "utf-8")
    monkeypatch.setattr(template_fork, "installed_templates", lambda: fake_upstream)

    assert template_fork.main([]) == 1
    err = capsys.readouterr().err
    assert "\n+{# upstream addition #}" in err
    assert "error: 1 forked template(s) out of step" in err
    monkeypatch.undo()
    assert template_fork.main([]) == 0
