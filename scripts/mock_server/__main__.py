"""Serve the mock Cekura API: `python -m scripts.mock_server [--port P] [--seed N] [--fail RULE] ...`."""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from scripts.core import paths

from .app import MockApp
from .behaviour import Settings
from .faults import FaultSyntaxError, parse_rule
from .openapi_index import OpenApiIndex
from .serve import server_config

DEFAULTS = Settings()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.mock_server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    parser.add_argument("--port", type=int, default=4010)
    parser.add_argument(
        "--seed", type=int, default=0, help="picks the generated bodies; same seed, same answers"
    )
    parser.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        help="a key that authenticates (repeatable; default: any key)",
    )
    parser.add_argument(
        "--items",
        type=int,
        default=DEFAULTS.items,
        help=f"objects per list at start (default {DEFAULTS.items})",
    )
    parser.add_argument(
        "--page-size",
        type=int,
        default=DEFAULTS.page_size,
        help=f"page size without page_size= (default {DEFAULTS.page_size})",
    )
    parser.add_argument(
        "--max-page-size",
        type=int,
        default=DEFAULTS.max_page_size,
        help=f"largest page_size honoured (default {DEFAULTS.max_page_size})",
    )
    parser.add_argument(
        "--run-seconds",
        type=float,
        default=DEFAULTS.job_seconds,
        help=f"seconds a started run or progress job takes to complete (default {DEFAULTS.job_seconds:g})",
    )
    parser.add_argument(
        "--fail",
        action="append",
        default=[],
        metavar="RULE",
        help="a fault rule, e.g. 'POST /test_framework/*: 503 x2' (repeatable)",
    )
    parser.add_argument(
        "--spec", type=Path, default=paths.PATCHED_DOCUMENT, help="the patched OpenAPI document"
    )
    args = parser.parse_args(argv)
    if not args.spec.is_file():
        print(f"error: {args.spec} not found: run `nox -s patch` first, or pass --spec PATH", file=sys.stderr)
        return 2
    problem = _settings_problem(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    settings = Settings(
        items=args.items,
        page_size=args.page_size,
        max_page_size=args.max_page_size,
        job_seconds=args.run_seconds,
    )
    app = MockApp(
        OpenApiIndex.from_path(args.spec),
        seed=args.seed,
        api_keys=args.api_keys,
        settings=settings,
        fail=args.fail,
    )
    keys = f"{len(args.api_keys)} API key(s)" if args.api_keys else "any X-CEKURA-API-KEY"
    print(
        f"mock Cekura API on http://{args.host}:{args.port} (seed {args.seed}), accepting {keys}", flush=True
    )
    uvicorn.Server(server_config(app, args.host, args.port)).run()
    return 0


def _settings_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the options, in one line; None when nothing is."""
    if args.items < 1 or args.page_size < 1 or args.max_page_size < 1:
        return "--items, --page-size and --max-page-size must be 1 or more"
    if args.run_seconds < 0:
        return "--run-seconds must be 0 or more"
    for rule in args.fail:
        try:
            parse_rule(rule)
        except FaultSyntaxError as error:
            return f"--fail {error}"
    return None


if __name__ == "__main__":
    sys.exit(main())
