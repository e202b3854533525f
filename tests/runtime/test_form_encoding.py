"""`form_encoding` against a real DRF server: a body reads the same as JSON, form and multipart."""

import base64
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

import httpx
import pytest
from drf_server import register, serializer, serve
from form_encoding import encode_form, encode_multipart
from rest_framework import serializers as s

JSON, FORM, MULTIPART = "application/json", "application/x-www-form-urlencoded", "multipart/form-data"


@dataclass
class File:
    """The shape of the generated `cekura_client.types.File`."""

    payload: IO[bytes]
    file_name: str | None = None
    mime_type: str | None = None


VoiceOptions = serializer("VoiceOptions", stream=s.BooleanField(), languages=s.ListField(child=s.CharField()))
Voice = serializer(
    "Voice",
    provider=s.ChoiceField(choices=["openai", "elevenlabs"]),
    speed=s.FloatField(required=False),
    tags=s.ListField(child=s.CharField(), required=False),
    options=VoiceOptions(required=False),
)
Substep = serializer("Substep", text=s.CharField(), codes=s.ListField(child=s.IntegerField(), required=False))
Step = serializer(
    "Step",
    text=s.CharField(),
    optional=s.BooleanField(required=False),
    tool_names=s.ListField(child=s.CharField(), required=False),
    grid=s.ListField(child=s.ListField(child=s.IntegerField()), required=False),
    voice=Voice(required=False),
    meta=s.JSONField(required=False),
    substeps=Substep(many=True, required=False),
)
Attachment = serializer("Attachment", name=s.CharField(), file=s.FileField())

PATHS = {
    "scalars": register(
        "scalars",
        serializer(
            "Scalars",
            name=s.CharField(allow_blank=True),
            count=s.IntegerField(),
            ratio=s.FloatField(),
            price=s.DecimalField(max_digits=12, decimal_places=4),
            kind=s.ChoiceField(choices=["workflow", "red_teaming"]),
            level=s.ChoiceField(choices=[1, 2, 3]),
            enabled=s.BooleanField(),
            muted=s.BooleanField(required=False),
            starts=s.DateTimeField(),
            note=s.CharField(allow_null=True, required=False),
            score=s.IntegerField(allow_null=True, required=False),
        ),
    ),
    "nested": register(
        "nested",
        serializer(
            "Agent",
            name=s.CharField(),
            voice=Voice(),
            ids=s.ListField(child=s.IntegerField()),
            modes=s.MultipleChoiceField(choices=["voice", "text"], required=False),
        ),
    ),
    "steps": register("steps", serializer("Workflow", title=s.CharField(), steps=Step(many=True))),
    "step_list": register("step_list", Step, many=True),
    "json": register(
        "json",
        serializer(
            "Widget",
            group_by=s.JSONField(allow_null=True, required=False),
            metadata=s.JSONField(),
            labels=s.ListField(required=False),
            extra=s.DictField(required=False),
        ),
    ),
    "files": register(
        "files",
        serializer(
            "Upload",
            title=s.CharField(),
            file=s.FileField(),
            files=s.ListField(child=s.FileField(), required=False),
            attachments=Attachment(many=True, required=False),
        ),
    ),
}
JSON_FIELDS = ("steps[].meta", "[].meta", "group_by", "metadata", "labels[]", "extra.*")

