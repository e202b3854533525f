"""The client's version and its `User-Agent`.

The version is the installed distribution's (`nox -s build` versions it by the spec's date,
`YYYY.M.D`), read from its metadata on first use so that `import cekura_client` stays cheap; a
copy that was not installed (a source tree on `sys.path`) says `0+unknown`. Why not a constant in
the package: the version is set when the wheel is built, after the code is generated.
"""

import functools
import sys
from pathlib import Path

import httpx

DISTRIBUTION = "cekura-client"
UNKNOWN_VERSION = "0+unknown"


@functools.cache
def package_version() -> str:
    """The version of the installed `cekura-client` whose files are this package, else `0+unknown`."""
    from importlib import metadata

    try:
        distribution = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return UNKNOWN_VERSION
    here = Path(__file__).resolve().parent
    installed = Path(str(distribution.locate_file(f"{here.name}/__init__.py"))).resolve()
    return distribution.version if installed == here / "__init__.py" else UNKNOWN_VERSION


def user_agent() -> str:
    """`cekura-client/<version> (python <version>; httpx <version>)`."""
    python = ".".join(str(part) for part in sys.version_info[:3])
    return f"{DISTRIBUTION}/{package_version()} (python {python}; httpx {httpx.__version__})"
