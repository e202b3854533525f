"""Realistic, schema-valid values for response bodies, drawn with `random.Random` from a seed.

Hypothesis gives the simplest valid value (`{}`, `[]`, `""`), which shows a client nothing. This
generator fills every documented property, with values shaped by the schema (enums, formats,
bounds, patterns) and by the property's name (an `email` looks like an email, a `phone_number` like
an E.164 number, an `id` like a database key), and uses a schema's own `example` where it is valid.
It is plain Python on a `random.Random`, so the server thread can draw without Hypothesis, and one
seed always gives the same value. Callers validate the result (`OpenApiIndex.errors`); this module
aims to be valid, the validator decides.
"""

import base64
import random
import re
import string
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from .openapi_index import OpenApiIndex, Schema

MAX_DEPTH = 7
"""Deeper than this an object holds only its required properties and a list only its minimum items
(recursive schemas would otherwise never end)."""
LIST_ITEMS = (2, 4)
"""How many items a nested list holds, bounds included (within the schema's own bounds)."""

_FIRST_NAMES = ("Ava", "Liam", "Maya", "Noah", "Priya", "Omar", "Sofia", "Kenji", "Lena", "Diego", "Amara")
_LAST_NAMES = ("Patel", "Nguyen", "Garcia", "Okafor", "Schmidt", "Rossi", "Kim", "Silva", "Cohen", "Ali")
_WORDS = (
    "billing",
    "refund",
    "appointment",
    "onboarding",
    "escalation",
    "greeting",
    "cancellation",
    "pharmacy",
    "insurance",
    "delivery",
    "booking",
    "support",
    "verification",
    "outbound",
    "inbound",
    "follow-up",
)
_THINGS = ("Agent", "Scenario", "Metric", "Project", "Workflow", "Campaign", "Profile", "Report")
_SENTENCES = (
    "The caller asks to move their appointment to next Tuesday afternoon.",
    "Verify the customer's identity before discussing the account balance.",
    "The agent should offer a refund when the order arrived damaged.",
    "Escalate to a human when the caller asks twice for a supervisor.",
    "Confirm the delivery address and read back the order number.",
    "The patient wants to know whether the pharmacy has the refill ready.",
    "Greet the caller by name and ask how you can help today.",
)
_TRANSCRIPT = (
    "[00:01] Testing Agent: Hello, I'd like to reschedule my appointment.\n"
    "[00:04] Main Agent: Of course. May I have your date of birth?\n"
    "[00:09] Testing Agent: March 3rd, 1988.\n"
    "[00:12] Main Agent: Thank you. I have moved it to Tuesday at 3 PM."
)
_OFFSETS = (UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30)))
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
_PATTERN_CANDIDATES = (
    "1234",
    "42.50",
    "+14155550123",
    "2026-03-14",
    "report.pdf",
    "alpha",
    "0.125",
)


@dataclass(frozen=True)
class _Node:
    """A schema node and its JSON pointer in the document (the pointer names its validator)."""

    pointer: str
    schema: Mapping[str, Any]


