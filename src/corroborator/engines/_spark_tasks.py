"""What a Spark executor runs for a build: read input files, analyse their documents, give rows.

Nothing here imports Spark: the functions take and give plain Python values, so they run
(and are tested) without a cluster. :func:`analyse_inputs` is the body of the build's
``mapPartitions``: it reads each input file (by path on a shared file system, or from
the bytes Spark read from HDFS or S3), analyses the new documents in batches with the
same registered stages as the local engine (:func:`~corroborator.analyze.analyze_batch`),
and yields rows of the Parquet layout of :mod:`corroborator.store.parquet`. The stages'
models load once per executor process (:func:`prepare`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from corroborator.analyze import analyze_batch, init_worker
from corroborator.errors import InputError
from corroborator.ingest import IngestOptions, read_documents
from corroborator.model import Document
from corroborator.settings import Settings
from corroborator.store._rows import EXTRACTION_TABLES, extraction_rows

logger = logging.getLogger(__name__)

#: One input file: its position in input order, its path, and its bytes if Spark read them (else None).
InputItem = tuple[int, str, bytes | None]

#: Digests of the settings whose stages this process has prepared.
_PREPARED: set[str] = set()


def prepare(settings: Settings) -> None:
    """Load what the stages need (the spaCy model), once per process and settings."""
    digest = settings.digest()
    if digest not in _PREPARED:
        init_worker(settings)
        _PREPARED.add(digest)


def input_row(ord_: int, path: str, status: str, reason: str | None = None, problems: Iterable[str] = (),
              not_read: dict[str, int] | None = None, not_read_problem: str | None = None) -> tuple[Any, ...]:
    """A row saying what became of one input file."""
    return ("input", ord_, path, status, reason, list(problems), json.dumps(not_read) if not_read else None,
            not_read_problem, *([] for _ in EXTRACTION_TABLES))


def batch_row(ord_: int, path: str, tables: dict[str, list[tuple[Any, ...]]]) -> tuple[Any, ...]:
    """A row holding the extraction rows of documents of one input file."""
    return ("batch", ord_, path, None, None, [], None, None, *(tables[t] for t in EXTRACTION_TABLES))


def analyse_inputs(items: Iterable[InputItem], settings: Settings, ingest: IngestOptions,
                   known: Callable[[], Any], batch_size: int = 32) -> Iterator[tuple[Any, ...]]:
    """Read and analyse input files; yield an input row per file and batch rows of their new documents.

    Args:
        items: The input files of one partition, in input order.
        settings: The build's settings (which stages, and their thresholds).
        ingest: How files are read (the caps).
        known: Gives the ids of the documents already in the case (a broadcast's value).
        batch_size: Documents analysed together.
    """
    prepare(settings)
    already = known()
    seen: set[str] = set()
    pending: list[tuple[int, str, Document]] = []
    for ord_, path, content in items:
        try:
            result = read_documents(Path(path), ingest, content=content)
        except InputError as exc:
            yield input_row(ord_, path, "skipped", exc.reason)
            continue
        fresh = [d for d in result.documents if d.id not in already and d.id not in seen]
        seen.update(d.id for d in fresh)
        yield input_row(ord_, path, "read" if fresh else "unchanged", None, result.problems, result.not_read,
                        result.not_read_problem)
        pending.extend((ord_, path, d) for d in fresh)
        while len(pending) >= batch_size:
            yield from _analysed(pending[:batch_size], settings)
            del pending[:batch_size]
    if pending:
        yield from _analysed(pending, settings)


def _analysed(pending: list[tuple[int, str, Document]], settings: Settings) -> Iterator[tuple[Any, ...]]:
    """Analyse a batch of documents; one batch row per input file they came from."""
    extractions = analyze_batch([d for _, _, d in pending], settings)
    now = datetime.now(timezone.utc).replace(tzinfo=None).isoformat(sep=" ")
    start = 0
    while start < len(pending):
        ord_, path, _ = pending[start]
        end = start
        while end < len(pending) and pending[end][0] == ord_:
            end += 1
        yield batch_row(ord_, path, extraction_rows(extractions[start:end], now))
        start = end
