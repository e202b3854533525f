"""`nox -s mutants`: mutation testing of the client runtime and the toolchain's guards.

For each module named in `mutation/modules.toml` (or only those given on the command line), every
mutant that cosmic-ray's operators make (one realistic bug at a time: a comparison's boundary, a
flipped condition, a number off by one, `and` for `or`, a loop that never runs, ...) is written over
the module in a scratch copy of the repository, then only the test files that cover the module
run, the tests that reach the mutated line first (`test_order`), each run in a fork of a waiting
pytest process that has the installed libraries imported already (`fork_server`). A failing or
timed-out run kills the mutant; a passing one lets it survive. The module is put back after each
mutant, and on any exit.

Mutants reviewed as equivalent or harmless are listed in `mutation/equivalent.toml`, each with its
reason; they are left out of the kill rate. Writes `reports/mutants.md` and `reports/mutants.json`
(survivors with file, line and mutation) and prints the kill rate per module. Exit code 1 when a
module's kill rate is below `--goal` (90% by default).
"""

import argparse
import ast
import difflib
import json
import os
import queue
import shutil
import signal
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from scripts.core import paths
from scripts.core.errors import ToolchainError
from scripts.mutation.fork_server import ForkServer
from scripts.mutation.test_order import COVERAGE_OUT_ENV, COVERED_SUFFIX_ENV, FIRST_ENV, RECORDED_ENV

CONFIG_FILE = paths.ROOT / "mutation" / "modules.toml"
EQUIVALENT_FILE = paths.ROOT / "mutation" / "equivalent.toml"
REPORT_DIR = paths.ROOT / "reports"
MIRROR_VARIABLE = "CEKURA_SPEC_MIRROR"
GOAL_PERCENT = 90.0
# A mutant whose tests run this much longer than the unmutated baseline (an endless loop) is killed.
TIMEOUT_FACTOR = 3.0
TIMEOUT_MARGIN_SECONDS = 20.0
SLOWEST_LISTED = 15  # in the report: where a run's time went
# Two workers: one per core of the machine the 30-minute budget is for.
DEFAULT_JOBS = 2
# Left out: xdist (one process per mutant), and the hypothesis and schemathesis plugins, whose
# imports cost a second per run (the configured test files do not use them; their own imports stay).
PYTEST_ARGS = [
    *("-x", "-q", "-p", "no:xdist", "-p", "no:cacheprovider"),
    *("-p", "no:schemathesis", "-p", "no:hypothesispytest"),
    *("-p", "scripts.mutation.generator_cache", "-p", "scripts.mutation.test_order"),
]


@dataclass(frozen=True)
class ModuleConfig:
    name: str
    path: str
    tests: list[str]


@dataclass(frozen=True)
class Mutant:
    module: str
    path: str
    operator: str
    occurrence: int
    line: int
    before: str
    after: str
    code: str = field(repr=False)

    def key(self) -> tuple[str, str, str, str]:
        """What identifies a mutant across edits elsewhere in the file: not its line number."""
        return (self.path, self.operator.removeprefix("core/"), self.before, self.after)


@dataclass(frozen=True)
class Outcome:
    mutant: Mutant
    status: str  # killed, survived, timeout, equivalent
    reason: str = ""
    seconds: float = 0.0