BODIES: dict[str, Any] = {
    "scalars": {
        "name": "Ada & Bob = 100%",
        "count": -3,
        "ratio": 1e-07,
        "price": 12.5,
        "kind": "red_teaming",
        "level": 2,
        "enabled": False,
        "muted": True,
        "starts": "2026-01-02T03:04:05Z",
        "note": "  padded  ",
        "score": 0,
    },
    "nested": {
        "name": "support bot",
        "voice": {
            "provider": "openai",
            "speed": 1.25,
            "tags": ["calm", "en"],
            "options": {"stream": True, "languages": ["en"]},
        },
        "ids": [3, 1, 2],
        "modes": ["voice", "text"],
    },
    "steps": {
        "title": "checkout",
        "steps": [
            {"text": "greet", "optional": False, "tool_names": ["lookup", "refund"], "grid": [[1, 2], [3]]},
            {
                "text": "pay",
                "optional": True,
                "voice": {
                    "provider": "elevenlabs",
                    "tags": ["fast", "loud"],
                    "options": {"stream": False, "languages": ["de", "fr"]},
                },
                "meta": {"retry": [1, None], "note": "x"},
                "substeps": [{"text": "card", "codes": [4, 2]}, {"text": "confirm"}],
            },
        ],
    },
    "step_list": [
        {"text": "a", "optional": False, "tool_names": ["x"]},
        {"text": "b", "meta": "plain string", "optional": True},
    ],
    "json": {
        "group_by": {"type": "bucket", "interval": 3600000},
        "metadata": [{"position": [1, 2]}, True, None, "text"],
        "labels": ["x", "1"],
        "extra": {"customer_id": "123", "order.id": "ORD-1"},
    },
}
NULL_IN_JSON_FIELDS: dict[str, Any] = {"group_by": None, "metadata": {"a": {}, "b": None}}


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with serve() as base_url, httpx.Client(base_url=base_url) as http:
        yield http


