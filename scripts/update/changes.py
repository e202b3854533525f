"""One classified difference between two versions of the API, shared by the spec and Python layers."""

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Change:
    """`kind` is the rule's id (see `scripts/update/spec_diff.py` and `scripts/update/surface_diff.py`).

    `where` names the operation (`GET /path/`), schema (`schema Foo`), function or model; `pointer`
    is the place inside it (`query.limit`, `body.name`, `properties.status`, empty for the whole);
    `detail` says what changed, for the changelog.
    """

    where: str
    pointer: str
    kind: str
    detail: str
    breaking: bool

    @property
    def verdict(self) -> str:
        return "breaking" if self.breaking else "compatible"


def count_breaking(changes: list[Change]) -> int:
    return sum(change.breaking for change in changes)
