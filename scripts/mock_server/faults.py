"""Faults on demand: a latency, an error status, a dropped connection or a malformed body.

A fault is written `KIND[,KIND...][ xN]`: `latency=SECONDS`, a status (`429`, `500`, `503`, any
4xx/5xx; `429` answers `Retry-After: 1`, `429 retry-after=3` another wait), `drop` (the connection
closes before any answer) or `malformed` (a 200 whose JSON body is cut short); `xN` makes it happen
to the first N matching requests only, so a client's retries then succeed. One request asks for it
in the `X-Mock-Fault` header or the `mock_fault` query parameter (counted per method, path and
fault); a rule given at start (`--fail "POST /test_framework/*: 503 x2"`) or added through
`POST /__mock__/faults` applies to every request its method and path pattern (`fnmatch`) match.
"""

import fnmatch
import re
import threading
from collections import Counter
from dataclasses import dataclass, field

FAULT_HEADER = "x-mock-fault"
FAULT_QUERY = "mock_fault"
DEFAULT_RETRY_AFTER = 1.0

_SPEC = re.compile(r"\s*(?P<kinds>.*?)(?:\s+x(?P<times>\d+))?\s*")
_RULE = re.compile(r"\s*(?P<method>[A-Za-z*]+)\s+(?P<path>\S+?)\s*:\s*(?P<spec>.+)")


class FaultSyntaxError(ValueError):
    """A fault or rule that does not parse; the message says what is accepted."""


@dataclass(frozen=True)
class Fault:
    """What to do to one request: wait `latency` seconds, then answer `status`, drop or cut the body."""

    latency: float = 0.0
    status: int | None = None
    retry_after: float = DEFAULT_RETRY_AFTER
    drop: bool = False
    malformed: bool = False


@dataclass
class Rule:
    """A fault for the requests that `method` and the `path` pattern match; `remaining` None: always."""

    method: str
    path: str
    fault: Fault
    remaining: int | None
    text: str

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method.upper()) and fnmatch.fnmatchcase(path, self.path)


def parse_fault(text: str) -> tuple[Fault, int | None]:
    """The fault `text` names and how many times it applies (None: every time)."""
    matched = _SPEC.fullmatch(text)
    if matched is None or not matched["kinds"]:
        raise FaultSyntaxError(
            f"fault {text!r}: write e.g. '503', '429 retry-after=2', 'latency=1.5', 'drop' or 'malformed',"
            " with an optional ' x2'"
        )
    latency, status, retry_after, drop, malformed = 0.0, None, DEFAULT_RETRY_AFTER, False, False
    for word in re.split(r"[,\s]+", matched["kinds"].strip()):
        key, _, value = word.partition("=")
        try:
            if key == "latency":
                latency = float(value.rstrip("s"))
            elif key == "retry-after":
                retry_after = float(value)
            elif key == "drop":
                drop = True
            elif key == "malformed":
                malformed = True
            elif key.isdigit() and 400 <= int(key) <= 599:
                status = int(key)
            else:
                raise ValueError(word)
        except ValueError:
            raise FaultSyntaxError(
                f"fault {text!r}: {word!r} is not one of latency=SECONDS, a 4xx/5xx status,"
                " retry-after=SECONDS, drop, malformed"
            ) from None
    times = int(matched["times"]) if matched["times"] else None
    return Fault(latency, status, retry_after, drop, malformed), times


def parse_rule(text: str) -> Rule:
    """A rule `METHOD PATH-PATTERN: FAULT`, e.g. `POST /test_framework/*: 503 x2`."""
    matched = _RULE.fullmatch(text)
    if matched is None:
        raise FaultSyntaxError(
            f"rule {text!r}: write 'METHOD PATH-PATTERN: FAULT', e.g. 'POST /test_framework/*: 503 x2'"
        )
    fault, times = parse_fault(matched["spec"])
    return Rule(matched["method"].upper(), matched["path"], fault, times, text.strip())


@dataclass
class FaultBook:
    """The rules in force and the per-request faults already spent, with the server's request counts."""

    start_rules: list[str] = field(default_factory=list)
    rules: list[Rule] = field(init=False)
    requests: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    _spent: Counter[tuple[str, str]] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.rules = [parse_rule(text) for text in self.start_rules]

    def reset(self) -> None:
        """Back to the start rules, with fresh counts."""
        with self._lock:
            self.rules = [parse_rule(text) for text in self.start_rules]
            self.requests.clear()
            self.faults.clear()
            self._spent.clear()

    def add(self, text: str) -> Rule:
        rule = parse_rule(text)
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self.rules = []

    def decide(self, method: str, path: str, asked: str | None) -> Fault | None:
        """Count the request; the fault it gets: the one it asked for, else the first matching rule's."""
        label = f"{method.upper()} {path}"
        with self._lock:
            self.requests[label] += 1
            fault = self._asked(label, asked) if asked else None
            if fault is None:
                fault = self._ruled(method, path)
            if fault is not None:
                self.faults[label] += 1
            return fault

    def _asked(self, label: str, asked: str) -> Fault | None:
        fault, times = parse_fault(asked)
        key = (label, asked)
        if times is not None and self._spent[key] >= times:
            return None
        self._spent[key] += 1
        return fault

    def _ruled(self, method: str, path: str) -> Fault | None:
        for rule in self.rules:
            if rule.remaining == 0 or not rule.matches(method, path):
                continue
            if rule.remaining is not None:
                rule.remaining -= 1
            return rule.fault
        return None
