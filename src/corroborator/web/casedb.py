"""The case file as the web app opens it: one request at a time, closed when idle, let go during a build.

A :class:`CaseDb` opens the case file read-write only while a request needs it and
closes it once the app has been idle for a moment. While a ``build`` of the case holds
the build lock (:func:`~corroborator.store.build_running`) it opens nothing: it raises
:class:`~corroborator.errors.CaseFileBusyError` (503, "the case is being built") at once
and keeps the audit records given to :meth:`CaseDb.defer_audit` in memory until the file
can be written again.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from corroborator.errors import CaseFileBusyError, CaseFileError
from corroborator.store import CaseStore, build_running, open_case

logger = logging.getLogger(__name__)

#: Every CaseDb of this process (closed at exit by :func:`corroborator.web.state.close_all`).
OPEN_DBS: weakref.WeakSet[CaseDb] = weakref.WeakSet()
#: Set once the process is exiting: nothing is opened after that.
EXITING = threading.Event()


#: At most this many audit records wait in memory for a build to end; older ones are dropped (and logged).
MAX_DEFERRED_AUDITS = 10_000


class CaseDb:
    """Hands out the case file's connection to one request at a time and closes it when idle.

    While a build of the case runs, it opens nothing: :meth:`store` raises
    :class:`~corroborator.errors.CaseFileBusyError` (a 503) at once, and audit records
    given to :meth:`defer_audit` wait in memory until the file can be written again.
    """

    def __init__(self, path: Path, idle_close: float):
        self.path = path
        self.idle_close = idle_close
        self._store: CaseStore | None = None
        self._lock = threading.RLock()
        self._timer: threading.Timer | None = None
        self._last = 0.0
        self._deferred: list[tuple[datetime, str | None, str, str | None, dict[str, Any]]] = []
        # Its own lock: a request waiting for the file holds ``_lock``, and deferring must not wait for it.
        self._deferred_lock = threading.Lock()
        OPEN_DBS.add(self)

    def building(self) -> bool:
        """Whether a build of the case file is running now."""
        return build_running(self.path)

    def _busy(self) -> CaseFileBusyError:
        return CaseFileBusyError(f"{self.path.name}: the case is being built: try again in a moment "
                                 "(what was loaded before the build can still be read)")

    def defer_audit(self, user: str | None, action: str, target: str | None = None,
                    detail: dict[str, Any] | None = None) -> None:
        """Keep an audit record (stamped now) to write the next time the case file is opened."""
        with self._deferred_lock:
            if len(self._deferred) >= MAX_DEFERRED_AUDITS:
                logger.warning("%s: %d audit records wait for a build to end: dropping the oldest", self.path,
                               len(self._deferred))
                del self._deferred[0]
            self._deferred.append((datetime.now(timezone.utc).replace(tzinfo=None), user, action, target,
                                   detail or {}))

    def _write_deferred(self, store: CaseStore) -> None:
        """Write the audit records kept while the case file was being built (all or none)."""
        with self._deferred_lock:
            waiting, self._deferred = self._deferred, []
        if not waiting:
            return
        try:
            with store.transaction():
                for at, user, action, target, detail in waiting:
                    store.accounts.add_audit(at, user, action, target, detail)
        except BaseException:
            with self._deferred_lock:
                self._deferred[:0] = waiting
            raise
        logger.info("%s: wrote %d audit record(s) made while the case was being built", self.path, len(waiting))

    @property
    def is_open(self) -> bool:
        """Whether the case file is open right now."""
        return self._store is not None

    def _open(self) -> CaseStore:
        if EXITING.is_set():
            raise CaseFileError(f"{self.path}: not opened, the process is exiting")
        if self.building():
            raise self._busy()
        deadline = time.monotonic() + 10
        while True:
            try:
                store = open_case(self.path)
                break
            except CaseFileBusyError:
                if self.building():
                    raise self._busy() from None
                # Another process (a CLI export) may hold the file for a moment.
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        try:
            self._write_deferred(store)
        except BaseException:
            store.close()
            raise
        return store

    @contextmanager
    def store(self) -> Iterator[CaseStore]:
        """The open case file, held exclusively for the ``with`` block."""
        with self._lock:
            if self._store is None:
                self._store = self._open()
            try:
                yield self._store
            finally:
                self._last = time.monotonic()
                if self.idle_close <= 0 or self.building():
                    self.close()  # a build waits for the file: let go of it now
                else:
                    self._schedule()

    def _schedule(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = threading.Timer(self.idle_close, self._close_if_idle)
        self._timer.daemon = True
        self._timer.start()

    def _close_if_idle(self) -> None:
        with self._lock:
            if time.monotonic() - self._last >= self.idle_close * 0.9:
                self.close()

    def close(self) -> None:
        """Close the case file now (it reopens on the next request)."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._store is not None:
                self._store.close()
                self._store = None
