"""Put several staged files and trees in place as one step: an interrupt leaves all old or all new.

Renames are atomic one by one, not as a group, so the group is made atomic with a journal. The
staged trees live in a staging directory on the same file system as their targets. Writing the
journal (one atomic rename) is the commit point: before it, nothing was moved and the staging
directory is only deleted; after it, every move is replayed until all are done, by this run or,
if it was killed, by the next start (`recover`). Each move is idempotent: the staged entry's
presence says whether it still has to move. SIGINT and SIGTERM are held back while the moves
run, so an interrupt from the terminal or a CI runner lands before or after them, never between.
"""

import fcntl
import json
import os
import shutil
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from scripts.core import paths
from scripts.core.errors import ToolchainError
from scripts.core.jsonio import write_atomic

JOURNAL_FILE = "install-journal.json"
UPDATE_STAGE = paths.ROOT / ".generate-update"  # where `nox -s update` stages (gitignored)


@dataclass(frozen=True)
class Move:
    """Put `staged` at `target`, keeping what was there as `backup` (in the staging directory)."""

    staged: Path
    target: Path
    backup: Path


def _fsync_directory(directory: Path) -> None:
    """Make a rename in `directory` durable (a crash after it does not undo it)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _complete(move: Move) -> None:
    """Do what is left of one move; nothing when it is done (the staged entry is gone)."""
    if not move.staged.exists():
        return
    if move.target.exists():
        if move.backup.exists():
            raise ToolchainError(
                f"cannot finish the interrupted install: {move.target} and its backup {move.backup} "
                "both exist; move one of them away and run again"
            )
        move.backup.parent.mkdir(parents=True, exist_ok=True)
        move.target.rename(move.backup)
    move.target.parent.mkdir(parents=True, exist_ok=True)
    move.staged.rename(move.target)
    _fsync_directory(move.target.parent)


def _read_journal(journal: Path) -> list[Move]:
    try:
        raw = json.loads(journal.read_text("utf-8"))
        return [Move(Path(a), Path(b), Path(c)) for a, b, c in raw["moves"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ToolchainError(
            f"{journal}: unreadable install journal ({exc}); restore spec/ and generated/ from git "
            f"and delete {journal.parent}"
        ) from exc


def install(stage: Path, moves: Sequence[Move], on_step: Callable[[str], None] = lambda step: None) -> None:
    """Commit `moves` (journal), perform them, then drop the journal and the staging directory."""
    journal = stage / JOURNAL_FILE
    with held_signals():
        payload = {"moves": [[str(m.staged), str(m.target), str(m.backup)] for m in moves]}
        write_atomic(journal, (json.dumps(payload, indent=2) + "\n").encode("utf-8"))
        _fsync_directory(stage)
        on_step("committed")
        for move in moves:
            _complete(move)
            on_step(f"moved {move.target.name}")
        journal.unlink()
    on_step("installed")
    shutil.rmtree(stage, ignore_errors=True)


def recover(stage: Path) -> str | None:
    """Finish or discard what an interrupted run left in `stage`; say which, or None if nothing."""
    if not stage.exists():
        return None
    journal = stage / JOURNAL_FILE
    if journal.exists():
        with held_signals():
            for move in _read_journal(journal):
                _complete(move)
            journal.unlink()
        shutil.rmtree(stage, ignore_errors=True)
        return "finished installing the update an interrupted run had committed"
    shutil.rmtree(stage, ignore_errors=True)
    return "removed the staging area an interrupted run left (nothing of it had been installed)"


@contextmanager
def exclusive(stage: Path) -> Iterator[None]:
    """Hold the lock of `stage` (a lock on its parent directory) for the duration, or fail at once.

    Two updates at once would share the staging directory, and one's start would discard the
    other's work as an interrupted run's.
    """
    fd = os.open(stage.parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ToolchainError(
                f"another update is running in {stage.parent}; wait for it to finish"
            ) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextmanager
def held_signals() -> Iterator[None]:
    """Hold back SIGINT and SIGTERM for the duration, then deliver the first one that arrived."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def remember(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    previous = {sig: signal.signal(sig, remember) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if received:
            signal.raise_signal(received[0])
