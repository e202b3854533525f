"""`nox -s bench`: what the toolchain and the generated client cost, side by side with their peers.

One module per measured item (`regeneration`, `imports`, `calls`, `parsing`); `timing` holds the
round-robin sampling and pairwise ratios they share, `report` writes `reports/bench.{md,json}`.
"""