# Each operator makes one realistic mistake; cosmic-ray's full set (every binary operator for
# every other, ~140 names) mostly adds mutants a type checker or the first import already rejects.
OPERATORS = [
    "core/ReplaceComparisonOperator_Eq_NotEq",
    "core/ReplaceComparisonOperator_NotEq_Eq",
    "core/ReplaceComparisonOperator_Lt_LtE",
    "core/ReplaceComparisonOperator_LtE_Lt",
    "core/ReplaceComparisonOperator_Gt_GtE",
    "core/ReplaceComparisonOperator_GtE_Gt",
    "core/ReplaceComparisonOperator_Lt_Gt",
    "core/ReplaceComparisonOperator_Gt_Lt",
    "core/ReplaceComparisonOperator_Is_IsNot",
    "core/ReplaceComparisonOperator_IsNot_Is",
    "core/ReplaceBinaryOperator_Add_Sub",
    "core/ReplaceBinaryOperator_Sub_Add",
    "core/ReplaceBinaryOperator_Mul_Div",
    "core/ReplaceBinaryOperator_Div_Mul",
    "core/ReplaceBinaryOperator_Pow_Mul",
    "core/ReplaceBinaryOperator_BitOr_BitAnd",
    "core/ReplaceBinaryOperator_BitAnd_BitOr",
    "core/ReplaceBinaryOperator_Sub_BitOr",
    "core/ReplaceUnaryOperator_USub_UAdd",
    "core/AddNot",
    "core/ReplaceTrueWithFalse",
    "core/ReplaceFalseWithTrue",
    "core/ReplaceAndWithOr",
    "core/ReplaceOrWithAnd",
    "core/ReplaceBreakWithContinue",
    "core/ReplaceContinueWithBreak",
    "core/NumberReplacer",
    "core/ZeroIterationForLoop",
]


def load_config(path: Path = CONFIG_FILE) -> dict[str, ModuleConfig]:
    """The modules to mutate and the test files that cover each, as committed."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    modules = {}
    for name, entry in data.get("modules", {}).items():
        if not isinstance(entry.get("path"), str) or not entry.get("tests"):
            raise ToolchainError(f"{path.name}: module {name!r} needs a path and a non-empty tests list")
        modules[name] = ModuleConfig(name=name, path=entry["path"], tests=list(entry["tests"]))
    return modules


def load_equivalents(path: Path = EQUIVALENT_FILE) -> dict[tuple[str, str, str, str], str]:
    """Reviewed mutants that cannot change behaviour a user sees, each with its reason."""
    if not path.is_file():
        return {}
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("mutant", [])
    reviewed = {}
    for entry in entries:
        missing = {"path", "operator", "before", "after", "reason"} - entry.keys()
        if missing:
            raise ToolchainError(f"{path.name}: an entry lacks {', '.join(sorted(missing))}: {entry}")
        key = (entry["path"], entry["operator"].removeprefix("core/"), entry["before"], entry["after"])
        reviewed[key] = entry["reason"]
    return reviewed


def mutants_of(module: ModuleConfig) -> Iterator[Mutant]:
    """Every mutant of `module` that the operators make, with the line it changes."""
    # Imported here: cosmic-ray (parso, stevedore) is installed in the mutants session only.
    import cosmic_ray.plugins
    from cosmic_ray.ast import ast_nodes, get_ast
    from cosmic_ray.mutating import mutate_code

    source = (paths.ROOT / module.path).read_text(encoding="utf-8")
    original_lines = source.splitlines()
    annotations = _annotation_spans(source)
    for name in OPERATORS:
        operator = cosmic_ray.plugins.get_operator(name)()
        positions = [
            (node, start)
            for node in ast_nodes(get_ast(source))
            for start, _ in operator.mutation_positions(node)
        ]
        for occurrence, (node, start) in enumerate(positions):
            if _is_declaration(node, start, annotations):
                continue
            try:
                code = mutate_code(source, operator, occurrence)
            except Exception:  # a node the operator cannot rewrite (cosmic-ray raises): no mutant
                continue
            if code is None or code == source:
                continue
            line, before, after = _changed_line(original_lines, code.splitlines())
            yield Mutant(module.name, module.path, name, occurrence, line, before, after, code)


Span = tuple[tuple[int, int], tuple[int, int]]


def _annotation_spans(source: str) -> list[Span]:
    """Where the type annotations are: `int | None` mutated to `int & None` tests nothing but import."""
    spans = []
    for node in ast.walk(ast.parse(source)):
        annotation = None
        if isinstance(node, ast.arg | ast.AnnAssign):
            annotation = node.annotation
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            annotation = node.returns
        if annotation is not None and annotation.end_lineno is not None:
            end_col = annotation.end_col_offset or 0
            spans.append(((annotation.lineno, annotation.col_offset), (annotation.end_lineno, end_col)))
    return spans


def _is_declaration(node: Any, start: tuple[int, int], annotations: list[Span]) -> bool:
    """A mutation of a type annotation, or of the `*` marking keyword-only parameters."""
    if getattr(node.parent, "type", None) in ("param", "parameters"):
        return True  # `def f(a, *, b)` made `def f(a, /, b)`: the calls stay valid
    return any(first <= start < last for first, last in annotations)


def _changed_line(old: list[str], new: list[str]) -> tuple[int, str, str]:
    """The first line the mutation changed, before and after (stripped)."""
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            before = " / ".join(line.strip() for line in old[i1:i2])
            after = " / ".join(line.strip() for line in new[j1:j2])
            return i1 + 1, before, after
    return 0, "", ""


def test_environment(cache: Path) -> dict[str, str]:
    """The environment every test run gets: the generator cache, and the spec mirror's absolute path."""
    return {
        **os.environ,
        "PYTHONDONTWRITEBYTECODE": "1",
        "CEKURA_MUTANTS_GENERATOR_CACHE": str(cache),
        MIRROR_VARIABLE: mirror_for_workspace(),
    }


