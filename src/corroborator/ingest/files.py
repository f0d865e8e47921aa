"""Opening input files safely: regular files only, read with a size cap and a time cap.

A FIFO, a socket or a device in an input folder is never opened for reading (opening a
FIFO blocks until someone writes to it; a device such as ``/dev/zero`` never ends): it is
refused with its kind as the reason. A file is opened without blocking and checked again
on the open descriptor, so a file swapped for a FIFO between the two checks is refused too.

Every read runs under a :class:`Deadline`. Readers check it between chunks, lines and
records; in the main thread a timer signal also interrupts a long parse (a web page or a
PDF) in the middle. Either way the read ends with :class:`ReadTimeout`, which the caller
turns into a skipped input with its reason.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import signal
import stat
import threading
import time
from collections.abc import Iterator
from types import FrameType
from typing import BinaryIO

from corroborator.errors import InputError

logger = logging.getLogger(__name__)

#: Bytes read at once.
CHUNK_BYTES = 1 << 20
_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a folder"),
)


class ReadTimeout(BaseException):  # noqa: N818 - a BaseException, so no reader's `except Exception` swallows it
    """A read went past its time cap (raised by :meth:`Deadline.check` or the timer signal)."""


class Deadline:
    """When a read must be over; :meth:`check` raises :class:`ReadTimeout` after that."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def check(self) -> None:
        """Raise :class:`ReadTimeout` when the time is up."""
        if time.monotonic() > self.end:
            raise ReadTimeout(self.seconds)


#: A deadline that never comes, for readers called on their own.
NO_DEADLINE = Deadline(float("inf"))
_armed = threading.local()


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    """SIGALRM handler: interrupt the read that armed the timer."""
    if getattr(_armed, "seconds", None) is not None:
        raise ReadTimeout(_armed.seconds)


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[Deadline]:
    """A :class:`Deadline` in ``seconds``; in the main thread a timer signal enforces it too.

    The signal is only used when nothing else handles SIGALRM; elsewhere (another thread,
    another handler) readers rely on their own checks of the deadline.
    """
    deadline = Deadline(seconds)
    use_timer = (threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
                 and seconds > 0 and seconds != float("inf")
                 and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, _on_alarm))
    if not use_timer:
        yield deadline
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    _armed.seconds = seconds
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield deadline
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _armed.seconds = None
        signal.signal(signal.SIGALRM, previous)


def not_regular(mode: int) -> str | None:
    """What a file of this ``st_mode`` is when it is not a regular file (``"a named pipe (FIFO)"``), else None."""
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in _KINDS if test(mode)), "not a regular file")


def check_regular(path: str | os.PathLike[str]) -> os.stat_result:
    """The file's status, without opening it.

    Raises:
        InputError: It is no regular file (a FIFO, socket, device or folder), or cannot be read.
    """
    try:
        status = os.stat(path)
    except OSError as exc:
        raise InputError(str(path), f"unreadable ({exc.strerror or exc})") from exc
    kind = not_regular(status.st_mode)
    if kind is not None:
        raise InputError(str(path), f"not a regular file: {kind}; only regular files are read")
    return status


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """Open a regular file for reading in binary, never blocking on a FIFO or device.

    Raises:
        InputError: It is no regular file, or cannot be opened.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputError(str(path), f"unreadable ({exc.strerror or exc})") from exc
    try:
        kind = not_regular(os.fstat(fd).st_mode)
        if kind is not None:
            raise InputError(str(path), f"not a regular file: {kind}; only regular files are read")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def opened(path: str | os.PathLike[str], content: bytes | None = None) -> BinaryIO:
    """``content`` as a file when given (bytes read elsewhere), else the regular file at ``path``."""
    return io.BytesIO(content) if content is not None else open_regular(path)


def read_capped(fh: BinaryIO, name: str, max_bytes: int, deadline: Deadline = NO_DEADLINE) -> bytes:
    """Read a whole file, at most ``max_bytes`` (counted as read, whatever its size said).

    Raises:
        InputError: The file holds more than ``max_bytes``.
        ReadTimeout: The deadline passed.
    """
    chunks: list[bytes] = []
    total = 0
    while True:
        deadline.check()
        chunk = fh.read(min(CHUNK_BYTES, max_bytes + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise InputError(name, f"too large (over {max_bytes:,} bytes, the limit ingest.max_bytes)")


def capped_lines(fh: BinaryIO, max_line_bytes: int,
                 deadline: Deadline = NO_DEADLINE) -> Iterator[tuple[int, bytes | None, int]]:
    """The lines of a file as ``(number, bytes, length)``, numbered from 1, without line breaks.

    Lines break as :meth:`bytes.splitlines` breaks them. A line longer than
    ``max_line_bytes`` is never held whole: it comes as ``(number, None, length)``.

    Raises:
        ReadTimeout: The deadline passed.
    """
    number = 0
    pending: list[bytes] = []  # the start of the current line, from earlier chunks
    pending_bytes = 0
    skipping = False  # inside a line over the cap: only its length is kept
    while True:
        deadline.check()
        chunk = fh.read(CHUNK_BYTES)
        if not chunk:
            break
        at = 0
        while (cut := chunk.find(b"\n", at)) >= 0:
            part, at = chunk[at:cut], cut + 1
            if skipping:
                number += 1
                yield number, None, pending_bytes + len(part)
            else:
                for line in (b"".join(pending) + part).splitlines() or [b""]:
                    number += 1
                    yield (number, line, len(line)) if len(line) <= max_line_bytes else (number, None, len(line))
            pending, pending_bytes, skipping = [], 0, False
        if at < len(chunk):
            pending_bytes += len(chunk) - at
            skipping = skipping or pending_bytes > max_line_bytes
            pending = [] if skipping else [*pending, chunk[at:]]
    if skipping:
        yield number + 1, None, pending_bytes
    elif pending:
        for line in b"".join(pending).splitlines():
            number += 1
            yield (number, line, len(line)) if len(line) <= max_line_bytes else (number, None, len(line))
