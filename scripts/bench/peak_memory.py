"""`python -m scripts.bench.peak_memory OUT -- COMMAND...`: run COMMAND, write its peak RSS (KiB) to OUT.

Why a launcher: Linux keeps a process's peak resident size across `fork` and `exec`, so a command
started straight from the bench (a large process) reports at least the bench's own peak. Started
from this small interpreter instead, the command inherits only the launcher's few MiB, far below
anything measured. The command's output and exit code pass through unchanged.
"""

import os
import subprocess
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: python -m scripts.bench.peak_memory OUT -- COMMAND...", file=sys.stderr)
        return 2
    out, command = Path(argv[0]), argv[2:]
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    out.write_text(str(usage.ru_maxrss), encoding="utf-8")  # KiB on Linux
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