def mirror_for_workspace() -> str:
    """The spec mirror the tests read, as an absolute path: a workspace lives elsewhere, so the
    tests' default (`../shared/cekura-spec` beside the repository) and relative paths would miss."""
    configured = os.environ.get(MIRROR_VARIABLE, "")
    if configured.startswith(("http://", "https://")):
        return configured
    if configured:
        return str(Path(configured).resolve())
    return str(paths.ROOT.parent / "shared" / "cekura-spec")


# Not copied into a workspace: history, build outputs the tests rebuild, caches.
SKIPPED = shutil.ignore_patterns(
    ".git", ".nox", "generated", "dist", "reports", "__pycache__", ".*_cache", ".generate-*"
)


def make_workspaces(scratch: Path, count: int) -> list[Path]:
    """Copies of the repository (the patched document included) that mutants are written into,
    so the working tree is never mutated and `count` mutants can run side by side."""
    workspaces = []
    for number in range(count):
        workspace = scratch / f"workspace-{number}"
        shutil.copytree(paths.ROOT, workspace, ignore=SKIPPED, symlinks=True)
        workspaces.append(workspace)
    return workspaces


def test_module(
    module: ModuleConfig,
    equivalents: dict[tuple[str, str, str, str], str],
    workspaces: list[Path],
    cache: Path,
    retest: set[tuple[str, str, str, str]] | None = None,
) -> list[Outcome]:
    """Run `module`'s tests against each of its mutants, one mutant per workspace at a time.

    With `retest`, only those mutants run; the others count as killed, as in the previous run."""
    # One server per workspace and module: each starts with nothing imported but pytest.
    servers = [ForkServer(workspace, test_environment(cache)) for workspace in workspaces]
    try:
        return _test_with_servers(module, equivalents, list(zip(workspaces, servers, strict=True)), retest)
    finally:
        for server in servers:
            server.close()


