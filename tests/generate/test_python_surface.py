"""The Python layer of the changelog: its names are the generated client's, and its rules."""

import importlib
import inspect
from pathlib import Path
from typing import Any

import attrs
import pytest
from fixture_client import build_fixture_client, run_in_client

from scripts.generate.python_surface import Slot, Surface, parameter_names, surface_of
from scripts.update.surface_diff import diff_surfaces


def test_functions_are_the_generated_modules(
    patched_document: dict[str, Any], generated_project: Path
) -> None:
    api = generated_project / "cekura_client" / "api"
    modules = {
        ".".join(("api", *path.relative_to(api).with_suffix("").parts))
        for path in api.rglob("*.py")
        if path.name != "__init__.py"
    }
    assert set(surface_of(patched_document).functions) == modules


def test_function_parameters_are_the_generated_signatures(
    patched_document: dict[str, Any], generated_project: Path
) -> None:
    surface = surface_of(patched_document)
    mismatched = []
    for module_name, parameters in surface.functions.items():
        module = importlib.import_module(f"cekura_client.{module_name}")
        # `client` and `body_content_type` (several body media types) come from the templates, not the spec.
        generated = set(inspect.signature(module.sync_detailed).parameters) - {"client", "body_content_type"}
        if generated != set(parameters):
            mismatched.append((module_name, sorted(generated ^ set(parameters))))
    assert mismatched == []


def test_models_and_fields_are_the_generated_classes(
    patched_document: dict[str, Any], generated_project: Path
) -> None:
    """Each component is a generated class with the same fields, a union, or a copy the generator merged."""
    models = importlib.import_module("cekura_client.models")
    schemas = patched_document["components"]["schemas"]
    surface = surface_of(patched_document).models
    mismatched, merged = [], []
    for class_name, fields in surface.items():
        model = getattr(models, class_name, None)
        if model is None:
            merged.append(class_name)
            schema = schemas[class_name]
            twins = [
                other
                for other, other_fields in surface.items()
                if other != class_name and hasattr(models, other) and other_fields == fields
            ]
            assert "anyOf" in schema or "oneOf" in schema or twins, class_name
        elif attrs.has(model):
            generated = {field.name for field in attrs.fields(model)} - {"additional_properties"}
            if generated != set(fields):
                mismatched.append((class_name, sorted(generated ^ set(fields))))
    assert mismatched == []
    assert len(merged) < len(schemas) // 10, merged


def surface(
    functions: dict[str, dict[str, Slot]], models: dict[str, dict[str, Slot]] | None = None
) -> Surface:
    return Surface(functions=functions, models=models or {})


def test_rules() -> None:
    old = surface(
        {"api.a.gone": {}, "api.a.kept": {"limit": Slot("int | Unset", False), "id": Slot("int", True)}},
        {"Thing": {"name": Slot("str", True), "note": Slot("str", True)}},
    )
    new = surface(
        {
            "api.a.kept": {
                "limit": Slot("int | Unset", False),
                "id": Slot("str", True),
                "q": Slot("str", False),
            }
        },
        {"Thing": {"name": Slot("str", False), "size": Slot("int", True)}},
    )
    found = {(c.where, c.pointer, c.kind, c.breaking) for c in diff_surfaces(old, new)}
    assert found == {
        ("function api.a.gone", "", "function-removed", True),
        ("function api.a.kept", "id", "parameter-retyped", True),
        ("function api.a.kept", "q", "parameter-added", False),
        ("model Thing", "name", "field-became-optional", True),
        ("model Thing", "note", "field-removed", True),
        ("model Thing", "size", "field-added", True),
    }


def test_parameter_names_resolve_clashes_as_the_generator_does(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """The names match the signature the generator writes for an operation with every kind of clash."""
    parameters = [("result__id", "query"), ("result_id", "query"), ("pageSize", "query")]
    parameters += [("id", "path"), ("id", "query"), ("url", "query")]
    operation = {
        "operationId": "things_retrieve",
        "parameters": [
            {"name": name, "in": location, "required": location == "path", "schema": {"type": "integer"}}
            for name, location in parameters
        ],
        "responses": {"204": {"description": ""}},
    }
    document = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {"/things/{id}/": {"get": operation}},
    }
    client = build_fixture_client(tmp_path_factory, "parameter-names", document)
    generated = run_in_client(
        client,
        "import inspect, json\n"
        "from cekura_client.api.default import things_retrieve\n"
        "print(json.dumps(list(inspect.signature(things_retrieve.sync_detailed).parameters)))",
    )
    assert set(generated) - {"client"} == set(parameter_names(parameters))
    assert parameter_names(parameters) == [
        "result__id",
        "result_id",
        "page_size",
        "id_path",
        "id_query",
        "url_query",
    ]


def test_tied_operations_are_two_functions_named_by_the_tie_break() -> None:
    ok = {"200": {"description": "ok"}}
    document: dict[str, Any] = {
        "paths": {
            "/test_framework/v1/billing/": {"get": {"responses": ok}},
            "/test_framework/v1/billing/{id}/": {"get": {"responses": ok}},
        }
    }
    assert set(surface_of(document).functions) == {
        "api.billing.billing_retrieve",
        "api.billing.billing_by_id_retrieve",
    }
