"""What a worker process of the local engine runs first: die with the build, then load the stages' models.

Kept apart from :mod:`corroborator.engines.local`, which imports the case-wide steps
(and their libraries): a worker imports only what analysis needs, so it starts sooner.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading
import time

from corroborator.analyze import init_worker
from corroborator.settings import Settings

logger = logging.getLogger(__name__)

__all__ = ["die_with_parent", "init_worker_process"]


#: ``prctl`` option that has the kernel signal a process when its parent dies (linux/prctl.h).
_PR_SET_PDEATHSIG = 1
#: Seconds between two checks of a worker's parent by its watcher thread.
_WATCH_SECONDS = 1.0


def init_worker_process(settings: Settings, parent: int) -> None:
    """Worker initialiser: die with the build's process, then load what analysis needs."""
    die_with_parent(parent)
    init_worker(settings)


def die_with_parent(parent: int) -> None:
    """End this process as soon as ``parent`` (the process that started it) is gone.

    A build killed with ``kill -9`` runs no cleanup, so its workers must notice by
    themselves: on Linux the kernel sends them SIGKILL (``prctl(PR_SET_PDEATHSIG)``);
    everywhere a daemon thread checks the parent's pid every second. With the workers
    gone, the multiprocessing resource tracker sees its pipe close and exits too.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
                logger.debug("prctl(PR_SET_PDEATHSIG) failed: errno %d", ctypes.get_errno())
        except (OSError, AttributeError) as exc:
            logger.debug("no parent-death signal: %s", exc)
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="watch-parent", daemon=True).start()


def _watch_parent(parent: int) -> None:
    """Exit the process once it has been re-parented (its parent died)."""
    while True:
        time.sleep(_WATCH_SECONDS)
        if os.getppid() != parent:
            os._exit(1)