def _test_with_servers(
    module: ModuleConfig,
    equivalents: dict[tuple[str, str, str, str], str],
    workers: list[tuple[Path, ForkServer]],
    retest: set[tuple[str, str, str, str]] | None,
) -> list[Outcome]:
    workspace, server = workers[0]
    log = workspace / ".mutants-baseline.log"
    recorded = workspace / ".mutants-coverage.json"
    imported = workspace / ".mutants-imported"
    recording = {COVERAGE_OUT_ENV: str(recorded), COVERED_SUFFIX_ENV: module.path.removeprefix("overrides/")}
    arguments = [*PYTEST_ARGS, *module.tests]
    passed, baseline = server.run(arguments, 1800, recording, output=log, modules=imported)
    summary = log.read_text(encoding="utf-8", errors="replace").splitlines()
    if not passed:
        raise ToolchainError(
            f"the tests of {module.name} fail without any mutant: "
            f"`pytest {' '.join(module.tests)}` must pass first ({summary[-1] if summary else 'no output'})"
        )
    skips = [line for line in summary if line.startswith("SKIPPED")]
    if skips:
        # A skipped test passes whatever the mutant: every mutant it alone would kill would survive.
        raise ToolchainError(f"the tests of {module.name} skip without any mutant: {skips[0]}")
    timeout = baseline * TIMEOUT_FACTOR + TIMEOUT_MARGIN_SECONDS
    source = (paths.ROOT / module.path).read_text(encoding="utf-8")
    reaching = covering_tests(json.loads(recorded.read_text(encoding="utf-8")), source)
    libraries = imported.read_text(encoding="utf-8").split("\n")
    for _, each in workers:
        each.preload(libraries)
    mutants = list(mutants_of(module))
    print(f"{module.name}: {len(mutants)} mutants, tests take {baseline:.1f} s", flush=True)
    free: queue.Queue[tuple[Path, ForkServer]] = queue.Queue()
    for worker in workers:
        free.put(worker)

    def judge(mutant: Mutant) -> Outcome:
        reason = equivalents.get(mutant.key())
        if reason is not None:
            return Outcome(mutant, "equivalent", reason)
        if retest is not None and mutant.key() not in retest:
            return Outcome(mutant, "killed", "in the previous run")
        workspace, server = free.get()
        target = workspace / module.path
        original = target.read_bytes()
        first = workspace / ".mutants-first"
        try:
            target.write_text(mutant.code, encoding="utf-8")
            first.write_text("\n".join(reaching.get(mutant.line, [])), encoding="utf-8")
            ordering = {FIRST_ENV: str(first), RECORDED_ENV: str(recorded)}
            passed, seconds = server.run(arguments, timeout, ordering)
        finally:
            target.write_bytes(original)
            free.put((workspace, server))
        status = "timeout" if seconds >= timeout else ("survived" if passed else "killed")
        if status == "survived":
            print(f"  survived: {_where(mutant)}", flush=True)
        return Outcome(mutant, status, seconds=seconds)

    pool = ThreadPoolExecutor(max_workers=len(workers))
    try:
        return list(pool.map(judge, mutants))
    finally:
        # Interrupted (Ctrl-C, SIGTERM): no further mutant starts, and `test_module` closes the
        # servers, which kills the runs under way.
        pool.shutdown(wait=False, cancel_futures=True)


def covering_tests(recorded: dict[str, Any], source: str) -> dict[int, list[str]]:
    """For each line of the module's `source`, the tests the baseline saw run its statement, fastest first.

    coverage.py records a statement at its first line; a mutant may change a later line of it
    (a condition written over several lines), so every line of a statement maps to its tests."""
    by_line = {int(line): tests for line, tests in recorded["lines"].items()}
    seconds: dict[str, float] = recorded["seconds"]
    starts: dict[int, int] = {}
    spans: dict[int, int] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.stmt) and node.end_lineno is not None:
            for line in range(node.lineno, node.end_lineno + 1):
                # The innermost statement holding the line: the one with the shortest span.
                span = node.end_lineno - node.lineno
                if line not in starts or span < spans[line]:
                    starts[line], spans[line] = node.lineno, span
    return {
        line: sorted(by_line[start], key=lambda test: seconds.get(test, 0.0))
        for line, start in starts.items()
        if start in by_line
    }


def _where(mutant: Mutant) -> str:
    operator = mutant.operator.removeprefix("core/")
    return f"{mutant.path}:{mutant.line} {operator}: `{mutant.before}` -> `{mutant.after}`"