def read(client: httpx.Client, path: str, media_type: str, method: str = "POST", **body: Any) -> Any:
    """What the server's serializer read from the body (`json=`, `data=` or `files=`)."""
    response = client.request(method, path, **body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["media_type"] == media_type
    return answer["data"]


def read_three_ways(client: httpx.Client, name: str, body: Any, method: str = "POST") -> list[Any]:
    path = PATHS[name]
    return [
        read(client, path, JSON, method, json=body),
        read(client, path, FORM, method, data=encode_form(body, json_fields=JSON_FIELDS)),
        read(client, path, MULTIPART, method, files=encode_multipart(body, json_fields=JSON_FIELDS)),
    ]


@pytest.mark.parametrize(
    ("name", "body"), [*BODIES.items(), ("json", NULL_IN_JSON_FIELDS)], ids=[*BODIES, "json_null"]
)
def test_drf_reads_the_same_data_from_json_form_and_multipart(
    client: httpx.Client, name: str, body: Any
) -> None:
    as_json, as_form, as_multipart = read_three_ways(client, name, body)
    assert as_form == as_json
    assert as_multipart == as_json


def test_a_partial_update_reads_the_same_too(client: httpx.Client) -> None:
    body = {"steps": [{"text": "only", "tool_names": ["a", "b"], "voice": {"provider": "openai"}}]}
    as_json, as_form, as_multipart = read_three_ways(client, "steps", body, method="PATCH")
    assert as_form == as_multipart == as_json
    assert "optional" not in as_form["steps"][0]


def test_an_omitted_boolean_reads_as_false_in_a_form_but_absent_in_json(client: httpx.Client) -> None:
    """What the encoder cannot fix: DRF's BooleanField.default_empty_html (callers send defaults)."""
    body = {key: value for key, value in BODIES["scalars"].items() if key != "muted"}
    as_json, as_form, as_multipart = read_three_ways(client, "scalars", body)
    assert "muted" not in as_json
    assert as_form == as_multipart == {**as_json, "muted": False}


def test_files_are_named_multipart_parts_beside_the_other_fields(client: httpx.Client) -> None:
    body = {
        "title": "knowledge base",
        "file": File(payload=io.BytesIO(b"%PDF-1.7"), file_name="guide.pdf", mime_type="application/pdf"),
        "files": [("a.txt", b"alpha", "text/plain"), File(payload=io.BytesIO(b"beta"), file_name="b.csv")],
        "attachments": [{"name": "first", "file": ("one.bin", b"\x00\x01", "application/octet-stream")}],
    }
    data = read(client, PATHS["files"], MULTIPART, files=encode_multipart(body))

    def uploaded(file_name: str, content: bytes, content_type: str) -> dict[str, str]:
        return {
            "file_name": file_name,
            "content_type": content_type,
            "content": base64.b64encode(content).decode(),
        }

    assert data == {
        "title": "knowledge base",
        "file": uploaded("guide.pdf", b"%PDF-1.7", "application/pdf"),
        "files": [uploaded("a.txt", b"alpha", "text/plain"), uploaded("b.csv", b"beta", "text/csv")],
        "attachments": [
            {"name": "first", "file": uploaded("one.bin", b"\x00\x01", "application/octet-stream")}
        ],
    }


def test_the_encoding_spells_each_shape_as_drf_reads_it() -> None:
    body = {
        "ids": [1, 2],
        "voice": {"speed": 1.5, "tags": ["a", "b"]},
        "steps": [{"text": "x", "tool_names": ["t"], "voice": {"tags": ["c", "d"]}, "meta": {"k": None}}],
        "grid": [[1], [2, 3]],
        "flag": True,
    }
    assert encode_form(body, json_fields=["steps[].meta"]) == {
        "ids": ["1", "2"],
        "voice.speed": ["1.5"],
        "voice.tags": ["a", "b"],
        "steps[0]text": ["x"],
        "steps[0]tool_names[0]": ["t"],
        "steps[0]voice.tags[0]": ["c"],
        "steps[0]voice.tags[1]": ["d"],
        "steps[0]meta": ['{"k":null}'],
        "grid[0][0]": ["1"],
        "grid[1][0]": ["2"],
        "grid[1][1]": ["3"],
        "flag": ["true"],
    }
    assert encode_form([{"text": "a"}]) == {"[0]text": ["a"]}
    assert encode_multipart({"n": 1, "f": ("a", b"x", None)}) == [
        ("n", (None, "1", None)),
        ("f", ("a", b"x", None)),
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"tool_names": []}, r"^tool_names: a form cannot say \[\]"),
        (
            {"steps": [{"text": "a", "substeps": [{"text": "b", "codes": []}]}]},
            r"^steps\[0\]\.substeps\[0\]\.codes: .* \[\]",
        ),
        ({"note": None}, r"^note: a form cannot say null"),
        ({"ids": [1, None]}, r"^ids\[1\]: a form cannot say null"),
        ({"voice": {}}, r"^voice: a form cannot say \{\}"),
        ({"steps": [{"text": "a"}, {}]}, r"^steps\[1\]: a form cannot say \{\}"),
        ([], r"^body: a form cannot say \[\]"),
        ({"labels": ["a", 1]}, r"^labels\[1\]: DRF reads an untyped list item .* not int"),
        ({"extra": {"count": 3}}, r"^extra\.count: DRF reads .* free-form object value .* not int"),
    ],
)
def test_what_a_form_cannot_say_raises_naming_the_field(body: Any, message: str) -> None:
    for encode in (encode_form, encode_multipart):
        with pytest.raises(ValueError, match=message) as raised:
            encode(body, json_fields=JSON_FIELDS)
        assert str(raised.value).endswith('send the body with body_content_type="application/json"')


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"file": ("", b"x", None)}, r"^file: a file needs a file name"),
        (
            {"files": [File(payload=io.BytesIO(b"x"), file_name="..")]},
            r"^files\[0\]: a file needs a file name",
        ),
        (
            {"file": ("a.txt", "text", None)},
            r"^file: a file payload is bytes or a binary file object, not str",
        ),
    ],
)
def test_a_file_without_a_usable_name_or_payload_raises(body: Mapping[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        encode_multipart(body)


def test_a_file_in_an_urlencoded_body_raises() -> None:
    with pytest.raises(
        ValueError, match=r'^attachments\[0\]\.file: a file needs body_content_type="multipart'
    ):
        encode_form({"attachments": [{"name": "a", "file": ("a.txt", b"x", None)}]})


SPELLINGS = register(
    "spellings",
    serializer(
        "Spellings",
        tags=s.ListField(child=s.CharField(allow_blank=True), required=False),
        modes=s.MultipleChoiceField(choices=["a", "b"], required=False),
        voice=Voice(required=False),
        steps=Step(many=True, required=False),
        score=s.IntegerField(allow_null=True, required=False),
        note=s.CharField(allow_null=True, allow_blank=True, required=False),
    ),
)


@pytest.mark.parametrize(
    ("form", "read_as"),
    [
        ("tags=[1,2]", {"tags": ["[1,2]"]}),
        ("tags[]=a&tags[]=b", {}),
        ("tags=", {"tags": [""]}),
        ("modes[0]=a&modes[1]=b", {"modes": []}),
        ("voice=", {}),
        ('voice={"provider":"openai"}', {}),
        (
            "steps[0]text=a&steps[0]tool_names=x&steps[0]tool_names=y",
            {"steps": [{"text": "a", "optional": False, "tool_names": ["y"]}]},
        ),
        ("score=&note=", {"score": None, "note": ""}),
    ],
)
def test_drf_reads_the_other_spellings_differently(
    client: httpx.Client, form: str, read_as: dict[str, Any]
) -> None:
    """Why the encoder spells lists, objects, [] and null as it does (see the module's docstring)."""
    read_as = {"modes": [], **read_as}  # an omitted MultipleChoiceField reads as [] in a form
    headers = {"Content-Type": FORM}
    assert read(client, SPELLINGS, FORM, content=form.encode(), headers=headers) == read_as


# --- property names a form key cannot carry ---------------------------------------------------------

NAMED = register(
    "named",
    serializer(
        "Named",
        voice=Voice(required=False),
        steps=Step(many=True, required=False),
        extra=s.DictField(required=False),
    ),
)


@pytest.mark.parametrize(
    ("form", "read_as"),
    [
        (
            "steps[0]=true",
            {"steps": {"0": {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}}},
        ),
        ("steps[0]x.y=true&steps[0]text=a", {"steps": [{"text": "a", "optional": False}]}),
        ("voice.provider=openai&voice.a.b=1", {"voice": {"provider": "openai"}}),
        ("extra.=1", {}),
    ],
)
def test_drf_reads_a_key_holding_nesting_characters_as_something_else(
    client: httpx.Client, form: str, read_as: dict[str, Any]
) -> None:
    """What the old encoding of `{"": true}`, `{"x.y": true}` and `{"a.b": 1}` made DRF read."""
    response = client.post(NAMED, content=form.encode(), headers={"Content-Type": FORM})
    answer = response.json()
    assert (answer if response.status_code == 400 else answer["data"]) == read_as


@pytest.mark.parametrize(
    ("body", "where", "name"),
    [
        ({"": True}, "body", ""),
        ({"a.b": 1}, "body", "a.b"),
        ({"a[0]": 1}, "body", "a[0]"),
        ({"a]": 1}, "body", "a]"),
        ({"voice": {"provider": "openai", "x.y": 1}}, "voice", "x.y"),
        ({"voice": {"": 1}}, "voice", ""),
        ({"steps": [{"": True}]}, r"steps\[0\]", ""),
        ({"steps": [{"text": "a", "x.y": True}]}, r"steps\[0\]", "x.y"),
        ({"steps": [{"[0]": True}]}, r"steps\[0\]", "[0]"),
        ({"steps": [{"text": "a", "voice": {"]": 1}}]}, r"steps\[0\]\.voice", "]"),
        ([{"text": "a", "x[": 1}], r"\[0\]", "x["),
        ({"extra": {"": "v"}}, "extra", ""),
    ],
)
def test_a_property_name_a_form_key_cannot_carry_is_refused(body: Any, where: str, name: str) -> None:
    for encode in (encode_form, encode_multipart):
        with pytest.raises(ValueError, match=rf"^{where}: a form cannot carry the property name ") as raised:
            encode(body, json_fields=JSON_FIELDS)
        message = str(raised.value)
        assert repr(name) in message and "\n" not in message
        assert message.endswith('send the body with body_content_type="application/json"')


def test_a_free_form_object_key_may_hold_nesting_characters(client: httpx.Client) -> None:
    """`DictField` reads everything after `extra.` as the key, dots and brackets included."""
    body = {"extra": {"order.id": "1", "a[0]": "2", "b]": "3"}}
    as_json, as_form, as_multipart = read_three_ways(client, "json", {"metadata": 1, **body})
    assert as_json["extra"] == body["extra"]
    assert as_form == as_multipart == as_json


# --- Django's limits, and header injection through a file's name or type -----------------------------

LIMITS = register(
    "limits",
    serializer(
        "Limits",
        ids=s.ListField(child=s.IntegerField(), required=False),
        name=s.CharField(required=False),
        files=s.ListField(child=s.FileField(), required=False),
    ),
)


def status_of(client: httpx.Client, **body: Any) -> int:
    return client.post(LIMITS, **body).status_code


def test_a_form_at_django_s_field_limit_is_read_and_one_more_is_refused(client: httpx.Client) -> None:
    at_limit = {"ids": list(range(1000))}
    assert read(client, LIMITS, FORM, data=encode_form(at_limit)) == at_limit
    assert read(client, LIMITS, MULTIPART, files=encode_multipart(at_limit)) == at_limit
    over = {"ids": list(range(1001))}
    raw = "&".join(f"ids={i}" for i in range(1001)).encode()
    assert status_of(client, content=raw, headers={"Content-Type": FORM}) == 400  # Django's own refusal
    for encode in (encode_form, encode_multipart):
        with pytest.raises(
            ValueError, match=r"^body: 1,001 (fields|text parts) is more than the server reads \(1,000"
        ):
            encode(over)


def test_an_urlencoded_body_over_2_5_mib_is_refused(client: httpx.Client) -> None:
    limit = 2_621_440
    at_limit = {"name": "x" * (limit - len("name="))}
    assert read(client, LIMITS, FORM, data=encode_form(at_limit)) == at_limit
    over = {"name": "x" * (limit - len("name=") + 1)}
    assert status_of(client, content=f"name={over['name']}".encode(), headers={"Content-Type": FORM}) == 400
    with pytest.raises(
        ValueError, match=r"DATA_UPLOAD_MAX_MEMORY_SIZE\); send the body with body_content_type="
    ):
        encode_form(over)
    with pytest.raises(ValueError, match=r"^body: 2,621,442 bytes of text parts"):
        encode_multipart(over)


def test_more_than_100_files_are_refused(client: httpx.Client) -> None:
    files = [(f"{i}.txt", b"x", "text/plain") for i in range(101)]
    assert status_of(client, files=[("files", part) for part in files]) == 400
    with pytest.raises(ValueError, match=r"^body: 101 files .*NUMBER_FILES\); send fewer per request$"):
        encode_multipart({"files": files})
    assert (
        len(read(client, LIMITS, MULTIPART, files=encode_multipart({"files": files[:100]}))["files"]) == 100
    )


INJECTED_TYPE = 'text/plain\r\nContent-Disposition: form-data; name="name"'


def test_a_line_break_in_a_content_type_would_inject_a_header(client: httpx.Client) -> None:
    """Why the encoder refuses it: Django then reads the part as the text field `name`, and no file."""
    parts = [("files", ("a.txt", b"payload", INJECTED_TYPE))]
    response = client.post(LIMITS, files=parts)
    assert response.status_code == 200 and response.json()["data"] == {"name": "payload"}


@pytest.mark.parametrize(
    ("part", "label"),
    [
        (("a.txt", b"x", INJECTED_TYPE), "mime_type"),
        (("a.txt", b"x", "text/plain\n"), "mime_type"),
        (("a.txt", b"x", "text/plain\x00"), "mime_type"),
        (('a.txt"\r\nX-Injected: 1', b"x", None), "file name"),
        (("a\x00.txt", b"x", None), "file name"),
    ],
)
def test_a_file_name_or_type_with_cr_lf_or_nul_is_refused(
    part: tuple[str, bytes, str | None], label: str
) -> None:
    with pytest.raises(ValueError, match=rf"^files\[0\]: the {label} .* holds CR, LF or NUL") as raised:
        encode_multipart({"files": [part]})
    assert "\n" not in str(raised.value)


# --- Names httpx percent-encodes in a multipart part ---------------------------------------------------


def test_django_reads_a_quote_in_a_part_name_encoded(client: httpx.Client) -> None:
    """Why multipart refuses it: httpx writes `"` in a part name as `%22`, and Django reads `%22`."""
    parts = [('extra.a"b', (None, "1", None)), ("metadata", (None, "1", None))]
    answer = client.post(PATHS["json"], files=parts).json()
    assert answer["data"]["extra"] == {"a%22b": "1"}


def test_a_part_name_holding_a_quote_is_refused_in_multipart_only(client: httpx.Client) -> None:
    body = {"extra": {'a"b': "1"}, "metadata": 1}
    with pytest.raises(ValueError, match=r'^extra\.a"b: a multipart part cannot be named ') as raised:
        encode_multipart(body, json_fields=JSON_FIELDS)
    assert str(raised.value).endswith('send the body with body_content_type="application/json"')
    as_json = read(client, PATHS["json"], JSON, json=body)
    as_form = read(client, PATHS["json"], FORM, data=encode_form(body, json_fields=JSON_FIELDS))
    assert as_form == as_json  # urlencoded percent-encodes the quote, and Django decodes it


def test_django_drops_a_free_form_key_holding_a_line_break(client: httpx.Client) -> None:
    """Why forms refuse control characters in names: `parse_html_dict`'s `.+` stops at the line break."""
    answer = client.post(PATHS["json"], data={"extra.a\nb": "1", "metadata": "1"}).json()
    assert "extra" not in answer["data"]


@pytest.mark.parametrize("name", ["a\nb", "a\tb", "\x00"])
def test_a_property_name_holding_a_control_character_is_refused_in_forms(name: str) -> None:
    for body in ({"extra": {name: "1"}, "metadata": 1}, {"metadata": 1, name: 1}):
        for encode in (encode_form, encode_multipart):
            with pytest.raises(
                ValueError, match=r"^(extra|body): a form cannot carry the property name "
            ) as raised:
                encode(body, json_fields=JSON_FIELDS)
            assert "\n" not in str(raised.value)


@pytest.mark.parametrize("file_name", ['a"b.txt', "a\tb.txt", "a\x1fb.txt"])
def test_a_file_name_httpx_would_rewrite_is_refused(file_name: str) -> None:
    with pytest.raises(ValueError, match=r"^files\[0\]: the file name .* rename the file$"):
        encode_multipart({"files": [(file_name, b"x", None)]})


@pytest.mark.parametrize("file_name", ["uploads/..", "uploads\\.", "C:\\uploads\\..", "uploads/"])
def test_a_file_name_whose_base_name_is_empty_or_a_dot_is_refused(file_name: str) -> None:
    with pytest.raises(ValueError, match=r"^file: a file needs a file name"):
        encode_multipart({"file": (file_name, b"x", None)})


@pytest.mark.parametrize("code", [code for code in range(1, 0x20) if chr(code) not in "\r\n"])
def test_every_control_character_httpx_rewrites_in_a_file_name_is_refused(code: int) -> None:
    """httpx percent-encodes every control character but ESC; Django drops ESC, as any unprintable one."""
    reason = "httpx percent-encodes and Django reads encoded"
    if code == 0x1B:
        reason = "Django removes from the name"
    with pytest.raises(ValueError, match=rf"^file: the file name .* which {reason}; rename the file$"):
        encode_multipart({"file": (f"a{chr(code)}b.txt", b"x", None)})


def test_a_file_name_with_a_space_reaches_django_as_written(client: httpx.Client) -> None:
    """A space is not a control character: httpx writes it as it is and Django reads it back."""
    body = {"title": "t", "file": ("my report.txt", b"x", None)}
    data = read(client, PATHS["files"], MULTIPART, files=encode_multipart(body))
    assert data["file"]["file_name"] == "my report.txt"


RENAMED_BY_DJANGO = [
    pytest.param("a\x1bb.txt", "ab.txt", id="ESC, which httpx leaves as it is"),
    pytest.param("a\u200bb.txt", "ab.txt", id="a zero-width space"),
    pytest.param("Q&amp;A.txt", "Q&A.txt", id="an HTML character reference"),
]


@pytest.mark.parametrize(("file_name", "django_reads"), RENAMED_BY_DJANGO)
def test_django_renames_a_file_whose_name_is_not_printable_or_holds_a_reference(
    client: httpx.Client, file_name: str, django_reads: str
) -> None:
    """Why the encoder refuses them: `MultiPartParser.sanitize_file_name` unescapes HTML character
    references and removes characters that are not printable, so the file arrives renamed."""
    parts = [("title", (None, b"t")), ("file", (file_name, b"x", "text/plain"))]
    data = read(client, PATHS["files"], MULTIPART, files=parts)
    assert data["file"]["file_name"] == django_reads


@pytest.mark.parametrize(("file_name", "django_reads"), RENAMED_BY_DJANGO)
def test_a_file_name_django_would_rename_is_refused(file_name: str, django_reads: str) -> None:
    with pytest.raises(ValueError, match=r"^file: the file name .* rename the file$"):
        encode_multipart({"file": (file_name, b"x", None)})


def test_a_json_valued_field_refuses_nan_and_infinity() -> None:
    for value in (float("nan"), float("inf")):
        with pytest.raises(ValueError, match=r"^metadata: not JSON-serialisable for a JSON-valued field: "):
            encode_form({"metadata": {"score": value}}, json_fields=JSON_FIELDS)


def test_a_refusal_below_a_name_with_a_backslash_names_it_as_written() -> None:
    with pytest.raises(ValueError) as raised:
        encode_form({"a\\b": {"x.y": 1}})
    assert str(raised.value).startswith("a\\b: a form cannot carry the property name 'x.y'")


# --- blank strings for properties whose schema forbids them -------------------------------------------

NON_BLANK = ("name", "voice.provider", "steps[].text", "[].text")


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"name": ""}, "name"),
        ({"name": "a", "voice": {"provider": ""}}, r"voice\.provider"),
        ({"steps": [{"text": "a"}, {"text": ""}]}, r"steps\[1\]\.text"),
        ([{"text": ""}], r"\[0\]\.text"),
    ],
)
def test_a_blank_string_for_a_non_blank_property_is_refused(body: Any, path: str) -> None:
    """DRF reads `""` in a form as absent or null where JSON's is refused (`test_blank_strings.py`)."""
    for encode in (encode_form, encode_multipart):
        with pytest.raises(
            ValueError, match=rf'^{path}: this field may not be blank, and DRF reads ""'
        ) as raised:
            encode(body, non_blank_fields=NON_BLANK)
        message = str(raised.value)
        assert "\n" not in message
        assert message.endswith(
            'leave the field unset, or send the body with body_content_type="application/json"'
        )


def test_whitespace_other_fields_and_list_items_are_sent() -> None:
    """DRF refuses a whitespace-only value and a blank list item from a form as from JSON."""
    body = {"name": "  ", "tags": ["", "a"], "note": "", "voice": {"provider": "\t"}}
    expected = {"name": ["  "], "tags": ["", "a"], "note": [""], "voice.provider": ["\t"]}
    assert encode_form(body, non_blank_fields=NON_BLANK) == expected
    assert encode_form({"name": ""}) == {"name": [""]}  # without the schema's word, sent as it is
