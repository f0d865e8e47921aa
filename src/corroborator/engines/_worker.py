"""What a worker process of the local engine runs: first die with the build and load the stages' models,
then analyse batches into the case file's rows.

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
from dataclasses import dataclass
from typing import Any

from corroborator.analyze import analyze_batch, init_worker
from corroborator.model import Document
from corroborator.settings import Settings
from corroborator.store._rows import extraction_rows, timestamp

logger = logging.getLogger(__name__)

__all__ = ["AnalysedBatch", "analyse_for_store", "die_with_parent", "init_worker_process"]


@dataclass(frozen=True)
class AnalysedBatch:
    """A batch of documents analysed and made into the case file's rows, ready to store.

    Rows of plain values cross between processes many times faster than the extractions
    they are made of (a build's main process would otherwise spend much of its time
    unpickling them).

    Attributes:
        doc_ids: The documents, in order.
        rows: ``table -> rows`` (:func:`~corroborator.store._rows.extraction_rows`).
        added_at: The time the rows give as the documents' ``added_at``.
        problems: ``(path, "stage: Error: message")`` of each failing document's stage.
        no_extraction: ``(path, language)`` of each document in a language no pipeline handles.
    """

    doc_ids: list[str]
    rows: dict[str, list[tuple[Any, ...]]]
    added_at: str
    problems: list[tuple[str, str]]
    no_extraction: list[tuple[str, str]]


def analyse_for_store(batch: list[Document], settings: Settings) -> AnalysedBatch:
    """Run the document stages over ``batch`` (:func:`~corroborator.analyze.analyze_batch`) and make its rows."""
    extractions = analyze_batch(batch, settings)
    now = timestamp()
    return AnalysedBatch(
        doc_ids=[ex.document.id for ex in extractions],
        rows=extraction_rows(extractions, now),
        added_at=now,
        problems=[(ex.document.path, str(p)) for ex in extractions for p in ex.problems],
        no_extraction=[(ex.document.path, ex.document.language or "") for ex in extractions
                       if ex.no_extraction is not None],
    )


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
