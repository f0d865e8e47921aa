"""The build lock: how a build tells other processes (a running ``serve``) that it wants the case file.

DuckDB lets one process at a time write a database file. A build takes an exclusive
advisory lock (``flock``) on ``build.lock`` in the case file's scratch folder for as
long as it runs; a server that finds it held lets go of the case file after the
request it is answering and opens it again only once the build is over, serving in
the meantime what it already loaded. The kernel releases the lock when the build's
process ends, however it ends (``kill -9`` included), so a crash never leaves the
case file marked as being built.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from corroborator.errors import CaseFileBusyError
from corroborator.store._files import scratch_dir

try:  # POSIX; elsewhere builds announce nothing and a server lets go only when idle
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

LOCK_NAME = "build.lock"
#: Seconds a build tries to take the build lock before it decides another build holds it.
_TAKE_SECONDS = 2.0


def lock_path(case: str | Path) -> Path:
    """The build lock file of a case file."""
    return scratch_dir(case) / LOCK_NAME


@contextmanager
def build_intent(case: str | Path) -> Iterator[None]:
    """Hold the build lock of ``case`` for the ``with`` block.

    Raises:
        CaseFileBusyError: Another build of this case file is running.
    """
    if fcntl is None:  # pragma: no cover - not POSIX
        yield
        return
    folder = scratch_dir(case)
    if not folder.parent.is_dir():
        yield  # opening the case file will say what is wrong with its folder
        return
    folder.mkdir(mode=0o700, exist_ok=True)
    os.chmod(folder, 0o700)
    path = folder / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + _TAKE_SECONDS
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                # A server checking for a build holds the lock shared for an instant; another build holds it long.
                if time.monotonic() > deadline:
                    raise CaseFileBusyError(f"{case}: another build of this case file is running") from None
                time.sleep(0.05)
        yield
    finally:
        try:
            path.unlink()
        except OSError:
            pass
        os.close(fd)
        try:
            folder.rmdir()
        except OSError:
            pass  # holds something else, or already gone


def build_running(case: str | Path) -> bool:
    """Whether a build of ``case`` holds its build lock now."""
    if fcntl is None:  # pragma: no cover - not POSIX
        return False
    try:
        fd = os.open(lock_path(case), os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases a shared lock taken just now
    return False
