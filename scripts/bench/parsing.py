"""Parse throughput of a page: the client's parse and the generated `from_dict` against `json.loads`.

`json.loads` turns the bytes into dicts; `from_dict` turns those dicts into the client's models.
All are timed in this process on the same page, so the ratio says how much the typed models cost
on top of decoding. The client's parse is timed as a call runs it: `response_body.parse_response`
on the endpoint's parser table, which decodes a body with exactly its schema's keys, as this page
is, straight into the models (`struct_decode`), with the cyclic collector paused. A body with a key
the schema lacks is parsed by `from_dict(decode_json(bytes))`, timed with the collector paused too.
msgspec's untyped decoder alone is the floor.
"""

import json

import httpx
import msgspec

from scripts.bench.report import Goal, Section
from scripts.bench.timing import per_call, round_robin

LOADS = "json.loads(bytes)"
MSGSPEC = "msgspec decode(bytes)"
FROM_DICT = "from_dict(decoded page)"
BOTH = "from_dict(json.loads(bytes))"
FALLBACK = "from_dict(decode_json(bytes)), collector paused: a body with a key the schema lacks"
CLIENT = "parse_response: the client's parse of this page"


def measure(page: bytes, items: int, rounds: int) -> tuple[list[Section], list[Goal]]:
    from cekura_client import Client
    from cekura_client.api.call_logs.call_logs_list import _PARSERS
    from cekura_client.collector_pause import collector_paused
    from cekura_client.models.paginated_call_log_list_list import PaginatedCallLogListList
    from cekura_client.response_body import decode_json, parse_response

    client = Client(base_url="http://127.0.0.1")
    response = httpx.Response(200, content=page)

    def fallback() -> object:
        with collector_paused():
            return PaginatedCallLogListList.from_dict(decode_json(page))

    decoded = json.loads(page)
    decode = msgspec.json.Decoder().decode
    if len(PaginatedCallLogListList.from_dict(decoded).results) != items:
        raise RuntimeError("from_dict did not return every item of the page")
    if parse_response(client, response, _PARSERS) != PaginatedCallLogListList.from_dict(decoded):
        raise RuntimeError("the client parsed the page otherwise than from_dict")
    calls = 50
    samples = round_robin(
        {
            LOADS: per_call(lambda: json.loads(page), calls),
            MSGSPEC: per_call(lambda: decode(page), calls),
            FROM_DICT: per_call(lambda: PaginatedCallLogListList.from_dict(decoded), calls),
            BOTH: per_call(lambda: PaginatedCallLogListList.from_dict(json.loads(page)), calls),
            FALLBACK: per_call(fallback, calls),
            CLIENT: per_call(lambda: parse_response(client, response, _PARSERS), calls),
        },
        rounds,
    )
    section = Section(
        title=f"Parsing a {items}-item page ({len(page):,} bytes)",
        columns=["step", "median ms", "items per second", "vs json.loads"],
        rows=[
            {
                "step": name,
                "median ms": samples.median(name) * 1e3,
                "items per second": round(items / samples.median(name)),
                "vs json.loads": samples.ratio(name, LOADS),
            }
            for name in samples.by_name
        ],
        note=f"{rounds} rounds of {calls} parses each, order rotated; the page is synthesised from the "
        "patched document's `call_logs_list` schemas.",
        samples=samples.by_name,
    )
    return [section], []
