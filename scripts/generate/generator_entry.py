"""openapi-python-client's `generate` command, with the project's template data in its Jinja environment.

The generator has no hook for template functions of one's own: its `Project` builds the Jinja
environment and renders in one go. This runs what `openapi-python-client generate` runs (the same
config, document, templates, post hooks and error report) and adds `template_data.template_globals`
to the environment between the two, so the templates print data computed in Python
(`scripts/generate/template_data.py`), and parses the document with `endpoint_sort`'s cheaper
`sort_parameters`. `generate_client.run_generator` runs it in a child process, as it ran the
generator's own command.

    python -m scripts.generate.generator_entry DOCUMENT CONFIG TEMPLATES OUTPUT
"""

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import typer
from openapi_python_client import Project
from openapi_python_client.cli import handle_errors
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData

from scripts.generate import endpoint_sort
from scripts.generate.template_data import template_globals


def generate(document: Path, config_file: Path, templates: Path, output: Path) -> int:
    """Generate the client (meta type pdm) into `output`; the exit code the generator's command gives."""
    config = Config.from_sources(
        ConfigFile.load_from_path(path=config_file),
        MetaType.PDM,
        document,
        "utf-8",
        False,
        output_path=output,
    )
    with endpoint_sort.installed():
        openapi = GeneratorData.from_dict(json.loads(document.read_bytes()), config=config)
    if isinstance(openapi, GeneratorData):
        project = Project(openapi=openapi, config=config, custom_template_path=templates)
        project.env.globals.update(template_globals(openapi))
        errors = project.build()
    else:
        errors = [openapi]
    try:
        handle_errors(errors)
    except typer.Exit as stop:
        return stop.exit_code
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("document", "config", "templates", "output"):
        parser.add_argument(name, type=Path)
    args = parser.parse_args(argv)
    return generate(args.document, args.config, args.templates.resolve(), args.output)


if __name__ == "__main__":
    sys.exit(main())
