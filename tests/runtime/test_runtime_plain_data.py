"""Plain data in: a body as a mapping, a file as a path, `(name, bytes)`, an open file or `File`."""

import importlib
import json
from email.parser import BytesParser
from email.policy import HTTP
from io import BytesIO
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .runtime_helpers import API_KEY
from .scripted_server import Reply, Seen, replies, serve

CONDITION_AUDIO = {"audio_id": "a-1", "condition_id": 7}  # the documented 202 body
WAV = b"RIFF\x00\x00\x00\x00WAVEfmt "


def multipart_parts(seen: Seen) -> dict[str, tuple[str | None, bytes]]:
    """Each part of a multipart request: name -> (file name, content)."""
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + seen.headers["content-type"].encode() + b"\r\n\r\n" + seen.body
    )
    parts = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        parts[str(name)] = (part.get_filename(), payload)
    return parts


def upload(cekura: ModuleType, file: Any) -> Seen:
    with serve(replies(Reply(202, CONDITION_AUDIO))) as server:
        client = cekura.Cekura(api_key=API_KEY, base_url=server.url)
        client.scenarios.condition_audio_create_v2(42, body={"condition_id": 7, "file": file})
        return server.requests[0]


def test_a_mapping_body_is_sent_as_its_model(cekura: ModuleType) -> None:
    with serve(replies(Reply(201, {"id": 5, "category": "latency"}))) as server:
        client = cekura.Cekura(api_key=API_KEY, base_url=server.url)
        client.critical_metric_categories.external_create(body={"category": "latency", "weight": 2})
        seen = server.requests[0]
    assert seen.headers["content-type"] == "application/json"
    assert json.loads(seen.body) == {"category": "latency", "weight": 2}


@pytest.mark.parametrize("kind", ["path", "str path", "name and bytes", "open file", "File", "from_path"])
def test_a_file_field_takes_plain_values(cekura: ModuleType, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "greeting.wav"
    path.write_bytes(WAV)
    types = importlib.import_module("cekura_client.types")
    values: dict[str, Any] = {
        "path": path,
        "str path": str(path),
        "name and bytes": ("greeting.wav", WAV),
        "File": types.File(payload=BytesIO(WAV), file_name="greeting.wav"),
        "from_path": types.File.from_path(path),
    }
    if kind == "open file":
        with path.open("rb") as opened:
            seen = upload(cekura, opened)
    else:
        seen = upload(cekura, values[kind])
    parts = multipart_parts(seen)
    assert parts["file"] == ("greeting.wav", WAV)
    assert parts["condition_id"] == (None, b"7")


def test_from_path_guesses_the_media_type(cekura: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "greeting.wav"
    path.write_bytes(WAV)
    file = importlib.import_module("cekura_client.types").File.from_path(path)
    assert (file.file_name, file.mime_type, file.payload.read()) == ("greeting.wav", "audio/x-wav", WAV)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"file": ("a.wav", b"x")},
            "does not fit ScenariosConditionAudioCreateRequestBody",  # condition_id missing
        ),
        ({"condition_id": 7, "file": 12}, "file: a file must be a File, a path"),
    ],
)
def test_a_mapping_that_does_not_fit_is_refused_before_any_io(
    cekura: ModuleType, body: dict[str, Any], message: str
) -> None:
    client = cekura.Cekura(api_key=API_KEY, base_url="http://127.0.0.1:9")  # nothing listens there
    errors = importlib.import_module("cekura_client.errors")
    with pytest.raises(errors.RequestEncodingError, match=message) as caught:
        client.scenarios.condition_audio_create_v2(42, body=body)
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, cekura.CekuraError)


def test_a_model_query_parameter_takes_a_mapping_too(cekura: ModuleType) -> None:
    """`filters` is a model (a free-form object sent as one JSON text): a mapping becomes it."""
    with serve(replies(Reply(200, []))) as server:
        client = cekura.Cekura(api_key=API_KEY, base_url=server.url)
        assert client.metrics.list(agent_id=3, filters={"type": "llm_judge"}) == []
        seen = server.requests[0]
    assert seen.query == {"agent_id": ["3"], "filters": ['{"type":"llm_judge"}']}
