"""The generator parses a document into the same endpoints with `endpoint_sort` as without it.

The stock generator is the oracle: the document is parsed twice, with the generator's own
`sort_parameters` and with the one that skips the deep copy of the endpoint, and the two results
must be equal, field for field (the endpoints are dataclasses, their properties attrs classes).
The documents are the project's golden-record fixture, a small one whose path parameters are
reordered and whose shared query parameter is renamed in one endpoint only, and the patched
Cekura document.
"""

import json
from pathlib import Path
from typing import Any

import pytest
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.openapi import Endpoint

from scripts.core import paths
from scripts.core.yamlio import load_yaml
from scripts.generate import endpoint_sort
from scripts.generate.generate_client import GENERATOR_CONFIG
from scripts.generate.golden_record import FIXTURE

ID_IN_QUERY = {"name": "id", "in": "query", "schema": {"type": "string"}}
ID_IN_PATH = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
# `b_list`'s name-conflict check renames the shared query parameter `id` (to `id_query`), because
# its path has an `id` too; `a_list` keeps `id`. `{second}` is declared before `{id}`, so the path
# parameters are reordered.
SHARED_PARAMETER_DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Fixture", "version": "1"},
    "components": {"parameters": {"Id": ID_IN_QUERY}},
    "paths": {
        "/a/": {"get": {"operationId": "a_list", "parameters": [{"$ref": "#/components/parameters/Id"}],
                        "responses": {"204": {"description": ""}}}},
        "/b/{id}/{second}/": {"get": {
            "operationId": "b_list",
            "parameters": [
                {"name": "second", "in": "path", "required": True, "schema": {"type": "string"}},
                ID_IN_PATH,
                {"$ref": "#/components/parameters/Id"},
            ],
            "responses": {"204": {"description": ""}},
        }},
    },
}  # fmt: skip


def parsed(document: dict[str, Any], tmp_path: Path) -> GeneratorData:
    source = tmp_path / "openapi.json"
    source.write_text(json.dumps(document), "utf-8")
    config = Config.from_sources(
        ConfigFile.load_from_path(path=GENERATOR_CONFIG), MetaType.PDM, source, "utf-8", False, None
    )
    data = GeneratorData.from_dict(document, config=config)
    assert isinstance(data, GeneratorData), data
    return data


def endpoints(data: GeneratorData) -> dict[str, Endpoint]:
    return {
        endpoint.name: endpoint
        for collection in data.endpoint_collections_by_tag.values()
        for endpoint in collection.endpoints
    }


def assert_same_endpoints(document: dict[str, Any], tmp_path: Path) -> dict[str, Endpoint]:
    stock = endpoints(parsed(document, tmp_path))
    with endpoint_sort.installed():
        cheaper = endpoints(parsed(document, tmp_path))
    assert endpoint_sort.sort_parameters is not Endpoint.sort_parameters, "the stock sort is back"
    assert sorted(cheaper) == sorted(stock)
    for name, endpoint in stock.items():
        assert cheaper[name] == endpoint, name
    return cheaper


def test_reordered_and_renamed_parameters_are_the_stock_generators(tmp_path: Path) -> None:
    found = assert_same_endpoints(SHARED_PARAMETER_DOCUMENT, tmp_path)
    assert [p.python_name for p in found["a_list"].query_parameters] == ["id"]
    assert [p.python_name for p in found["b_list"].query_parameters] == ["id_query"]
    assert [p.name for p in found["b_list"].path_parameters] == ["id", "second"]


def test_the_golden_record_fixture_parses_the_same(tmp_path: Path) -> None:
    assert_same_endpoints(load_yaml(FIXTURE.read_text("utf-8")), tmp_path)


@pytest.mark.client_build
def test_the_patched_document_parses_the_same(tmp_path: Path) -> None:
    if not paths.PATCHED_DOCUMENT.is_file():
        pytest.fail(f"{paths.PATCHED_DOCUMENT} is missing: run the tests through `nox -s tests`")
    assert_same_endpoints(json.loads(paths.PATCHED_DOCUMENT.read_text("utf-8")), tmp_path)
