"""Run pytest for each mutant in a fork of one waiting process, not in a new interpreter.

A mutant's tests start from nothing: a new interpreter, pytest and its plugins, then the libraries
the tests import (httpx, Django, ...), about a second and a half before the first test. None of
that depends on the mutant, so one server process per workspace pays it once: it imports those
libraries after the module's baseline run, and forks a child per mutant that runs `pytest.main`.
Only installed libraries (the standard library and site-packages) are imported ahead; the project's
own modules (the mutated one, the tests, a client package built by a test) are imported by each
child from the workspace as it is then, as a fresh process would. The child also starts a new
session, so a timed-out run is killed with everything it started.

Protocol (one JSON object per line): the orchestrator writes `{"args": [...], "env": {...},
"output": path | null, "modules": path | null}` and reads `{"pid": N}` then `{"exit": code}`;
`modules` asks the child to write the names of the installed modules it imported. `{"preload":
[names]}` imports those names here and answers `{"preloaded": count}`. `ForkServer` is that client.

Written here because no mutation tool does it for an arbitrary test command: mutmut forks per
mutant, but only for the tests and trampolines it generates itself.
"""

import contextlib
import importlib
import json
import os
import select
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path
from typing import Any

INSTALLED = tuple({sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")})


def installed_modules() -> list[str]:
    """The imported modules that come from the standard library or site-packages, in import order."""
    names = []
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if name != "__main__" and isinstance(file, str) and file.startswith(INSTALLED):
            names.append(name)
    return names


def preload(names: list[str]) -> int:
    """Import `names` here; one that cannot be imported on its own (Django models without settings)
    is skipped: the child imports it as it would have anyway."""
    count = 0
    for name in names:
        if name in sys.modules:
            continue
        try:
            importlib.import_module(name)
        except BaseException:
            continue
        count += 1
    return count


def _run_child(request: dict[str, Any]) -> None:
    """In the forked child: become a process group, run pytest as asked, exit with its code."""
    code = 3
    try:
        os.setsid()
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)  # the requests are the server's to read
        sink = os.open(request.get("output") or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(sink, 1)  # the answers are the server's to write
        os.dup2(sink, 2)
        os.environ.clear()
        os.environ.update(request["env"])
        import pytest

        code = int(pytest.main(request["args"]))
        if request.get("modules"):
            Path(request["modules"]).write_text("\n".join(installed_modules()), encoding="utf-8")
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _answer(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def serve() -> None:
    """Answer requests from stdin until it closes (the current directory is the workspace)."""
    sys.dont_write_bytecode = True  # a mutant of the same size in the same second would reuse a .pyc
    sys.path.insert(0, os.getcwd())  # as `python -m pytest` run in the workspace has it
    import pytest  # noqa: F401 - imported once here, for every child

    for line in sys.stdin:
        request = json.loads(line)
        if "preload" in request:
            _answer({"preloaded": preload(request["preload"])})
            continue
        pid = os.fork()
        if pid == 0:
            _run_child(request)
        _answer({"pid": pid})
        _, status = os.waitpid(pid, 0)
        _answer({"exit": os.waitstatus_to_exitcode(status)})


class ForkServer:
    """The orchestrator's end: a server started in `root` with `env`, and its requests."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.env = env
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scripts.mutation.fork_server"],
            cwd=root,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            start_new_session=True,
        )
        self._buffer = b""
        self._running: int | None = None  # the fork running now, killed if the orchestrator stops

    def run(
        self,
        args: list[str],
        timeout: float,
        extra_env: dict[str, str] | None = None,
        output: Path | None = None,
        modules: Path | None = None,
    ) -> tuple[bool, float]:
        """Run pytest with `args` in a fork; (passed, seconds). Past `timeout` the run is killed and fails."""
        started = time.monotonic()
        request = {
            "args": args,
            "env": {**self.env, **(extra_env or {})},
            "output": str(output) if output else None,
            "modules": str(modules) if modules else None,
        }
        self._send(request)
        self._running = self._receive(started + 60)["pid"]
        try:
            answer = self._receive(started + timeout)
        except TimeoutError:
            self._kill_running()
            self._receive(time.monotonic() + 60)
            return False, time.monotonic() - started
        finally:
            self._running = None
        return answer["exit"] == 0, time.monotonic() - started

    def preload(self, names: list[str]) -> int:
        self._send({"preload": names})
        count: int = self._receive(time.monotonic() + 300)["preloaded"]
        return count

    def close(self) -> None:
        """Stop the server; a fork still running (the orchestrator was interrupted) is killed first."""
        self._kill_running()
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def _kill_running(self) -> None:
        if self._running is not None:
            with contextlib.suppress(ProcessLookupError):  # it may have ended just now
                os.killpg(self._running, signal.SIGKILL)

    def _send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(message) + "\n").encode())
        self.process.stdin.flush()

    def _receive(self, deadline: float) -> dict[str, Any]:
        """The server's next answer; `TimeoutError` past `deadline`, `RuntimeError` if it died."""
        assert self.process.stdout is not None
        stream = self.process.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            readable, _, _ = select.select([stream], [], [], remaining)
            if readable:
                chunk = os.read(stream, 65536)
                if not chunk:
                    raise RuntimeError(f"the fork server stopped (exit code {self.process.wait()})")
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        answer: dict[str, Any] = json.loads(line)
        return answer


if __name__ == "__main__":
    serve()
