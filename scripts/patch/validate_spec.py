"""Validate a document with openapi-spec-validator (OpenAPI 3.1).

`nox -s validate` runs it, then `check_examples`: `python -m scripts.patch.validate_spec FILE`.
"""

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openapi_spec_validator import OpenAPIV31SpecValidator


def validator_errors(document: dict[str, Any]) -> list[str]:
    """Every validation error, as `<location>: <message>` on one line each."""
    errors = []
    for error in OpenAPIV31SpecValidator(document).iter_errors():
        location = "/".join(str(part) for part in error.absolute_path) or "(root)"
        # The message goes on with the failing schema and instance, many lines of them.
        errors.append(f"{location}: {error.message.splitlines()[0]}")
    return errors


def main(argv: Sequence[str] | None = None) -> int:
    """Print each validation error of FILE; exit 1 if any, 2 if FILE is no JSON object."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m scripts.patch.validate_spec FILE.json", file=sys.stderr)
        return 2
    try:
        document = json.loads(Path(args[0]).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        print(f"error: cannot read {args[0]}: {exc}", file=sys.stderr)
        return 2
    if not isinstance(document, dict):
        print(f"error: {args[0]} is not a JSON object", file=sys.stderr)
        return 2
    errors = validator_errors(document)
    for line in errors:
        print(line)
    print(f"{len(errors)} validation error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
