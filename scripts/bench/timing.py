"""Medians over repeated runs, and ratios taken pair by pair within one round.

Every contender is sampled once per round, in an order that rotates from round to round, and a
ratio is the median of the per-round ratios: on a shared machine, load that drifts between rounds
then hits both sides of a pair alike instead of skewing two separately taken medians. A round can
also be cut into interleaved blocks (A B C, then B C A, ...), each contender's sample the mean of
its blocks: load that comes and goes within a round, which on this kind of machine lasts tens of
milliseconds, then falls on every contender alike too.
"""

import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from scripts.bench.report import Cell, Goal

Sampler = Callable[[], float]
"""Runs the measured thing once and returns the seconds it took (per call, when it loops)."""


@dataclass(frozen=True)
class Samples:
    """Each contender's seconds, one entry per round, in round order."""

    by_name: dict[str, list[float]]

    def median(self, name: str) -> float:
        return statistics.median(self.by_name[name])

    def ratios(self, name: str, baseline: str) -> list[float]:
        """`name`'s time divided by `baseline`'s, round by round."""
        pairs = zip(self.by_name[name], self.by_name[baseline], strict=True)
        return [mine / theirs for mine, theirs in pairs]

    def ratio(self, name: str, baseline: str) -> float:
        """Median over rounds of `name`'s time divided by `baseline`'s in the same round."""
        return statistics.median(self.ratios(name, baseline))

    def spread(self, name: str, baseline: str) -> tuple[float, float]:
        """The lowest and highest of the per-round ratios: how far one round can stray."""
        ratios = self.ratios(name, baseline)
        return min(ratios), max(ratios)

    def ratio_goal(self, text: str, name: str, baseline: str, limit: float) -> Goal:
        """The goal that `name` take at most `limit` times `baseline`, with the per-round spread."""
        return Goal(text, self.ratio(name, baseline), limit, "x", self.spread(name, baseline))

    def comparison_rows(self, median_column: str, baseline: str) -> list[dict[str, Cell]]:
        """One table row per contender: its median, and its ratio to `baseline` with the spread."""
        return [
            {
                "client": name,
                median_column: self.median(name),
                "vs plain": self.ratio(name, baseline),
                "spread vs plain": "{:.3g}-{:.3g}".format(*self.spread(name, baseline)),
            }
            for name in self.by_name
        ]


def round_robin(samplers: Mapping[str, Sampler], rounds: int, blocks: int = 1) -> Samples:
    """Sample every contender once per round, as the mean of `blocks` interleaved runs of its sampler.

    Block `b` of round `r` starts with contender `r + b`, so every contender leads equally often.
    """
    names = list(samplers)
    by_name: dict[str, list[float]] = {name: [] for name in names}
    for round_index in range(rounds):
        totals = dict.fromkeys(names, 0.0)
        for block in range(blocks):
            shift = (round_index + block) % len(names)
            for name in names[shift:] + names[:shift]:
                totals[name] += samplers[name]()
        for name in names:
            by_name[name].append(totals[name] / blocks)
    return Samples(by_name)


def per_call(action: Callable[[], object], calls: int) -> Sampler:
    """A sampler returning the mean seconds of one `action()` over `calls` back-to-back calls."""

    def sample() -> float:
        start = time.perf_counter()
        for _ in range(calls):
            action()
        return (time.perf_counter() - start) / calls

    return sample