@dataclass
class Tally:
    module: str
    mutants: int = 0
    killed: int = 0
    survived: int = 0
    equivalent: int = 0
    timeouts: int = 0  # killed by the timeout (counted in `killed`): each cost the full timeout
    seconds: float = 0.0

    @property
    def kill_rate(self) -> float:
        judged = self.killed + self.survived
        return 100.0 if judged == 0 else 100.0 * self.killed / judged


def tally(module: str, outcomes: list[Outcome], seconds: float) -> Tally:
    counts = Tally(module, mutants=len(outcomes), seconds=seconds)
    for outcome in outcomes:
        if outcome.status in ("killed", "timeout"):
            counts.killed += 1
            counts.timeouts += outcome.status == "timeout"
        elif outcome.status == "survived":
            counts.survived += 1
        else:
            counts.equivalent += 1
    return counts


def render_report(data: dict[str, Any]) -> str:
    lines = [
        "# Mutation testing",
        "",
        "`nox -s mutants`: kill rate = killed / (mutants - reviewed equivalents in",
        "`mutation/equivalent.toml`); a mutant whose tests time out counts as killed.",
        "",
        "| module | mutants | killed | survived | equivalent | kill rate | time |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for t in data["modules"]:
        lines.append(
            f"| {t['module']} | {t['mutants']} | {t['killed']} | {t['survived']} | {t['equivalent']} "
            f"| {t['kill_rate']:.1f}% | {t['seconds'] / 60:.1f} min |"
        )
    survivors = data["survivors"]
    lines += ["", f"## Survivors ({len(survivors)})", ""]
    lines += [
        f"- {s['file']}:{s['line']} {s['operator']}: `{s['before']}` -> `{s['after']}`" for s in survivors
    ] or ["none"]
    slowest = data.get("slowest", [])
    if slowest:
        lines += ["", "## Slowest mutant runs of this run", ""]
        lines += [
            f"- {s['seconds']:.1f} s, {s['status']}: {s['file']}:{s['line']} {s['operator']}" for s in slowest
        ]
    if data["stale_equivalents"]:
        lines += ["", "## Equivalent entries that match no mutant any more", ""]
        lines += [f"- {entry}" for entry in data["stale_equivalents"]]
    return "\n".join(lines) + "\n"


def report_data(tallies: list[Tally], outcomes: list[Outcome], stale: list[str]) -> dict[str, Any]:
    """This run's results, merged into the previous report's for the modules it did not run."""
    run = {t.module for t in tallies}
    previous: dict[str, Any] = {"modules": [], "survivors": [], "stale_equivalents": []}
    if (REPORT_DIR / "mutants.json").is_file():
        previous = json.loads((REPORT_DIR / "mutants.json").read_text(encoding="utf-8"))
    modules = [m for m in previous["modules"] if m["module"] not in run]
    modules += [{**asdict(t), "kill_rate": round(t.kill_rate, 1)} for t in tallies]
    survivors = [s for s in previous["survivors"] if s["module"] not in run]
    survivors += [
        {
            "module": o.mutant.module,
            "file": o.mutant.path,
            "line": o.mutant.line,
            "operator": o.mutant.operator.removeprefix("core/"),
            "before": o.mutant.before,
            "after": o.mutant.after,
        }
        for o in outcomes
        if o.status == "survived"
    ]
    ran = sorted((o for o in outcomes if o.seconds), key=lambda o: o.seconds, reverse=True)
    slowest = [
        {
            "file": o.mutant.path,
            "line": o.mutant.line,
            "operator": o.mutant.operator.removeprefix("core/"),
            "status": o.status,
            "seconds": round(o.seconds, 1),
        }
        for o in ran[:SLOWEST_LISTED]
    ]
    paths_run = {o.mutant.path for o in outcomes}
    kept = [e for e in previous.get("stale_equivalents", []) if e.split(" | ")[0] not in paths_run]
    return {"modules": modules, "survivors": survivors, "stale_equivalents": kept + stale, "slowest": slowest}


def previous_survivors(module: ModuleConfig) -> set[tuple[str, str, str, str]]:
    """The keys of `module`'s survivors in the last report (an error if it has none for it)."""
    report = REPORT_DIR / "mutants.json"
    data = json.loads(report.read_text(encoding="utf-8")) if report.is_file() else {"modules": []}
    if module.name not in {entry["module"] for entry in data["modules"]}:
        raise ToolchainError(f"--survivors: reports/mutants.json has no run of {module.name}; run it first")
    return {
        (entry["file"], entry["operator"], entry["before"], entry["after"])
        for entry in data["survivors"]
        if entry["module"] == module.name
    }


def write_reports(data: dict[str, Any]) -> None:
    REPORT_DIR.mkdir(exist_ok=True)
    (REPORT_DIR / "mutants.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    (REPORT_DIR / "mutants.md").write_text(render_report(data), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nox -s mutants --", description=__doc__)
    parser.add_argument("modules", nargs="*", help="module names of mutation/modules.toml (default: all)")
    parser.add_argument("--goal", type=float, default=GOAL_PERCENT, help="minimum kill rate per module (%%)")
    parser.add_argument(
        "--jobs", type=int, default=DEFAULT_JOBS, help="mutants tested side by side (default: %(default)s)"
    )
    parser.add_argument("--list", action="store_true", help="list the mutants without running tests")
    parser.add_argument(
        "--survivors",
        action="store_true",
        help="re-test only the survivors in reports/mutants.json (after adding tests); the other "
        "mutants count as killed, as in that report",
    )
    args = parser.parse_args(argv)
    # Ended by SIGTERM (a CI timeout): exit normally, so the scratch workspaces are removed.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        config = load_config()
        unknown = sorted(set(args.modules) - config.keys())
        if unknown:
            raise ToolchainError(
                f"unknown module {', '.join(unknown)}: choose from {', '.join(config)} "
                "(mutation/modules.toml)"
            )
        selected = [config[name] for name in args.modules or config]
        equivalents = load_equivalents()
        if args.list:
            for module in selected:
                for mutant in mutants_of(module):
                    mark = " (equivalent)" if mutant.key() in equivalents else ""
                    print(f"{_where(mutant)}{mark}")
            return 0
        tallies, outcomes = [], []
        with tempfile.TemporaryDirectory(prefix="cekura-mutants-") as scratch:
            workspaces = make_workspaces(Path(scratch), args.jobs)
            cache = Path(scratch) / "generator-cache"
            for module in selected:
                started = time.monotonic()
                retest = previous_survivors(module) if args.survivors else None
                module_outcomes = test_module(module, equivalents, workspaces, cache, retest)
                tallies.append(tally(module.name, module_outcomes, time.monotonic() - started))
                outcomes += module_outcomes
                # Written after each module, so an interrupted run keeps what it finished.
                write_reports(report_data(tallies, outcomes, []))
                t = tallies[-1]
                print(
                    f"{module.name}: {t.kill_rate:.1f}% killed ({t.killed}/{t.killed + t.survived}; "
                    f"{t.equivalent} equivalent) in {t.seconds / 60:.1f} min",
                    flush=True,
                )
    except ToolchainError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    seen = {o.mutant.key() for o in outcomes}
    paths_run = {m.path for m in selected}
    stale = [" | ".join(key) for key in equivalents if key[0] in paths_run and key not in seen]
    write_reports(report_data(tallies, outcomes, stale))
    print("\nkill rate per module (reports/mutants.md):")
    for t in tallies:
        print(f"  {t.module:<16} {t.kill_rate:5.1f}%  ({t.killed}/{t.killed + t.survived})")
    below = [t.module for t in tallies if t.kill_rate < args.goal]
    if below:
        print(f"error: below the {args.goal:.0f}% goal: {', '.join(below)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
