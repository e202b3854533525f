"""`sync` and `asyncio` return the success body and raise the typed error for anything else, on any client."""

import asyncio
from types import ModuleType
from typing import Any

import pytest

from .runtime_helpers import API_KEY, MODES, operation
from .scripted_server import Reply, replies, serve


def call_plain(mode: str, module: ModuleType, **arguments: Any) -> Any:
    """`sync` or `asyncio` of `module` (not the detailed forms)."""
    if mode == "sync":
        return module.sync(**arguments)
    return asyncio.run(module.asyncio(**arguments))


@pytest.mark.parametrize("mode", MODES)
def test_success_returns_the_model(cekura: ModuleType, client_for: Any, mode: str) -> None:
    with serve(replies(Reply(200, {"id": 5, "category": "latency"}))) as server:
        category = call_plain(mode, operation("retrieve"), client=client_for(server.url), id=5)
    assert type(category).__name__ == "CriticalMetricCategory"
    assert (category.id, category.category) == (5, "latency")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("status", "body", "error_name"),
    [
        (404, {"detail": "gone"}, "NotFoundError"),  # documented: parsed by `*_detailed`, raised here
        (400, ["not", "the", "documented", "object"], "ValidationError"),  # not parsed first
        (401, {"detail": "no key"}, "AuthenticationError"),
        (418, None, "APIStatusError"),  # undocumented
        (302, None, "APIStatusError"),  # a redirect without Location is not a success
    ],
)
def test_other_statuses_raise_their_typed_error(
    cekura: ModuleType, client_for: Any, mode: str, status: int, body: Any, error_name: str
) -> None:
    with serve(replies(Reply(status, body))) as server:
        client = client_for(server.url, max_retries=0)  # raise_on_error left off: sync raises anyway
        with pytest.raises(cekura.APIStatusError) as caught:
            call_plain(mode, operation("retrieve"), client=client, id=5)
    assert type(caught.value) is getattr(cekura, error_name)
    assert caught.value.status_code == status
    assert API_KEY not in str(caught.value)


@pytest.mark.parametrize("mode", MODES)
def test_an_undocumented_success_status_is_unexpected(cekura: ModuleType, client_for: Any, mode: str) -> None:
    with serve(replies(Reply(202, {"id": 5}))) as server, pytest.raises(cekura.UnexpectedStatus):
        call_plain(mode, operation("retrieve"), client=client_for(server.url), id=5)


def test_a_body_less_success_returns_none(cekura: ModuleType, client_for: Any) -> None:
    with serve(replies(Reply(204))) as server:
        assert operation("destroy").sync(client=client_for(server.url), id=5) is None


def test_the_plain_generated_client_raises_too(cekura: ModuleType) -> None:
    with serve(replies(Reply(404, {"detail": "gone"}))) as server:
        client = cekura.AuthenticatedClient(base_url=server.url, token=API_KEY)
        with pytest.raises(cekura.NotFoundError):
            operation("retrieve").sync(client=client, id=5)
        assert operation("retrieve").sync_detailed(client=client, id=5).parsed.detail == "gone"
