"""Serve the mock Cekura API: `python -m scripts.mock_server [--host H] [--port P] [--seed N]`."""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from scripts.core import paths

from .app import MockApp
from .openapi_index import OpenApiIndex
from .serve import server_config


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
        "--spec", type=Path, default=paths.PATCHED_DOCUMENT, help="the patched OpenAPI document"
    )
    args = parser.parse_args(argv)
    if not args.spec.is_file():
        print(f"error: {args.spec} not found: run `nox -s patch` first, or pass --spec PATH", file=sys.stderr)
        return 2
    app = MockApp(OpenApiIndex.from_path(args.spec), seed=args.seed, api_keys=args.api_keys)
    keys = f"{len(args.api_keys)} API key(s)" if args.api_keys else "any X-CEKURA-API-KEY"
    print(
        f"mock Cekura API on http://{args.host}:{args.port} (seed {args.seed}), accepting {keys}", flush=True
    )
    uvicorn.Server(server_config(app, args.host, args.port)).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