class FakeData:
    """Values for the schemas of one document."""

    def __init__(self, index: OpenApiIndex) -> None:
        self.index = index

    def value(self, schema: Schema, rng: random.Random, name: str = "") -> Any:
        """A value for `schema` (a response schema: writeOnly properties are left out)."""
        return self._value(_Node(schema.pointer, schema.node), rng, name, 0)

    def property_schemas(self, schema: Schema) -> dict[str, Schema]:
        """The properties an object schema declares (its `allOf` branches' too), each with its pointer."""
        node = self._resolved(_Node(schema.pointer, schema.node))
        found: dict[str, Schema] = {}
        for branch in [node, *self._branches(node, "allOf")]:
            for prop, child in self._properties(branch).items():
                found.setdefault(prop, Schema(child.pointer, child.schema))
        return found

    def _value(self, node: _Node, rng: random.Random, name: str, depth: int) -> Any:
        node = self._resolved(node)
        schema = node.schema
        if "const" in schema:
            return schema["const"]
        example = self._example(node, rng)
        if example is not None:
            return example[0]
        if "enum" in schema:
            choices = [v for v in schema["enum"] if v is not None] or list(schema["enum"])
            return rng.choice(choices)
        for keyword in ("oneOf", "anyOf"):
            if keyword in schema:
                return self._alternative(node, keyword, rng, name, depth)
        if "allOf" in schema:
            branches = self._branches(node, "allOf")
            if len(branches) == 1 and not self._properties(node):
                return self._value(branches[0], rng, name, depth)
            return self._object(node, rng, depth)
        kind = _main_type(schema)
        if kind == "object":
            return self._object(node, rng, depth)
        if kind == "array":
            return self._array(node, rng, name, depth)
        if kind == "string":
            return _string(schema, rng, name)
        if kind == "integer":
            return _integer(schema, rng, name)
        if kind == "number":
            return _number(schema, rng, name)
        if kind == "boolean":
            return rng.random() < 0.5
        if kind == "null":
            return None
        return _free_form(rng, name)

    def _example(self, node: _Node, rng: random.Random) -> tuple[Any] | None:
        """The schema's own example, half of the time, when it is valid (so seeds still differ)."""
        schema = node.schema
        examples = list(schema.get("examples") or []) if isinstance(schema.get("examples"), list) else []
        if "example" in schema:
            examples.insert(0, schema["example"])
        if not examples or rng.random() < 0.5:
            return None
        chosen = rng.choice(examples)
        if chosen is None or self.index.errors(Schema(node.pointer, schema), chosen):
            return None
        return (chosen,)

    def _alternative(self, node: _Node, keyword: str, rng: random.Random, name: str, depth: int) -> Any:
        branches = self._branches(node, keyword)
        typed = [b for b in branches if _main_type(self._resolved(b).schema) != "null"]
        ordered = typed + [b for b in branches if b not in typed]
        for branch in ordered:
            candidate = self._value(branch, rng, name, depth)
            if keyword == "anyOf" or not self.index.errors(Schema(node.pointer, node.schema), candidate):
                return candidate
        return None

    def _object(self, node: _Node, rng: random.Random, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        parts = [node, *self._branches(node, "allOf")]
        required = {n for part in parts for n in part.schema.get("required", ())}
        for part in parts:
            for prop, child in self._properties(part).items():
                if prop in result or self._resolved(child).schema.get("writeOnly") is True:
                    continue
                if depth >= MAX_DEPTH and prop not in required:
                    continue
                result[prop] = self._value(child, rng, prop, depth + 1)
        extra = node.schema.get("additionalProperties")
        if not result and extra is not False and depth < MAX_DEPTH:
            extra_node = _Node(
                f"{node.pointer}/additionalProperties", extra if isinstance(extra, Mapping) else {}
            )
            for number in range(rng.randint(*LIST_ITEMS)):
                key = f"{rng.choice(_WORDS).replace('-', '_')}_{number + 1}"
                result[key] = self._value(extra_node, rng, key, depth + 1)
        return result

    def _array(self, node: _Node, rng: random.Random, name: str, depth: int) -> list[Any]:
        schema = node.schema
        low = int(schema.get("minItems", 0))
        high = int(schema.get("maxItems", max(low, LIST_ITEMS[1])))
        wanted = low if depth >= MAX_DEPTH else rng.randint(*LIST_ITEMS)
        count = min(max(wanted, low), high)
        items = _Node(f"{node.pointer}/items", schema.get("items", {}))
        singular = name[:-1] if name.endswith("s") else name
        result: list[Any] = []
        for _ in range(count * 4):
            if len(result) == count:
                break
            item = self._value(items, rng, singular, depth + 1)
            if schema.get("uniqueItems") and item in result:
                continue
            result.append(item)
        return result

    def _properties(self, node: _Node) -> dict[str, _Node]:
        properties = node.schema.get("properties", {})
        return {
            name: _Node(f"{node.pointer}/properties/{_escape(name)}", child)
            for name, child in properties.items()
            if isinstance(child, Mapping)
        }

    def _branches(self, node: _Node, keyword: str) -> list[_Node]:
        return [
            self._resolved(_Node(f"{node.pointer}/{keyword}/{number}", branch))
            for number, branch in enumerate(node.schema.get(keyword, ()))
        ]

    def _resolved(self, node: _Node) -> _Node:
        pointer, schema = self.index.resolve_at(node.schema, node.pointer)
        return _Node(pointer, schema)


def _main_type(schema: Mapping[str, Any]) -> str:
    declared = schema.get("type")
    if isinstance(declared, str):
        return declared
    if isinstance(declared, list):
        return next((t for t in declared if t != "null"), "null")
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return ""


def _free_form(rng: random.Random, name: str) -> Any:
    """A value for a schema that allows anything: ids or words for a plural name, else a small object."""
    if name.endswith("_ids"):
        return [rng.randint(1, 99_999) for _ in range(rng.randint(*LIST_ITEMS))]
    if name.endswith("s") and not name.endswith(("ss", "us")):
        return [rng.choice(_WORDS) for _ in range(rng.randint(*LIST_ITEMS))]
    return {"label": rng.choice(_WORDS), "score": rng.randint(0, 100), "passed": rng.random() < 0.7}


def _integer(schema: Mapping[str, Any], rng: random.Random, name: str) -> int:
    low, high = (1, 99_999) if name == "id" or name.endswith(("_id", "_ids")) else (0, 120)
    if "duration" in name or "seconds" in name:
        low, high = 5, 900
    low, high = _bounds(schema, low, high)
    value = rng.randint(low, max(low, high))
    step = schema.get("multipleOf")
    if isinstance(step, int) and step > 0:
        value = max(low + (-low % step), value - value % step)
    return value


def _number(schema: Mapping[str, Any], rng: random.Random, name: str) -> float:
    low, high = (0.0, 1.0) if "rate" in name or "ratio" in name else (0.0, 100.0)
    low, high = _bounds(schema, low, high)
    return round(rng.uniform(low, max(low, high)), 2)


def _bounds(schema: Mapping[str, Any], low: Any, high: Any) -> tuple[Any, Any]:
    """`low`/`high` moved inside the schema's bounds (exclusive bounds by one step)."""
    step: Any = 1 if isinstance(low, int) else 0.01
    if "minimum" in schema:
        low = max(low, schema["minimum"]) if schema["minimum"] <= high else schema["minimum"]
    if "exclusiveMinimum" in schema:
        low = max(low, schema["exclusiveMinimum"] + step)
    if "maximum" in schema:
        high = min(high, schema["maximum"])
    if "exclusiveMaximum" in schema:
        high = min(high, schema["exclusiveMaximum"] - step)
    if isinstance(low, int) and not isinstance(low, bool):
        low, high = int(-(-low // 1)), int(high // 1)
    return low, max(low, high)


def _string(schema: Mapping[str, Any], rng: random.Random, name: str) -> str:
    text = _formatted(str(schema.get("format", "")), rng) or _named(name, rng)
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and not re.search(pattern, text):
        text = next((c for c in _PATTERN_CANDIDATES if re.search(pattern, c)), text)
    low = int(schema.get("minLength", 0))
    high = schema.get("maxLength")
    if len(text) < low:
        text += "".join(rng.choice(string.ascii_lowercase) for _ in range(low - len(text)))
    if isinstance(high, int) and len(text) > high:
        text = text[:high]
    return text


def _formatted(fmt: str, rng: random.Random) -> str | None:
    moment = _EPOCH + timedelta(seconds=rng.randint(0, 300 * 86_400), microseconds=rng.randint(0, 999_999))
    if fmt == "date-time":
        return moment.astimezone(rng.choice(_OFFSETS)).isoformat()
    if fmt == "date":
        return moment.date().isoformat()
    if fmt == "time":
        return moment.time().replace(microsecond=0).isoformat()
    if fmt == "email":
        return _email(rng)
    if fmt in ("uri", "url", "uri-reference"):
        return _url(rng)
    if fmt == "uuid":
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    if fmt in ("decimal", "double", "float"):
        return f"{rng.uniform(0, 100):.2f}"
    if fmt in ("binary", "byte"):
        return base64.b64encode(rng.randbytes(12)).decode()
    if fmt == "ipv4":
        return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    return None


def _named(name: str, rng: random.Random) -> str:
    """A string that looks like what a property called `name` holds."""
    lowered = name.lower()
    if "email" in lowered:
        return _email(rng)
    if "phone" in lowered or lowered in ("number", "inbound_number", "outbound_number", "from_number"):
        return f"+1{rng.choice(('415', '212', '646', '312', '617'))}555{rng.randint(0, 9999):04d}"
    if "url" in lowered or "link" in lowered or "webhook" in lowered:
        return _url(rng)
    if lowered.endswith(("_at", "_time", "timestamp")):
        return _formatted("date-time", rng) or ""
    if "date" in lowered:
        return _formatted("date", rng) or ""
    if lowered in ("first_name", "last_name", "full_name", "user_name", "username") or "person" in lowered:
        return f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
    if lowered.endswith("name") or lowered in ("title", "label"):
        return f"{rng.choice(_WORDS).capitalize()} {rng.choice(_THINGS)} {rng.randint(1, 99)}"
    if "transcript" in lowered:
        return _TRANSCRIPT
    if lowered in ("description", "prompt", "instructions", "message", "summary", "explanation", "error"):
        return rng.choice(_SENTENCES)
    if lowered == "status":
        return "completed"
    if "language" in lowered:
        return rng.choice(("en", "es", "de", "fr", "hi"))
    if "timezone" in lowered:
        return rng.choice(("America/New_York", "Europe/Berlin", "Asia/Kolkata", "UTC"))
    if lowered in ("id", "uuid") or lowered.endswith(("_id", "_uuid", "_key", "token", "secret")):
        return f"{lowered.split('_')[0][:4] or 'obj'}_{rng.getrandbits(48):012x}"
    if "slug" in lowered or "path" in lowered:
        return f"{rng.choice(_WORDS)}_{rng.choice(_WORDS)}".replace("-", "_")
    if "color" in lowered or "colour" in lowered:
        return f"#{rng.getrandbits(24):06x}"
    return f"{rng.choice(_WORDS)} {rng.choice(_WORDS)}"


def _email(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST_NAMES).lower()}.{rng.choice(_LAST_NAMES).lower()}@example.com"


def _url(rng: random.Random) -> str:
    host = rng.choice(("files", "hooks", "app"))
    return f"https://{host}.example.com/{rng.choice(_WORDS)}/{rng.randint(1, 9999)}"


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")
