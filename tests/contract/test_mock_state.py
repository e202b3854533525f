"""The mock's state and job stages, without HTTP: ids, kept bodies, resets and the lifecycle clock."""

from contract import spec
from scripts.mock_server.app import MockApp
from scripts.mock_server.behaviour import Call, Settings
from scripts.mock_server.lifecycle import stage_at, stages_of


def _app(clock: list[float]) -> MockApp:
    return MockApp(spec.index(), seed=5, settings=Settings(items=3, job_seconds=6.0), clock=lambda: clock[0])


def _call(app: MockApp, operation_id: str, path: dict[str, str] | None = None, body: object = None) -> Call:
    operation = spec.index().by_operation_id[operation_id]
    concrete = operation.path
    for name, value in (path or {}).items():
        concrete = concrete.replace("{" + name + "}", value)
    return Call(operation, path or {}, "", body, "http://127.0.0.1", concrete)


def test_an_id_is_never_given_twice_and_a_changed_object_shows_its_change() -> None:
    app = _app([0.0])
    first = app.book.answer(_call(app, "dashboards_create", body={"name": "First"})).body
    shown = app.book.answer(_call(app, "dashboards_retrieve", {"id": str(first["id"])})).body
    assert shown["name"] == "First"
    app.book.answer(_call(app, "dashboards_partial_update", {"id": str(first["id"])}, {"name": "Second"}))
    assert (
        app.book.answer(_call(app, "dashboards_retrieve", {"id": str(first["id"])})).body["name"] == "Second"
    )
    app.book.answer(_call(app, "dashboards_destroy", {"id": str(first["id"])}))
    again = app.book.answer(_call(app, "dashboards_create", body={"name": "Third"})).body
    assert again["id"] != first["id"]
    assert app.book.answer(_call(app, "dashboards_retrieve", {"id": str(first["id"])})).status == 404


def test_a_reset_restores_the_seeded_objects() -> None:
    app = _app([0.0])
    before = app.book.answer(_call(app, "dashboards_list")).body
    created = app.book.answer(_call(app, "dashboards_create", body={"name": "Gone after reset"})).body
    assert app.book.answer(_call(app, "dashboards_list")).body["count"] == before["count"] + 1
    app.reset()
    assert app.book.answer(_call(app, "dashboards_list")).body == before
    assert app.book.answer(_call(app, "dashboards_retrieve", {"id": str(created["id"])})).status == 404


def test_a_run_moves_through_its_stages_on_the_clock() -> None:
    clock = [100.0]
    app = _app(clock)
    run = app.book.answer(
        _call(app, "scenarios_run_scenarios_create_v2", body={"agent_id": 2, "scenarios": [4]})
    )
    seen = []
    for _ in range(8):
        seen.append(
            app.book.answer(_call(app, "results_retrieve", {"id": str(run.body["id"])})).body["status"]
        )
        clock[0] += 1.0
    assert seen == [
        "pending",
        "in_queue",
        "scaling_up",
        "in_progress",
        "running",
        "evaluating",
        "completed",
        "completed",
    ]


def test_stages_follow_the_documented_enum() -> None:
    assert stages_of({"type": "string", "enum": ["pending", "running", "completed", "failed"]}) == [
        "pending",
        "running",
        "completed",
    ]
    assert stages_of({"type": "string"}) == ("in_progress", "completed")
    assert stages_of({"type": "string", "enum": ["success", "failure"]}) == []
    assert [stage_at(["a", "b", "c"], t, 4.0) for t in (0, 1.9, 2.0, 3.9, 4.0)] == ["a", "a", "b", "b", "c"]
